# temperatures.py

def celsius_to_fahrenheit(c):
    """Convert Celsius to Fahrenheit."""
    return (c * 9 / 5) + 32

def fahrenheit_to_celsius(f):
    """Convert Fahrenheit to Celsius."""
    return (f - 32) * 5 / 9

def parse_reading(text):
    """Parse a reading and return degrees Celsius."""
    if not text:
        raise ValueError("Reading cannot be empty")

    parts = text.split()
    if len(parts) != 2:
        raise ValueError("Reading must be in the format 'X.XC' or 'X.XF'")

    try:
        celsius = float(parts[0])
        fahrenheit = float(parts[1])
    except ValueError as e:
        raise ValueError(f"Invalid reading: {e}")

    return celsius, fahrenheit

def summarize(readings: list[float]) -> dict[str, float]:
    """Summarize a list of Celsius readings."""
    min_celsius, max_celsius, mean_celsius = min(readings), max(readings), sum(readings) / len(readings)
    return {
        "min": f"{min_celsius:.1f}",
        "max": f"{max_celsius:.1f}",
        "mean": f"{mean_celsius:.1f}"
    }

def main(argv: list[str] | None = None) -> int:
    if not argv:
        print("Error: No arguments provided.")
        return 1

    for reading in argv:
        try:
            celsius, fahrenheit = parse_reading(reading)
        except ValueError as e:
            print(f"Error: {e}")
            continue

        print(f"min {celsius:.1f} max {fahrenheit:.1f} mean {fahrenheit:.1f}")

    return 0

import sys

def celsius_to_fahrenheit(c: float) -> float:
    return c * 9/5 + 32

def fahrenheit_to_celsius(f: float) -> float:
    return (f - 32) * 5/9

def parse_reading(text: str) -> float:
    try:
        if text == '':  # Check if the string is empty
            raise ValueError("Reading is empty.")
        parts = text.split()
        if len(parts) != 2:
            raise ValueError("Invalid reading format.")
        return float(parts[0]) if parts[1] == 'C' else float(parts[0]) - 32
    except ValueError as e:
        sys.stderr.write(f"Error: {e}\n")
        return 1

def main(argv: list[str] | None = None) -> int:
    if not argv:
        return 0

    readings = [parse_reading(arg) for arg in argv]
    min_temp = min(readings)
    max_temp = max(readings)
    mean_temp = sum(readings) / len(readings)
    print(f"min {min_temp:.1f} max {max_temp:.1f} mean {mean_temp:.1f}")
    return 0

# Uncomment the following line to run the main function
# main(sys.argv[1:])

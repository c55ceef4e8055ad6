# temperatures.py

def celsius_to_fahrenheit(c: float) -> float:
    return c * 9/5 + 32

def fahrenheit_to_celsius(f: float) -> float:
    return (f - 32) * 5/9

def parse_reading(text: str) -> float:
    try:
        if text.startswith('-'):
            return float(text[1:])
        else:
            return float(text)
    except ValueError:
        raise ValueError("Invalid reading format")

def summarize(readings: list[float]) -> dict[str, float]:
    if not readings:
        raise ValueError("Empty list of readings")

    min_temp = min(readings)
    max_temp = max(readings)
    mean_temp = sum(readings) / len(readings)

    return {'min': min_temp, 'max': max_temp, 'mean': mean_temp}

def main(argv: list[str] | None = None) -> int:
    if argv is None:
        return 0

    for reading in argv:
        try:
            temp = parse_reading(reading)
            print(f"{temp:.1f}°C")
        except ValueError as e:
            print(f"Error: {e}")
            return 1

    return 0

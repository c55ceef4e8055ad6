import sys

def celsius_to_fahrenheit(c: float) -> float:
    return c * 9/5 + 32

def fahrenheit_to_celsius(f: float) -> float:
    return (f - 32) * 5/9

def parse_reading(text: str) -> float:
    try:
        c = float(text.split()[0])
        if text.split()[1].lower() == 'c':
            return celsius_to_fahrenheit(c)
        elif text.split()[1].lower() == 'f':
            return fahrenheit_to_celsius(c)
        else:
            raise ValueError("Invalid reading format")
    except ValueError as e:
        print(f"Error: {e}", file=sys.stderr)
        return -1

def summarize(readings: list[float]) -> dict[str, float]:
    if not readings:
        raise ValueError("No readings provided")
    min_c = min(readings)
    max_c = max(readings)
    mean_c = sum(readings) / len(readings)
    return {'min': min_c, 'max': max_c, 'mean': mean_c}

def main(argv: list[str] | None = None) -> int:
    if argv is None:
        return 0
    for reading in argv:
        try:
            print(f"{parse_reading(reading)} C")
        except ValueError as e:
            print(f"Error: {e}", file=sys.stderr)
            return 1
    return 0

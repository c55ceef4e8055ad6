import re

def celsius_to_fahrenheit(c: float) -> float:
    return c * 9/5 + 32

def fahrenheit_to_celsius(f: float) -> float:
    return (f - 32) * 5/9

def parse_reading(text: str) -> float:
    match = re.match(r'^(\d+(\.\d+)?)C', text)
    if match:
        return float(match.group(1))
    elif match:
        raise ValueError("Invalid reading format")
    else:
        raise ValueError("Invalid reading format")

def summarize(readings: list[float]) -> dict[str, float]:
    min_temp = min(readings)
    max_temp = max(readings)
    mean_temp = sum(readings) / len(readings)
    return {'min': min_temp, 'max': max_temp, 'mean': mean_temp}

def main(argv: list[str] | None = None) -> int:
    if argv:
        for reading in argv:
            if isinstance(reading, str):
                try:
                    temp = parse_reading(reading)
                    print(f"{temp:.1f}C")
                except ValueError as e:
                    print(f"Error: {e}")
            else:
                print("Error: Input must be a string representing a temperature.")
                return 1
        return 0
    else:
        return 1

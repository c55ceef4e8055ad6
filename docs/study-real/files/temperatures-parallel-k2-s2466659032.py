import json
from dataclasses import dataclass

@dataclass
class Temperature:
    celsius: float
    fahrenheit: float


def celsius_to_fahrenheit(c: float) -> float:
    """Convert Celsius to Fahrenheit."""
    return c * 9/5 + 32

def fahrenheit_to_celsius(f: float) -> float:
    """Convert Fahrenheit to Celsius."""
    return (f - 32) * 5/9

def parse_reading(text: str) -> float:
    """Parse a reading such as '21.5C', '70 F' or '-3c' (a number, optional spaces, then C or F in either case) and return degrees Celsius."""
    if len(text) != 5:
        raise ValueError("Invalid reading format")

    try:
        celsius = float(text[:3])
        fahrenheit = float(text[3:])
    except ValueError:
        raise ValueError("Invalid reading format")

    return celsius, fahrenheit

    If you have any questions or need further clarification on the code, feel free to ask!
    # raise ValueError if the input is invalid

def summarize(readings: list[float]) -> dict[str, float]:
    """Summarize the readings: min X.X max X.X mean X.X."""
    if not readings:
        raise ValueError("No readings provided")

    min_temp = min(readings)
    max_temp = max(readings)
    mean_temp = sum(readings) / len(readings)

    return {
        "min": min_temp,
        "max": max_temp,
        "mean": mean_temp
    }

def main(argv: list[str] | None = None) -> int:
    if not argv:
        raise ValueError("No arguments provided")

    for reading in argv:
        try:
            temp = parse_reading(reading)
            print(f"{temp.celsius:.1f}C {temp.fahrenheit:.1f}F")
        except ValueError as e:
            print(e, file=sys.stderr)
            return 1
    return 0

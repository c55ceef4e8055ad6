import json
from dataclasses import dataclass


def celsius_to_fahrenheit(c: float) -> float:
    """Convert Celsius to Fahrenheit."""
    return (c * 9/5) + 32


def fahrenheit_to_celsius(f: float) -> float:
    """Convert Fahrenheit to Celsius."""
    return (f - 32) * 5/9


def parse_reading(text: str) -> float:
    """Parse a reading such as '21.5C', '70 F' or '-3c' (a number, optional spaces, then C or F in either case) and return degrees Celsius, raising ValueError for anything else."""
    parts = text.split()
    if len(parts) != 3:
        raise ValueError("Invalid reading format")
    try:
        celsius = float(parts[0])
        fahrenheit = float(parts[1])
    except ValueError:
        raise ValueError("Invalid reading format")
    return (celsius * 9/5) + 32
    parts = text.split()
    if len(parts) != 2:
        raise ValueError("Invalid reading format")
    try:
        celsius = float(parts[0])
        fahrenheit = float(parts[1])
    except ValueError:
        raise ValueError("Invalid reading format")
    return celsius


def summarize(readings: list[float]) -> dict[str, float]:
    """Summarize the reading values."""
    if not readings:
        raise ValueError("Empty list of readings")
    min_c = min(readings)
    max_c = max(readings)
    mean_c = sum(readings) / len(readings)
    return {'min': min_c, 'max': max_c, 'mean': mean_c}


def main(argv: list[str] | None = None) -> int:
    """Parse each argument as a reading and prints 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid."""
    if argv is None:
        return 0
    for arg in argv:
        try:
            celsius = parse_reading(arg)
            print(f"{celsius:.1f}")
        except ValueError as e:
            print(e)
            return 1
    return 0

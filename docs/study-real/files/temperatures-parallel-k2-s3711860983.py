import json
from dataclasses import dataclass


@dataclass
class Note:
    title: str
    body: str


def celsius_to_fahrenheit(c: float) -> float:
    """Convert Celsius to Fahrenheit."""
    return (c * 9/5) + 32


def fahrenheit_to_celsius(f: float) -> float:
    """Convert Fahrenheit to Celsius."""
    return (f - 32) * 5/9


def parse_reading(text: str) -> float:
    """Parse a reading from a string."""
    if not isinstance(text, str):
        raise ValueError("Reading must be a string.")
    parts = text.split()
    if len(parts) != 2:
        raise ValueError("Reading must contain exactly two parts separated by a space.")
    if parts[1] not in ['C', 'F']:
        raise ValueError("Reading must contain either 'C' or 'F' as the second part.")
    try:
        return float(parts[0])
    except ValueError:
        raise ValueError("Invalid reading format. Please provide a number with optional spaces and either 'C' or 'F' in either case.")


def summarize(readings: list[float]) -> dict[str, float]:
    """Summarize the reading values."""
    if not readings:
        raise ValueError("Reading list cannot be empty.")
    min_reading = min(readings)
    max_reading = max(readings)
    mean_reading = sum(readings) / len(readings)
    return {
        'min': min_reading,
        'max': max_reading,
        'mean': mean_reading
    }


def main(argv: list[str] | None = None) -> int:
    """Parse each argument as a reading and print 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid."""
    if argv is None:
        if argv is None:
            print("Please provide a reading as a string.")
            return 1
        pass
    else:
        try:
            for reading in argv:
                try:
                    reading = parse_reading(reading)
                except ValueError as e:
                    print(f"Error parsing reading: {e}")
                    return 1
                if reading is None:
                    print("Invalid reading.")
                    return 1
        except ValueError as e:
            print(f"Error: {e}")
            return 1
    return 0

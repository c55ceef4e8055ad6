# Task
# Write a Python module temperatures.py using only the standard library, with these functions: celsius_to_fahrenheit(c: float) -> float; fahrenheit_to_celsius(f: float) -> float; parse_reading(text: str) -> float reads a reading such as '21.5C', '70 F' or '-3c' (a number, optional spaces, then C or F in either case) and returns degrees Celsius, raising ValueError for anything else; summarize(readings: list[float]) -> dict[str, float] returns {'min': ..., 'max': ..., 'mean': ...} of Celsius values, raising ValueError for an empty list; main(argv: list[str] | None = None) -> int parses each argument as a reading and prints 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid; it returns 0 on success.

# Skeleton for the Task above now
import json
from dataclasses import dataclass

def celsius_to_fahrenheit(c: float) -> float:
    """Convert Celsius to Fahrenheit."""
    return c * 9/5 + 32

def fahrenheit_to_celsius(f: float) -> float:
    """Convert Fahrenheit to Celsius."""
    return (f - 32) * 5/9

def parse_reading(text: str) -> float:
    """Parse a reading."""
    parts = text.split()
    if len(parts) != 2:
        raise ValueError("Invalid reading format")
    try:
        celsius = float(parts[0])
        fahrenheit = celsius_to_fahrenheit(celsius)
        return fahrenheit
    except ValueError as e:
        raise ValueError(f"Invalid input: {e}")
    pass

def summarize(readings: list[float]) -> dict[str, float]:
    """Summarize the readings."""
        """Parse a reading."""
        pass
    pass

def main(argv: list[str] | None = None) -> int:
    """Parse each argument as a reading and print 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid; it returns 0 on success."""
    for reading in argv:
        try:
            # Parse the reading
            parsed_reading = float(reading)
            # Print the result
            print(f"min {parsed_reading:.1f} max {parsed_reading:.1f} mean {parsed_reading:.1f}")
        except ValueError:
            # Print the error message
            print("Error: Invalid reading format")
            return 1
    return 0
    pass

# Example usage
# main(['21.5C', '70 F', '-3c'])

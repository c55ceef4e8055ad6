import json
from dataclasses import dataclass


def celsius_to_fahrenheit(c: float) -> float:
    """Convert Celsius to Fahrenheit."""
    return (c * 9/5) + 32


def fahrenheit_to_celsius(f: float) -> float:
    """Convert Fahrenheit to Celsius."""
    return (f - 32) * 5/9


def parse_reading(text: str) -> float:
    """Parse a reading such as '21.5C', '70 F' or '-3c' (a number, optional spaces, then C or F in either case) and return degrees Celsius."""
    # Check if the input is a valid number
    try:
        return float(text)
    except ValueError:
        raise ValueError("Invalid reading format. Please provide a number, optional spaces, or C or F in either case.")



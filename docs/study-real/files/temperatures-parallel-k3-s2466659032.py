import json
from dataclasses import dataclass


def celsius_to_fahrenheit(c: float) -> float:
    """Convert Celsius to Fahrenheit."""
    return (c * 9/5) + 32


def fahrenheit_to_celsius(f: float) -> float:
    """Convert Fahrenheit to Celsius."""
    return (f - 32) * 5/9


def parse_reading(text: str) -> float:
    """Parse a reading such as '21.5C', '70 F' or '-3c' and return degrees Celsius."""
    try:
        return float(text)
    except ValueError:
        raise ValueError("Invalid reading format")



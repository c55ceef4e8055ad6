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
    """Parse a reading such as '21.5C', '70 F' or '-3c' (a number, optional spaces, then C or F in either case) and returns degrees Celsius, raising ValueError for anything else."""
    import re
    # Use regex to parse the text and convert it to a float
    pattern = r'-?[0-9]+(?:\.[0-9]+)?'
    match = re.match(pattern, text)
    if match:
        celsius = float(match.group(1))
        fahrenheit = celsius_to_fahrenheit(celsius)
        return fahrenheit
    else:
        raise ValueError("Invalid reading format")
    try:
        no
        if not text:
            raise ValueError("Reading cannot be empty")
        elif text.startswith("-"):
            raise ValueError("Invalid reading format")
        elif text.endswith("C"):
            return celsius_to_fahrenheit(float(text))
        elif text.endswith("F"):
            return fahrenheit_to_celsius(float(text))
        else:
            raise ValueError("Invalid reading format")
    except ValueError as e:
        raise ValueError(f"Invalid reading: {e}")
    except TypeError as e:
        raise TypeError(f"Invalid reading: {e}")

def summarize(readings: list[float]) -> dict[str, float]:
    """Summarize the readings as a dict of Celsius values, raising ValueError for an empty list."""
    def fahrenheit_to_celsius(f: float) -> float: pass
    if not readings:
        raise ValueError("Reading list is empty")

    def summarize(readings: list[float]) -> dict[str, float]: pass def main(argv: list[str] | None = None) -> int: pass

def main(argv: list[str] | None = None) -> int:
    """Parse each argument as a reading and print 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid."""
    # TODO(codecrdt:main ~6 lines): process each argument, call parse_reading, and print the result
    def main(argv: list[str] | None = None) -> int: pass

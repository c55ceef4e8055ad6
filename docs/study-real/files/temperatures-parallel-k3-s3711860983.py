import json
from dataclasses import dataclass


@dataclass
class Temperature:
    celsius: float
    fahrenheit: float


def celsius_to_fahrenheit(c: float) -> float:
    """Convert Celsius to Fahrenheit."""
    return (c * 9 / 5) + 32


def fahrenheit_to_celsius(f: float) -> float:
    """Convert Fahrenheit to Celsius."""
    return (f - 32) * 5 / 9


def parse_reading(text: str) -> float:
    """Parse a reading such as '21.5C', '70 F' or '-3c' (a number, optional spaces, then C or F in either case) and return degrees Celsius, raising ValueError for anything else."""
    from typing import List
    # Split the text on commas
    parts = text.split(',')
    # If there are less than 2 parts, raise a ValueError
    if len(parts) < 2:
        raise ValueError("Reading must contain at least two parts.")
    # Parse the first part as a number
    try:
        celsius = float(parts[0])
    except ValueError:
        raise ValueError(f"Invalid reading for Celsius: {parts[0]}")
    # Parse the second part as a number
    try:
        fahrenheit = float(parts[1])
    except ValueError:
        raise ValueError(f"Invalid reading for Fahrenheit: {parts[1]}")
    return celsius, fahrenheit

    main(argv: list[str] | None = None) -> int:
        # Parse each argument as a reading and print 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid
        readings = []
        for arg in argv:
            try:
                readings.append(parse_reading(arg))
            except ValueError as e:
                print(f"Error parsing reading: {e}")
                return 1
        if not readings:
            print("No readings provided.")
            return 1
        # Print the results
        print(f"min {readings[0].celsius:.1f} max {readings[-1].celsius:.1f} mean {readings[-1].celsius:.1f}")
        return 0
    parts = text.split(',')
    if len(parts) != 2:
        raise ValueError("Invalid reading format")
    celsius = float(parts[0])
    return celsius


def save_notes(path: str, notes: list[Note]) -> None:
    """Write the notes to a JSON file."""
    def save_notes(path: str, notes: list[Note]) -> None:
        """Write the notes to a JSON file."""
        with open(path, 'w') as file:
            json.dump(notes, file, indent=4)
    pass


def summarize(readings: list[float]) -> dict[str, float]:
    """Return {'min': ..., 'max': ..., 'mean': ...} of Celsius values, raising ValueError for an empty list."""
    if not readings:
        raise ValueError("No readings provided")
    min_celsius = min(readings)
    max_celsius = max(readings)
    mean_celsius = sum(readings) / len(readings)
    return {
        'min': round(min_celsius, 1),
        'max': round(max_celsius, 1),
        'mean': round(mean_celsius, 1)
    }


def main(argv: list[str] | None = None) -> int:
    """Parse each argument as a reading and print 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid; it returns 0 on success."""
    if not argv:
        return 1

    for arg in argv:
        try:
            readings = parse_reading(arg)
            print(f"min {readings['min']:.1f} max {readings['max']:.1f} mean {readings['mean']:.1f}")
        except ValueError as e:
            print(f"Error: {e}", file=sys.stderr)
            return 1

    return 0

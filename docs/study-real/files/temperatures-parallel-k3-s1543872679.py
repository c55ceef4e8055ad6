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
    """Read a reading such as '21.5C', '70 F' or '-3c' (a number, optional spaces, then C or F in either case) and returns degrees Celsius, raising ValueError for anything else."""
    # For example, split("21.5C") -> ["21", "5C"] with unit "C"
    # For example, split("70 F") -> ["70", "F"] with unit "F"
    # For example, split("-3c") -> ["-3", "c"] with unit "c"

def summarize(readings: list[float]) -> dict[str, float]:
    """Summarize a list of Celsius values, raising ValueError for an empty list."""
    if not readings:
        raise ValueError("The list of readings cannot be empty.")

    min_reading = min(readings)
    max_reading = max(readings)
    mean_reading = sum(readings) / len(readings)

    return {
        "min": min_reading,
        "max": max_reading,
        "mean": mean_reading,
    }
    # For example, if readings is ["21.5C", "70 F", "-3c"], the dictionary should be {"min": 21.5, "max": 70, "mean": 55.6}
    # If readings is [], the dictionary should raise ValueError
    # If readings is ["21.5C", "70 F", "-3c", "100C"], the dictionary should be {"min": 21.5, "max": 100, "mean": 55.6}


def main(argv: list[str] | None = None) -> int:
    """Parse each argument as a reading and prints 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid."""
    # Task
    Write a Python module temperatures.py using only the standard library, with these functions: celsius_to_fahrenheit(c: float) -> float; fahrenheit_to_celsius(f: float) -> float; parse_reading(text: str) -> float reads a reading such as '21.5C', '70 F' or '-3c' (a number, optional spaces, then C or F in either case) and returns degrees Celsius, raising ValueError for anything else; summarize(readings: list[float]) -> dict[str, float] returns {'min': ..., 'max': ..., 'mean': ...} of Celsius values, raising ValueError for an empty list; main(argv: list[str] | None = None) -> int parses each argument as a reading and prints 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid; it returns 0 on success.

    # The outline
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
        """Read a reading such as '21.5C', '70 F' or '-3c' (a number, optional spaces, then C or F in either case) and returns degrees Celsius, raising ValueError for anything else."""
        # For example, split("21.5C") -> ["21", "5C"] with unit "C"
        # For example, split("70 F") -> ["70", "F"] with unit "F"
        # For example, split("-3c") -> ["-3", "c"] with unit "c"

    def summarize(readings: list[float]) -> dict[str, float]:
        """Summarize a list of Celsius values, raising ValueError for an empty list."""
        # For example, if readings is ["21.5C", "70 F", "-3c"], the dictionary should be {"min": 21.5, "max": 70, "mean": 55.6}
        # If readings is [], the dictionary should raise ValueError
        # If readings is ["21.5C", "70 F", "-3c", "100C"], the dictionary should be {"min": 21.5, "max": 100, "mean": 55.6}


    def main(argv: list[str] | None = None) -> int:
        """Parse each argument as a reading and prints 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid."""
        for reading in argv:
            try:
                # Convert the reading to Celsius and print the result
                result = celsius_to_fahrenheit(float(reading))
                print(f"{result:.1f}")
            except ValueError as e:
                # Print the error message to stderr
                print(f"Error: {e}")
                return 1
    # For example:
    #   main(["21.5C", "70 F", "-3c", "100C"]) prints "min 21.5 max 100 mean 55.6"
    #   main([]) prints "error"
    #   main(["100C", "21.5C", "70 F", "-3c"]) prints "error"
    #   main(["21.5C", "70 F", "-3c", "100C", "-3c"]) prints "error"
    #   main(["21.5C", "70 F", "-3c", "100C", "-3c", "21.5C"]) prints "error"
    #   main(["21.5C", "70 F", "-3c", "100C", "-3c", "100C", "-3c", "21.5C"]) prints "error"
    #   main(["21.5C", "70 F", "-3c", "100C", "-3c", "100C", "-3c", "21.5C", "21.5C", "21.5C", "21.5C"]) prints "error"
    #   main(["21.5C", "70 F", "-3c", "100C", "-3c", "100C", "-3c", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C", "21.5C

# Task
Write a Python module temperatures.py using only the standard library, with these functions: celsius_to_fahrenheit(c: float) -> float; fahrenheit_to_celsius(f: float) -> float; parse_reading(text: str) -> float reads a reading such as '21.5C', '70 F' or '-3c' (a number, optional spaces, then C or F in either case) and returns degrees Celsius, raising ValueError for anything else; summarize(readings: list[float]) -> dict[str, float] returns {'min': ..., 'max': ..., 'mean': ...} of Celsius values, raising ValueError for an empty list; main(argv: list[str] | None = None) -> int parses each argument as a reading and prints 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid; it returns 0 on success.

# The file as it is now
(empty)

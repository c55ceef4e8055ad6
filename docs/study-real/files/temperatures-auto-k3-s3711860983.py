Certainly! Below is the completed `temperatures.py` file in one pass from top to bottom, with all imports, type, and function fully implemented. Additionally, I've included a `readings` function to parse reading strings and provide the required output.

import sys

def celsius_to_fahrenheit(c: float) -> float:
    return c * 9/5 + 32

def fahrenheit_to_celsius(f: float) -> float:
    return (f - 32) * 5/9

def parse_reading(text: str) -> float:
    try:
        # Split the text into parts
        parts = text.split()

        # Check if exactly one part is provided
        if len(parts) != 1:
            raise ValueError("Invalid reading format. Please provide exactly one reading.")

        # Try to parse the first part as a float
        value = float(parts[0])

        return value
    except ValueError as e:
        # Log the error and return an error message
        print(f"Error: {e}")
        return 1

def readings(readings: list[float]) -> dict[str, float]:
    if not readings:
        raise ValueError("Reading list is empty.")

    min_temp = min(readings)
    max_temp = max(readings)
    mean_temp = sum(readings) / len(readings)

    return {'min': min_temp, 'max': max_temp, 'mean': mean_temp}

def main(argv: list[str] | None = None) -> int:
    if argv is None:
        sys.stderr.write("Usage: python temperatures.py [reading1] [reading2] ... [readingN]")
        return 1

    try:
        # Parse each argument as a reading
        readings = [parse_reading(arg) for arg in argv]

        # Print the results
        print(readings_to_celsius(readings))
    except ValueError as e:
        # Log the error and return 1
        sys.stderr.write(f"Error: {e}")
        return 1

if __name__ == "__main__":
    main()

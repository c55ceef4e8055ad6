def celsius_to_fahrenheit(c):
    """
    Convert a temperature in Celsius to Fahrenheit.

    Parameters:
    c (float): Temperature in Celsius.

    Returns:
    float: Temperature in Fahrenheit.
    """
    return c * 9/5 + 32

def fahrenheit_to_celsius(f):
    """
    Convert a temperature in Fahrenheit to Celsius.

    Parameters:
    f (float): Temperature in Fahrenheit.

    Returns:
    float: Temperature in Celsius.
    """
    return (f - 32) * 5/9

def parse_reading(text):
    """
    Parse a reading string and return the temperature in Celsius.

    Parameters:
    text (str): The reading string.

    Returns:
    float: The temperature in Celsius.

    Raises:
    ValueError: If the reading is not valid.
    """
    parts = text.split()
    if len(parts) != 2:
        raise ValueError("Invalid reading format. Please use 'X.XC' or 'X.XF' where X is a number.")
    try:
        celsius = float(parts[0])
        fahrenheit = celsius_to_fahrenheit(celsius)
        return fahrenheit
    except ValueError:
        raise ValueError("Invalid reading format. Please use 'X.XC' or 'X.XF' where X is a number.")

def summarize(readings):
    """
    Summarize a list of Celsius readings.

    Parameters:
    readings (list[float]): List of Celsius readings.

    Returns:
    dict[str, float]: A dictionary with 'min', 'max', and 'mean' keys and their values.

    Raises:
    ValueError: If the list is empty.
    """
    if not readings:
        raise ValueError("The list of readings is empty.")

    min_reading = min(readings)
    max_reading = max(readings)
    mean_reading = sum(readings) / len(readings)

    return {'min': min_reading, 'max': max_reading, 'mean': mean_reading}

def main(argv):
    """
    Parse each argument as a reading and print 'min X.X max X.X mean X.X' in Celsius with one decimal, or prints the error to stderr and returns 1 if a reading is invalid.

    Parameters:
    argv (list[str] | None = None): List of command-line arguments.

    Returns:
    int: 0 on success.

    Raises:
    ValueError: If an argument is invalid.
    """
    if not argv:
        return 1

    readings = [parse_reading(arg) for arg in argv]
    print(f"min {readings[0]} max {readings[-1]} mean {readings[0]}")

if __name__ == "__main__":
    def main(argv: list[str] | None = None):
        if not argv:
            return 1

        readings = [parse_reading(arg) for arg in argv]
        print(f"min {readings[0]} max {readings[-1]} mean {readings[0]}")

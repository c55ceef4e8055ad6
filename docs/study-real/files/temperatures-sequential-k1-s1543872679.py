def celsius_to_fahrenheit(c: float) -> float:
    return c * 9/5 + 32

def fahrenheit_to_celsius(f: float) -> float:
    return (f - 32) * 5/9

def parse_reading(text: str) -> float:
    try:
        # Attempt to parse the reading
        if text.endswith('C'):
            return celsius_to_fahrenheit(float(text[:-1]))
        elif text.endswith('F'):
            return fahrenheit_to_celsius(float(text[:-1]))
        else:
            raise ValueError("Invalid reading format")
    except ValueError as e:
        raise ValueError("Invalid reading format")
    except Exception as e:
        raise ValueError(f"An error occurred: {e}")

def summaries(readings: list[float]) -> dict[str, float]:
    if not readings:
        raise ValueError("Reading list is empty")

    min_temp = min(readings)
    max_temp = max(readings)
    mean_temp = sum(readings) / len(readings)

    return {
        "min": round(min_temp, 1),
        "max": round(max_temp, 1),
        "mean": round(mean_temp, 1)
    }

def main(argv: list[str] | None = None) -> int:
    if not argv:
        raise ValueError("No arguments provided")

    for arg in argv:
        try:
            temp = parse_reading(arg)
            print(f"{temp}C")
        except ValueError as e:
            print(f"Error: {e}")
            return 1

    return 0

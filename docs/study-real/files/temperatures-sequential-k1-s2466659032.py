def celsius_to_fahrenheit(c: float) -> float:
    return c * 9/5 + 32

def fahrenheit_to_celsius(f: float) -> float:
    return (f - 32) * 5/9

def parse_reading(text: str) -> float:
    if not text:
        raise ValueError("Reading cannot be empty")
    parts = text.split()
    if len(parts) != 2:
        raise ValueError("Invalid reading format")
    if parts[1] not in ['C', 'F']:
        raise ValueError("Invalid reading format")
    return float(parts[0])

def readings_to_dict(readings: list[float]) -> dict[str, float]:
    if not readings:
        raise ValueError("Reading list cannot be empty")
    min_temp = min(readings)
    max_temp = max(readings)
    mean_temp = sum(readings) / len(readings)
    return {'min': min_temp, 'max': max_temp, 'mean': mean_temp}

def main(argv: list[str] | None = None) -> int:
    if not argv:
        raise ValueError("No arguments provided")
    for reading in argv:
        try:
            temp = parse_reading(reading)
            print(f"{temp:.1f}C")
        except ValueError as e:
            print(e)
            return 1
    return 0

import typing

cart: dict = {}

def add_item(cart: dict, name: str, price: float, quantity: int = 1) -> None:
    if price < 0 or quantity <= 0:
        raise ValueError("Price cannot be negative or quantity below 1.")
    cart[name] = (price, quantity)

def remove_item(cart: dict, name: str, quantity: int = 1) -> None:
    if name not in cart or quantity <= 0:
        raise KeyError(f"Unknown item: {name}.")
    cart[name] = (cart[name][0], cart[name][1] - quantity)

def cart_total(cart: dict) -> float:
    total = sum(item[0] * item[1] for item in cart.values())
    return round(total, 2)

def apply_discount(total: float, percent: float) -> float:
    if percent <= 0 or percent > 100:
        raise ValueError("Percent must be between 0 and 100.")
    return total * (1 - percent / 100)

def format_receipt(cart: dict) -> str:
    formatted = []
    for name, (price, quantity) in cart.items():
        formatted.append(f"{name} x {quantity} = {price:.2f}")
    return "\n".join(formatted)

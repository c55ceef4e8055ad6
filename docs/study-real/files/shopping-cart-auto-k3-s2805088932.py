import typing

cart: dict = {}

def add_item(cart: dict, name: str, price: float, quantity: int = 1) -> None:
    if price < 0:
        raise ValueError("Price cannot be negative")
    cart[name] = (price, quantity)

def remove_item(cart: dict, name: str, quantity: int = 1) -> None:
    if price < 0:
        raise ValueError("Price cannot be negative")
    cart[name] = (price, quantity - min(quantity, cart[name][1]))

def cart_total(cart: dict) -> float:
    return sum(item[0] * item[1] for item in cart.values())

def apply_discount(total: float, percent: float) -> float:
    if percent <= 0 or percent > 100:
        raise ValueError("Percent must be between 0 and 100")
    return total * (1 - percent / 100)

def format_receipt(cart: dict) -> str:
    receipt: str = []
    for item, value in sorted(cart.items()):
        receipt.append(f"{item} x {value[1]} = {value[0]}")
    return ' '.join(receipt)

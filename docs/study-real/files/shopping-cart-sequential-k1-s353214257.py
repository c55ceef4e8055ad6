from typing import Dict

cart: Dict[str, Tuple[float, int]] = {}

def add_item(cart: Dict[str, Tuple[float, int]], name: str, price: float, quantity: int = 1) -> None:
    if price < 0:
        raise ValueError("Price cannot be negative.")
    if quantity < 1:
        raise ValueError("Quantity cannot be less than 1.")
    cart[name] = (price, quantity)

def remove_item(cart: Dict[str, Tuple[float, int]], name: str, quantity: int = 1) -> None:
    if name not in cart:
        raise KeyError("Unknown item.")
    if quantity > cart[name][1]:
        raise ValueError("Quantity cannot be greater than available.")
    cart[name] = (cart[name][0], cart[name][1] - quantity)

def cart_total(cart: Dict[str, Tuple[float, int]]) -> float:
    total = 0.0
    for name, (price, quantity) in cart.items():
        total += price * quantity
    return total

def apply_discount(total: float, percent: float) -> float:
    if percent <= 0 or percent > 100:
        raise ValueError("Discount percentage must be between 0 and 100.")
    return total * (1 - percent / 100)

def format_receipt(cart: Dict[str, Tuple[float, int]]) -> str:
    receipt = []
    for name, (price, quantity) in cart.items():
        receipt.append(f"{name} x {quantity} = {price:.2f}")
        receipt.append(f"Total = {total:.2f}")
    return "\n".join(receipt)

# cart.py
from typing import Dict

def add_item(cart: Dict[str, Tuple[float, int]], name: str, price: float, quantity: int = 1) -> None:
    if price < 0:
        raise ValueError("Price cannot be negative.")
    if quantity < 1:
        raise ValueError("Quantity cannot be less than 1.")
    cart[name] = (price, quantity)

def remove_item(cart: Dict[str, Tuple[float, int]], name: str, quantity: int = 1) -> None:
    if quantity < 1:
        raise ValueError("Quantity cannot be less than 1.")
    if name not in cart:
        raise KeyError("Unknown item.")
    cart.pop(name)

def cart_total(cart: Dict[str, Tuple[float, int]]) -> float:
    total = 0
    for name, (price, quantity) in cart.items():
        total += price * quantity
    return total

def apply_discount(total: float, percent: float) -> float:
    if percent < 0 or percent > 100:
        raise ValueError("Percent cannot be negative or greater than 100.")
    return total * (1 - percent / 100)

def format_receipt(cart: Dict[str, Tuple[float, int]]) -> str:
    receipt = []
    for name, (price, quantity) in cart.items():
        receipt.append(f"{name} x {quantity} = {price:.2f}")
    receipt.append(f"Total = {total:.2f}")
    return '\n'.join(receipt)

# cart.py
from typing import Dict

def add_item(cart: Dict[str, tuple], name: str, price: float, quantity: int = 1) -> None:
    if price < 0:
        raise ValueError("Negative price")
    if quantity < 1:
        raise ValueError("Quantity below 1")
    cart[name] = (price, quantity)

def remove_item(cart: Dict[str, tuple], name: str, quantity: int = 1) -> None:
    if quantity < 1:
        raise ValueError("Quantity below 1")
    cart[name] = (cart[name][0], cart[name][1] - quantity)

def cart_total(cart: Dict[str, tuple]) -> float:
    total = 0
    for price, quantity in cart.items():
        total += price * quantity
    return total

def apply_discount(total: float, percent: float) -> float:
    if percent <= 0 or percent > 100:
        raise ValueError("Percent must be between 0 and 100")
    return total * (1 - percent / 100)

def format_receipt(cart: Dict[str, tuple]) -> str:
    receipt = []
    for name, (price, quantity) in cart.items():
        receipt.append(f"{name} x {quantity} = {price:.2f}")
    receipt.sort(key=lambda x: x.split()[0])
    return "\n".join(receipt)

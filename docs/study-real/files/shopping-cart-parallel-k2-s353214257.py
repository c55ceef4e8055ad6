import json
from dataclasses import dataclass


@dataclass
class Cart:
    items: dict[str, tuple[float, int]]


def add_item(cart: Cart, name: str, price: float, quantity: int = 1) -> None:
    """Add the quantity (keeping the latest price) and raises ValueError for a negative price or a quantity below 1."""
    if price < 0:
        raise ValueError("Price cannot be negative")
    if quantity < 1:
        raise ValueError("Quantity cannot be less than 1")
    cart.items[name] = (price, quantity)


def remove_item(cart: Cart, name: str, quantity: int = 1) -> None:
    """Lower the quantity and deletes the item when it reaches 0, raising KeyError for an unknown item."""
    if name not in cart.items:
        raise KeyError("Unknown item")
    if quantity < 1:
        raise ValueError("Quantity cannot be less than 1")
    cart.items[name] = (cart.items[name][0], cart.items[name][1] - quantity)


def cart_total(cart: Cart) -> float:
    """The sum of price times quantity."""
    total = 0
    for price, quantity in cart.items.values():
        total += price * quantity
    return total


def apply_discount(total: float, percent: float) -> float:
    """Returns the total less the percentage, rounded to 2 decimals, raising ValueError unless 0 <= percent <= 100."""
    if percent < 0:
        raise ValueError("Percent cannot be negative")
    if percent > 100:
        raise ValueError("Percent cannot be greater than 100")
    total = total * (1 - percent / 100)
    return round(total, 2)


def format_receipt(cart: Cart) -> str:
    """One line per item in name order, 'name x quantity = amount' with the amount to 2 decimals, then 'total = amount'."""
    receipt = []
    for name, (price, quantity) in cart.items.items():
        receipt.append(f"{name} x {quantity} = {price:.2f}")
    return '\n'.join(receipt)

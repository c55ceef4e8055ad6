import json
from dataclasses import dataclass


@dataclass
class Cart:
    items: dict[str, tuple[float, int]]


def load_cart(path: str) -> Cart:
    """Read the cart saved in a JSON file."""
    with open(path, 'r') as file:
        cart_data = json.load(file)
        cart = Cart(items=cart_data)
    return cart


def save_cart(path: str, cart: Cart) -> None:
    """Write the cart to a JSON file."""
    with open(path, 'w') as file:
        json.dump(cart.items, file, indent=4)

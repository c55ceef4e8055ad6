from typing import Dict, Tuple

# Define the Cart class
class Cart:
    def __init__(self):
        self.items: Dict[str, Tuple[float, int]] = {}

    def add_item(self, name: str, price: float, quantity: int = 1) -> None:
        if price < 0 or quantity < 1:
            raise ValueError("Negative price or a quantity below 1.")
        self.items[name] = (price, quantity)

    def remove_item(self, name: str, quantity: int = 1) -> None:
        if name not in self.items or quantity < 1:
            raise KeyError("Unknown item.")
        if self.items[name][1] == 0:
            raise KeyError("Item is out of stock.")
        self.items[name] = (self.items[name][0], self.items[name][1] - quantity)

    def cart_total(self) -> float:
        total = 0
        for price, quantity in self.items.values():
            total += price * quantity
        return total

    def apply_discount(self, total: float, percent: float) -> float:
        if 0 <= percent <= 100:
            return total * (1 - percent / 100)
        raise ValueError("Percent must be between 0 and 100.")

    def format_receipt(self) -> str:
        items = []
        for name, (price, quantity) in sorted(self.items.items()):
            items.append(f"{name} x {quantity} = ${price:.2f}")
        return "\n".join(items) + f"\nTotal = ${self.cart_total():.2f}"

from typing import Dict, Optional

@dataclass
class Cart:
    items: Dict[str, Tuple[float, int]] = {}

def add_item(cart: Cart, name: str, price: float, quantity: int = 1) -> None:
    """Adds the quantity (keeping the latest price) and raises ValueError for a negative price or a quantity below 1."""
    if price < 0:
        raise ValueError("Negative price")
    if quantity < 1:
        raise ValueError("Quantity below 1")

    if name in cart.items:
        cart.items[name] = (cart.items[name][0], cart.items[name][1] + quantity)
    else:
        cart.items[name] = (price, quantity)

price: float = float

def cart_total(cart: Cart) -> float:
    """The sum of price times quantity."""
    total = 0.0
    for price, quantity in cart.items.values():
        total += price * quantity
    return total

def apply_discount(total: float, percent: float) -> float:
    """Returns the total less the percentage, rounded to 2 decimals, raising ValueError unless 0 <= percent <= 100."""
    if percent < 0:
        raise ValueError("Percentage must be between 0 and 100")

    if percent == 100:
        return total

    if percent <= 0:
        raise ValueError("Percent must be between 0 and 100")

    total -= total * (percent / 100)
    total = round(total, 2)
    return total

def format_receipt(cart: Cart) -> str:
    """Returns one line per item in name order, 'name x quantity = amount' with the amount to 2 decimals, then 'total = amount'."""
    receipt = []
    for name, item in cart.items.items():
        receipt.append(f"{name} x {item[1]} = {item[0]:.2f}")
    return "\n".join(receipt)

# empty

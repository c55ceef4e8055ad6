# cart.py

def add_item(cart: dict, name: str, price: float, quantity: int = 1) -> None:
    if price < 0:
        raise ValueError("Price cannot be negative.")
    if quantity < 1:
        raise ValueError("Quantity cannot be less than 1.")
    cart[name] = (price, quantity)

def remove_item(cart: dict, name: str, quantity: int = 1) -> None:
    if name not in cart:
        raise KeyError("Unknown item.")
    if quantity < 1:
        raise ValueError("Quantity cannot be less than 1.")
    cart[name] = (cart[name][0], cart[name][1] - quantity)

def cart_total(cart: dict) -> float:
    total = 0
    for item, (price, quantity) in cart.items():
        total += price * quantity
    return total

def apply_discount(total: float, percent: float) -> float:
    if percent < 0 or percent > 100:
        raise ValueError("Discount percentage must be between 0 and 100.")
    return total * (1 - percent / 100)

def format_receipt(cart: dict) -> str:
    receipt = []
    for item, (price, quantity) in cart.items():
        receipt.append(f"{item} x {quantity} = {price:.2f}")
    receipt.append(f"Total = {total:.2f}")
    return "\n".join(receipt)

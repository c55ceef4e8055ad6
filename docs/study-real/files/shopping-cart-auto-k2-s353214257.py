# cart.py

def add_item(cart: dict, name: str, price: float, quantity: int = 1) -> None:
    if price < 0:
        raise ValueError("Price cannot be negative")
    if quantity < 1:
        raise ValueError("Quantity cannot be less than 1")
    cart[name] = (price, quantity)

def remove_item(cart: dict, name: str, quantity: int = 1) -> None:
    if name not in cart:
        raise KeyError("Unknown item")
    if quantity < 1:
        raise ValueError("Quantity cannot be less than 1")
    cart[name] = (cart[name][0], cart[name][1] - quantity)

def cart_total(cart: dict) -> float:
    total = 0.0
    for name, (price, quantity) in cart.items():
        total += price * quantity
    return total

def apply_discount(total: float, percent: float) -> float:
    if percent < 0:
        raise ValueError("Discount cannot be negative")
    if percent > 100:
        raise ValueError("Discount cannot be greater than 100")
    total -= total * (percent / 100)
    return round(total, 2)

def format_receipt(cart: dict) -> str:
    receipt = []
    for name, (price, quantity) in cart.items():
        receipt.append(f"{name} x {quantity} = {price:.2f}")
    receipt.append(f"Total = {total:.2f}")
    return "\n".join(receipt)

def add_item(cart: dict, name: str, price: float, quantity: int = 1) -> None:
    cart[name] = (price, quantity)

def remove_item(cart: dict, name: str, quantity: int = 1) -> None:
    if name in cart:
        if quantity <= 0:
            raise ValueError("Quantity must be greater than or equal to 1.")
        cart[name] = (cart[name][0], quantity - 1)
        if cart[name][1] == 0:
            del cart[name]
    else:
        raise KeyError(f"Unknown item: {name}")

def cart_total(cart: dict) -> float:
    total = 0
    for item, (price, quantity) in cart.items():
        total += price * quantity
    return round(total, 2)

def apply_discount(total: float, percent: float) -> float:
    if percent <= 0 or percent > 100:
        raise ValueError("Discount percent must be between 0 and 100.")
    return round(total * (1 - percent / 100), 2)

def format_receipt(cart: dict) -> str:
    items = sorted(cart.items(), key=lambda x: x[0])
    receipt = ""
    for item, (price, quantity) in items:
        receipt += f"{item} x {quantity} = ${price:.2f}\n"
    total = cart_total(cart)
    receipt += f"Total = ${total:.2f}"
    return receipt

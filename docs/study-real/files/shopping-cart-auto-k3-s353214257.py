cart = {}

def add_item(cart, name, price, quantity=1):
    if price < 0:
        raise ValueError("Negative price")
    if quantity < 1:
        raise ValueError("Quantity below 1")
    if name in cart:
        cart[name] = (cart[name][0], cart[name][1] + quantity)
    else:
        cart[name] = (price, quantity)

def remove_item(cart, name, quantity=1):
    if quantity < 1:
        raise ValueError("Quantity below 1")
    if name not in cart:
        raise KeyError("Unknown item")
    cart[name] = (cart[name][0], cart[name][1] - quantity)
    if cart[name][1] == 0:
        del cart[name]

def cart_total(cart):
    total = 0
    for name, (price, quantity) in cart.items():
        total += price * quantity
    return round(total, 2)

def apply_discount(total, percent):
    if percent <= 0 or percent > 100:
        raise ValueError("Invalid discount percentage")
    return round(total * (1 - percent / 100), 2)

def format_receipt(cart):
    receipt = []
    for name, (price, quantity) in cart.items():
        receipt.append(f"{name} x {quantity} = {price:.2f}")
    receipt.append(f"Total = {format_total(cart)}")
    return "\n".join(receipt)

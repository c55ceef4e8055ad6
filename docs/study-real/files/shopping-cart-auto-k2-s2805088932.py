# cart.py

def add_item(cart, name, price, quantity=1):
    cart[name] = (price, quantity)
    if price < 0:
        raise ValueError("Negative price")
    if quantity < 1:
        raise ValueError("Negative quantity")

def remove_item(cart, name, quantity=1):
    if name not in cart:
        raise KeyError("Unknown item")
    quantity = max(quantity, 0)
    if quantity == 0:
        del cart[name]
    cart[name] = (cart[name][0], quantity)

def cart_total(cart):
    total = sum(item[0] * item[1] for item in cart.values())
    return round(total, 2)

def apply_discount(total, percent):
    if percent <= 0 or percent > 100:
        raise ValueError("Percentage must be between 0 and 100")
    return total * (1 - percent / 100)

def format_receipt(cart):
    items = sorted(cart.items())
    receipt = "name x quantity = amount\n"
    for name, (price, quantity) in items:
        receipt += f"{name} {quantity} = {price:.2f}\n"
    total = cart_total(cart)
    receipt += f"total = {total:.2f}"
    return receipt

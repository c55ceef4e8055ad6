"""What cart.py must do, from the task's spec (shopping-cart.toml).

Run by ``codecrdt.bench.functional`` in a folder that holds the generated file as
``cart.py``. The spec names every signature, so a model's module can be held to them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def c() -> ModuleType:
    return importlib.import_module("cart")


def test_add_keeps_the_latest_price_and_sums_quantities(c: ModuleType) -> None:
    cart: dict = {}
    c.add_item(cart, "apple", 0.5, 3)
    c.add_item(cart, "apple", 0.4)
    c.add_item(cart, "bread", 2.25)
    assert cart == {"apple": (0.4, 4), "bread": (2.25, 1)}


@pytest.mark.parametrize(("price", "quantity"), [(-1.0, 1), (1.0, 0), (1.0, -2)])
def test_add_refuses_bad_values(c: ModuleType, price: float, quantity: int) -> None:
    cart: dict = {}
    with pytest.raises(ValueError):
        c.add_item(cart, "x", price, quantity)
    assert cart == {}


def test_remove(c: ModuleType) -> None:
    cart = {"apple": (0.5, 3), "bread": (2.0, 1)}
    c.remove_item(cart, "apple", 2)
    assert cart["apple"] == (0.5, 1)
    c.remove_item(cart, "bread")
    assert "bread" not in cart
    with pytest.raises(KeyError):
        c.remove_item(cart, "milk")


def test_total_and_discount(c: ModuleType) -> None:
    assert c.cart_total({"a": (1.5, 2), "b": (0.25, 4)}) == pytest.approx(4.0)
    assert c.cart_total({}) == 0
    assert c.apply_discount(80.0, 12.5) == pytest.approx(70.0)
    assert c.apply_discount(10.0, 33.333) == pytest.approx(6.67)
    for bad in (-1, 101):
        with pytest.raises(ValueError):
            c.apply_discount(10.0, bad)


def test_receipt(c: ModuleType) -> None:
    receipt = c.format_receipt({"bread": (2.25, 1), "apple": (0.5, 3)})
    assert receipt.splitlines() == ["apple x 3 = 1.50", "bread x 1 = 2.25", "total = 3.75"]

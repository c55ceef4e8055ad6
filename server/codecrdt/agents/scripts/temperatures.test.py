"""What temperatures.py must do, from the task's spec (temperatures.toml).

Run by ``codecrdt.bench.functional`` in a folder that holds the generated file as
``temperatures.py``. The spec names every signature, so a model's module can be held to them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def t() -> ModuleType:
    return importlib.import_module("temperatures")


def test_conversions(t: ModuleType) -> None:
    assert t.celsius_to_fahrenheit(100) == pytest.approx(212.0)
    assert t.celsius_to_fahrenheit(-40) == pytest.approx(-40.0)
    assert t.fahrenheit_to_celsius(32) == pytest.approx(0.0)
    assert t.fahrenheit_to_celsius(212) == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("text", "celsius"),
    [("21.5C", 21.5), ("70 F", 21.111), ("-3c", -3.0), ("212f", 100.0), ("0 C", 0.0)],
)
def test_parse_reading(t: ModuleType, text: str, celsius: float) -> None:
    assert t.parse_reading(text) == pytest.approx(celsius, abs=1e-3)


@pytest.mark.parametrize("text", ["", "21", "C", "21K", "warm"])
def test_parse_reading_refuses_what_is_not_a_reading(t: ModuleType, text: str) -> None:
    with pytest.raises(ValueError):
        t.parse_reading(text)


def test_summarize(t: ModuleType) -> None:
    assert t.summarize([1.0, 3.0, 8.0]) == pytest.approx({"min": 1.0, "max": 8.0, "mean": 4.0})
    with pytest.raises(ValueError):
        t.summarize([])


def test_main(t: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    assert t.main(["10C", "50F", "19c"]) == 0
    assert capsys.readouterr().out.strip() == "min 10.0 max 19.0 mean 13.0"
    assert t.main(["10C", "hot"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip()

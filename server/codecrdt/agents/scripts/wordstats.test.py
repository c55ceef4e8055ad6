"""What wordstats.py must do, from the task's spec (wordstats.toml).

Run by ``codecrdt.bench.functional`` in a folder that holds the generated file as
``wordstats.py``. The spec names every signature, so a model's module can be held to them.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def ws() -> ModuleType:
    return importlib.import_module("wordstats")


def test_tokenize_lowercases_and_keeps_apostrophes(ws: ModuleType) -> None:
    assert ws.tokenize("Don't stop, DON'T stop-now 2 times!") == [
        "don't",
        "stop",
        "don't",
        "stop",
        "now",
        "2",
        "times",
    ]
    assert ws.tokenize("") == []


def test_count_words(ws: ModuleType) -> None:
    assert ws.count_words(["a", "b", "a"]) == {"a": 2, "b": 1}
    assert ws.count_words([]) == {}


def test_top_n_orders_by_count_then_word(ws: ModuleType) -> None:
    counts = {"pear": 2, "apple": 2, "fig": 5, "kiwi": 1}
    assert ws.top_n(counts, 3) == [("fig", 5), ("apple", 2), ("pear", 2)]
    assert ws.top_n(counts, 10) == [("fig", 5), ("apple", 2), ("pear", 2), ("kiwi", 1)]
    assert ws.top_n({}, 3) == []


def test_average_length(ws: ModuleType) -> None:
    assert ws.average_length(["ab", "abcd"]) == pytest.approx(3.0)
    assert ws.average_length([]) == 0.0


def test_main_prints_top_words_and_average(
    ws: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "words.txt"
    text.write_text("the cat and the hat\nThe end of it", encoding="utf-8")
    assert ws.main([str(text)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "the 3"
    assert lines[1:] == [
        "and 1",
        "cat 1",
        "end 1",
        "hat 1",
        "it 1",
        "of 1",
        "average length: 2.78",
    ]

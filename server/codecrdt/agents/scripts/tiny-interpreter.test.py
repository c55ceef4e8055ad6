"""What tiny.py must do, from the task's spec (tiny-interpreter.toml).

Run by ``codecrdt.bench.functional`` in a folder that holds the generated file as
``tiny.py``. Interface assumed: ``run_source(source) -> value``, ``InterpError`` with
``pos`` (line, column) and ``render(source)``, ``tokenize(source)`` (tokens with ``pos``),
``main(argv) -> exit status``.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def tiny() -> ModuleType:
    return importlib.import_module("tiny")


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("2 ^ 3 ^ 2", 512),  # right-associative
        ("7 % 4", 3),
        ("1.5 + 1", 2.5),
        ("10 / 4", 2.5),
        ("-3 + 5", 2),
        ("1 < 2 and 2 <= 2", True),
        ("not true or false", False),
        ("3 == 3 and 3 != 4", True),
        ("nil", None),
    ],
)
def test_arithmetic_comparison_and_logic(tiny: ModuleType, source: str, value: object) -> None:
    assert tiny.run_source(source) == value


def test_let_binds_and_let_in_scopes(tiny: ModuleType) -> None:
    assert tiny.run_source("let x = 4\nx * x") == 16
    assert tiny.run_source("let y = 2 in y + 1") == 3
    with pytest.raises(tiny.InterpError):
        tiny.run_source("let y = 2 in y + 1\ny")  # y is only seen in the body


def test_if_then_else_and_blocks(tiny: ModuleType) -> None:
    assert tiny.run_source("if 1 < 2 then 10 else 20") == 10
    assert tiny.run_source("if false then 10 else 20") == 20
    assert tiny.run_source("{ let a = 1; let b = 2; a + b }") == 3


def test_functions_are_first_class_closures(tiny: ModuleType) -> None:
    assert tiny.run_source("let add = fn(a, b) => a + b\nadd(2, 3)") == 5
    source = "let make = fn(n) => fn(x) => x + n\nlet add5 = make(5)\nadd5(10)"
    assert tiny.run_source(source) == 15
    assert tiny.run_source("let twice = fn(f, x) => f(f(x))\ntwice(fn(x) => x * 3, 2)") == 18


def test_recursion(tiny: ModuleType) -> None:
    source = "let fact = fn(n) => if n <= 1 then 1 else n * fact(n - 1)\nfact(10)"
    assert tiny.run_source(source) == 3628800
    fib = "let fib = fn(n) => if n < 2 then n else fib(n - 1) + fib(n - 2)\nfib(15)"
    assert tiny.run_source(fib) == 610


def test_builtins(tiny: ModuleType) -> None:
    assert tiny.run_source("abs(-4)") == 4
    assert tiny.run_source("sqrt(16)") == 4
    assert tiny.run_source("floor(2.7)") == 2
    assert tiny.run_source("min(3, 1, 2)") == 1
    assert tiny.run_source("max(3, 1, 2)") == 3
    assert tiny.run_source("pi") == pytest.approx(math.pi)


def test_print_writes_values_in_the_languages_words(
    tiny: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny.run_source("print(1 + 1)\nprint(true)\nprint(nil)")
    assert capsys.readouterr().out.split() == ["2", "true", "nil"]


def test_tokenizer_records_line_and_column(tiny: ModuleType) -> None:
    tokens = tiny.tokenize("let x = 1\n  x + 22")
    positions = {(t.text, t.pos) for t in tokens}
    assert ("let", (1, 1)) in positions
    assert ("x", (1, 5)) in positions
    assert ("22", (2, 7)) in positions


@pytest.mark.parametrize(
    ("source", "pos", "words"),
    [
        ("1 +\n  * 2", (2, 3), "expected"),  # syntax error at the second '*'
        ("let a = 1\na + b", (2, 5), "b"),  # unknown name
        ("1 + true", (1, 3), "+"),  # wrong type
        ("let f = fn(a) => a\nf(1, 2)", (2, 2), "argument"),  # wrong arity
        ("10 / (5 - 5)", (1, 4), "zero"),  # division by zero
    ],
)
def test_errors_name_their_position(
    tiny: ModuleType, source: str, pos: tuple[int, int], words: str
) -> None:
    with pytest.raises(tiny.InterpError) as raised:
        tiny.run_source(source)
    error = raised.value
    assert tuple(error.pos) == pos
    assert words in str(error)


def test_error_render_shows_the_line_and_a_caret(tiny: ModuleType) -> None:
    source = "let a = 1\na + b"
    with pytest.raises(tiny.InterpError) as raised:
        tiny.run_source(source)
    lines = raised.value.render(source).splitlines()
    assert "2:5" in lines[0]
    assert lines[1].strip() == "a + b"
    assert lines[2].index("^") == lines[1].index("b")


def test_command_line_runs_an_expression_and_reports_errors(
    tiny: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tiny.main(["-e", "6 * 7"]) == 0
    assert capsys.readouterr().out.strip() == "42"
    assert tiny.main(["-e", "1 / 0"]) == 1
    assert "zero" in capsys.readouterr().err


def test_command_line_runs_a_file(
    tiny: ModuleType, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    program = tmp_path / "prog.tiny"
    program.write_text("let sq = fn(x) => x * x\nprint(sq(9))\n", encoding="utf-8")
    assert tiny.main([str(program)]) == 0
    assert capsys.readouterr().out.strip() == "81"


def test_repl_continues_lines_while_brackets_are_open(
    tiny: ModuleType, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter(["let double = fn(x) => {", "  x * 2", "}", "double(21)", "1 +"])

    def answer(_prompt: str = "") -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", answer)
    assert tiny.main([]) == 0
    assert "42" in capsys.readouterr().out.split()

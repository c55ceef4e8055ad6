"""Python's order of evaluation, re-imports and conflicting values: exact findings.

Each case is a small module; the expected findings (code, name, range, message) follow
CPython: a use keeps an earlier binding alive only if it runs before the later binding.
"""

from __future__ import annotations

import pytest
import tree_sitter

from codecrdt.analysis.detect import Finding
from codecrdt.analysis.fixes import fix_for, model_task
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text


def findings(text: str, language: str = "python", stub: bool = False) -> list[Finding]:
    spec = language_named(language)
    assert spec is not None
    return analyze_text(text, spec, stub=stub)


def summary(text: str, language: str = "python") -> list[tuple[str, str | None, int, int, int]]:
    """(code, name, row, start column, end column) of each finding, 0-based bytes."""
    return [
        (f.code, f.name, f.start_point[0], f.start_point[1], f.end_point[1])
        for f in findings(text, language)
    ]


# -- which uses keep the first binding alive -------------------------------------------------


@pytest.mark.parametrize(
    ("between", "reason"),
    [
        ("def g():\n    return f()\n", "`g` uses it on line 4, but a function body runs"),
        ("h = lambda: f()\n", "a lambda uses it on line 3, but a lambda body runs"),
        (
            "class C:\n    def m(self):\n        return f()\n",
            "`m` uses it on line 5, but a function body runs",
        ),
        (
            "def outer():\n    def inner():\n        return f()\n    return inner\n",
            "`inner` uses it on line 5, but a function body runs",
        ),
        ("type Alias = f\n", "a type alias uses it on line 3, but its value is evaluated"),
    ],
)
def test_a_deferred_use_does_not_keep_the_first_binding(between: str, reason: str) -> None:
    text = f"def f():\n    pass\n{between}def f():\n    return 1\n"
    (finding,) = findings(text)
    assert finding.code == "conflicting-signature" or finding.code == "duplicate-declaration"
    row = text.count("\n", 0, text.index("def f():\n    return 1"))
    assert (finding.start_point, finding.end_point) == ((row, 4), (row, 5))
    assert finding.message.startswith("'f' is declared again (first on line 1); ")
    assert reason in finding.message
    assert finding.message.endswith("after the second binding")


@pytest.mark.parametrize(
    "between",
    [
        "x = f()\n",  # a module statement
        "@f\ndef g():\n    pass\n",  # a decorator
        "def g(a=f):\n    pass\n",  # a default value
        "def g(a: f) -> None:\n    pass\n",  # an annotation, evaluated without __future__
        "def g() -> f:\n    pass\n",  # a return annotation
        "class C(f):\n    pass\n",  # a base class
        "class C:\n    x = f\n",  # a class body runs at once
        "g = lambda a=f: a\n",  # a lambda's default value
        "x = [f for _ in range(2)]\n",  # a comprehension runs at once
        "del f\n",  # `del` reads the binding
    ],
)
def test_an_evaluated_use_keeps_the_first_binding(between: str) -> None:
    assert findings(f"def f():\n    pass\n{between}def f():\n    return 1\n") == []


def test_the_later_definitions_own_defaults_are_evaluated_before_it_binds() -> None:
    assert findings("def f():\n    pass\ndef f(g=f):\n    return g\n") == []


def test_a_parameter_or_keyword_of_the_same_name_is_not_a_use() -> None:
    text = "def f():\n    pass\ndef g(f, *, k=1):\n    pass\nprint(end=1, f=2)\n"
    text += "def f():\n    pass\n"
    assert [(f.code, f.name) for f in findings(text)] == [("duplicate-declaration", "f")]


def test_every_redefinition_in_a_row_is_reported() -> None:
    """A definition's own name is not a use of the one before it: a third `def f` is a
    redefinition too (as ruff's F811 says)."""
    text = "def f():\n    pass\ndef f():\n    pass\ndef f():\n    pass\n"
    assert [(f.name, f.start_point[0]) for f in findings(text)] == [("f", 2), ("f", 4)]
    text = "X = 1\nX = 1\nX = 1\n"
    assert [(f.code, f.start_point[0]) for f in findings(text)] == [
        ("duplicate-declaration", 1),
        ("duplicate-declaration", 2),
    ]


def test_an_overload_with_a_comment_on_its_decorator_is_still_an_overload() -> None:
    text = (
        "from typing import overload\n"
        "@overload  # noqa: F811\ndef f(x: int) -> int: ...\n"
        "@overload  # typed\ndef f(x: str) -> str: ...\n"
        "def f(x):\n    return x\n"
    )
    assert findings(text) == []


@pytest.mark.parametrize(
    "header",
    [
        "from __future__ import annotations\n",
        '"""Docstring."""\n# a comment\nfrom __future__ import annotations\n',
    ],
)
def test_under_future_annotations_an_annotation_is_no_use(header: str) -> None:
    text = f"{header}class R:\n    pass\ndef g(r: R) -> R:\n    return r\nclass R:\n    pass\n"
    (finding,) = findings(text)
    assert (finding.code, finding.name) == ("duplicate-declaration", "R")
    line = header.count("\n") + 3
    assert finding.message.endswith(
        f"; the annotation on line {line} that uses it is not evaluated before it"
    )


def test_a_future_import_after_code_is_not_the_future_statement() -> None:
    text = "x = 1\nfrom __future__ import annotations\nclass R:\n    pass\n"
    text += "def g(r: R):\n    return r\nclass R:\n    pass\n"
    assert findings(text) == []


def test_a_local_variables_annotation_is_never_evaluated() -> None:
    text = (
        "def outer():\n"
        "    import json\n"
        "    value: json = 1\n"  # not evaluated (PEP 526): no use
        "    from pickle import loads as json\n"
        "    return value, json\n"
    )
    assert summary(text) == [("duplicate-import", "json", 3, 32, 36)]


def test_in_a_stub_no_use_counts() -> None:
    text = "class Cell: ...\nclass Sheet(Cell): ...\nclass Cell: ...\n"
    assert findings(text) == []
    assert [f.name for f in findings(text, stub=True)] == ["Cell"]


# -- re-imports -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("import x\nx.f()\nimport x\n", [("x", 2, 7, 8)]),
        ("from m import a\nprint(a)\nfrom m import a\n", [("a", 2, 14, 15)]),
        ("from m import a, b\nprint(b)\nfrom m import b, c\n", [("b", 2, 14, 15)]),
        ("import m as n\nn.f()\nimport m as n\n", [("n", 2, 12, 13)]),
        ("from . import a\na()\nfrom . import a\n", [("a", 2, 14, 15)]),
        ("import a.b\nimport a.c\na.b.f()\nimport a.c\n", [("a", 3, 7, 8)]),
        ("import a.b\nimport a.c\n", []),  # two submodules: both are needed
    ],
)
def test_a_reimport_is_reported_whatever_came_between(
    text: str, expected: list[tuple[str, int, int, int]]
) -> None:
    found = findings(text)
    assert [(f.name, f.start_point[0], f.start_point[1], f.end_point[1]) for f in found] == (
        expected
    )
    for finding in found:
        assert finding.code == "duplicate-import" and finding.data["reimport"] is True
        assert finding.message.endswith(": the same binding again, so this import is redundant")


def test_another_object_under_a_used_name_is_a_rebinding_not_a_reimport() -> None:
    assert findings("from a import x\nx()\nfrom b import x\n") == []
    (unused,) = findings("from a import x\nfrom b import x\n")
    assert unused.code == "duplicate-import" and "reimport" not in unused.data
    assert unused.message == "'x' is imported again (first on line 1)"


def test_reimports_in_alternative_branches_and_other_scopes_are_not_reported() -> None:
    text = (
        "import json\n"
        "try:\n    import tomllib\nexcept ImportError:\n    import tomllib\n"
        "def f():\n    import json\n    return json\n"
    )
    assert findings(text) == []


# -- conflicting values ------------------------------------------------------------------------


def test_a_constant_with_two_values_names_both_and_the_lines() -> None:
    text = 'LIMIT = 3\nNAME = "a"\n\nLIMIT = 5  # the other agent\nNAME = "a"\n'
    (value, same) = findings(text)
    assert (value.code, value.name, value.start_point, value.end_point) == (
        "conflicting-value",
        "LIMIT",
        (3, 0),
        (3, 5),
    )
    assert value.message == "'LIMIT' is assigned 5 here but 3 on line 1"
    assert value.severity == "error"
    assert value.data["values"] == ["3", "5"]
    assert (same.code, same.name) == ("duplicate-declaration", "NAME")


@pytest.mark.parametrize(
    ("first", "second", "code"),
    [
        ("{'a': 1, 'b': 2}", "{'a': 1,\n     'b': 2}", "duplicate-declaration"),  # layout
        ("[1, 2]", "[1,  # one\n 2,]", "duplicate-declaration"),  # comment, trailing comma
        ("(1,)", "(1)", "conflicting-value"),  # a tuple and an int
        ("'a'", "'b'", "conflicting-value"),
        ("f(1)", "f(2)", "conflicting-value"),
        # A string literal is the string it makes: quotes, prefixes and adjacent parts
        # do not count; what its escapes and substitutions hold does.
        ('"*+?{"', "'*+?{'", "duplicate-declaration"),
        ("'ab'", "('a'\n 'b')", "duplicate-declaration"),
        ("'\\x41'", "'A'", "duplicate-declaration"),
        ("'a\\nb'", "'a\\nc'", "conflicting-value"),
        ("'a\\tb'", "'a\\nb'", "conflicting-value"),
        ("b'a'", "'a'", "conflicting-value"),
        ('f"{x}a"', 'f"{x}b"', "conflicting-value"),
    ],
)
def test_values_are_compared_by_their_tokens(first: str, second: str, code: str) -> None:
    (finding,) = findings(f"from m import f, x\n\nX = {first}\nX = {second}\n")
    assert finding.code == code


def test_a_placeholder_none_and_a_used_value_are_not_conflicts() -> None:
    text = (
        "class Option:\n"
        "    CHECKS = None\n"
        "    def check(self):\n"
        "        return self.CHECKS\n"
        "    CHECKS = [check]\n"
        "BASE = 1\n"
        "PATH = BASE + 1\n"
        "BASE = 2\n"
    )
    assert findings(text) == []


def test_a_deferred_read_of_the_first_value_is_the_reason() -> None:
    text = "LIMIT = 3\ndef save():\n    return LIMIT\nLIMIT = 5\n"
    (finding,) = findings(text)
    assert finding.code == "conflicting-value"
    assert finding.message == (
        "'LIMIT' is assigned 5 here but 3 on line 1; `save` uses it on line 3, but a "
        "function body runs after the second binding"
    )


def test_a_long_value_is_shortened_in_the_message() -> None:
    text = f"X = {'[' + ', '.join(str(n) for n in range(40)) + ']'}\nX = 0\n"
    (finding,) = findings(text)
    shown = finding.message.split(" but ", 1)[1].rsplit(" on line", 1)[0]
    assert len(shown) == 40 and shown.endswith("…") and shown.startswith("[0, 1, 2")


@pytest.mark.parametrize("language", ["typescript", "javascript", "tsx"])
def test_top_level_consts_with_two_values(language: str) -> None:
    text = (
        "const LIMIT = 3;\nexport const LIMIT = 5;\n"
        "const f = () => 1;\nconst f = () => 2;\n"
        "function g() {\n  const local = 1;\n  const local = 2;\n}\n"
    )
    assert summary(text, language) == [
        ("conflicting-value", "LIMIT", 1, 13, 18),
        ("duplicate-declaration", "f", 3, 6, 7),  # a function value: a helper twice
        ("duplicate-declaration", "local", 6, 8, 13),  # not top level
    ]
    assert findings(text, language)[0].message == "'LIMIT' is assigned 5 here but 3 on line 1"


# -- the fixes ----------------------------------------------------------------------------------


def _task(text: str, language: str, answer: str = "") -> tuple[str | None, str | None]:
    """(the text after the model's ``answer``, the places shown: the region, then the
    other places), for the first finding.

    The region is the first statement on whole lines, indentation included (the model sees
    it so), and the answer replaces it."""
    spec = language_named(language)
    assert spec is not None
    source = text.encode("utf-8")
    tree = tree_sitter.Parser(spec.tree_sitter).parse(source)
    (finding, *_) = analyze_text(source, spec)
    assert fix_for(finding, tree, source) is None  # no deterministic guess of the value
    task = model_task(finding, tree, source)
    if task is None:
        return None, None
    places = [task.region, *((start, end) for _label, start, end in task.shown)]
    newline = b"\n"
    sites = "\n".join(
        f"- line {source.count(newline, 0, start) + 1}: {source[start:end].decode().strip()}"
        for start, end in places
    )
    edits = sorted([(*task.region, answer), *task.also], reverse=True)
    for start, end, new in edits:
        source = source[:start] + new.encode("utf-8") + source[end:]
    return source.decode("utf-8"), sites


@pytest.mark.parametrize(
    ("language", "text", "answer", "after", "sites"),
    [
        (
            "python",
            "X = 1\ndef f():\n    return X\nX = 2  # theirs\n",
            "X = 9\n",
            "X = 9\ndef f():\n    return X\n",
            "- line 1: X = 1\n- line 4: X = 2  # theirs",
        ),
        (
            "python",
            "class C:\n    X = 1\n    X = 2\n",
            "    X = 9\n",
            "class C:\n    X = 9\n",
            "- line 2: X = 1\n- line 3: X = 2",
        ),
        (
            "typescript",
            "export const X = 1;\nconst y = X;\nconst X = 2;\n",
            "const X = 9;\n",
            "const X = 9;\nconst y = X;\n",
            "- line 1: export const X = 1;\n- line 3: const X = 2;",
        ),
    ],
)
def test_a_conflicting_value_goes_to_the_model_with_both_places(
    language: str, text: str, answer: str, after: str, sites: str
) -> None:
    assert _task(text, language, answer) == (after, sites)


def test_a_const_beside_another_declarator_is_left_to_the_plain_request() -> None:
    assert _task("const X = 1, Y = 2;\nconst X = 3;\n", "javascript") == (None, None)


@pytest.mark.parametrize(
    ("first", "second", "code"),
    [
        ('"a"', "'a'", "duplicate-declaration"),
        ("'a\\nb'", "'a\\nc'", "conflicting-value"),
        ("`a${x}b`", "`c${x}d`", "conflicting-value"),
        ("`a${x}b`", "`a${x}b`", "duplicate-declaration"),
    ],
)
def test_typescript_strings_and_templates_are_compared_by_what_they_hold(
    first: str, second: str, code: str
) -> None:
    text = f"const x = 1;\nconst X = {first};\nconst X = {second};\n"
    assert [f.code for f in findings(text, "typescript")] == [code]

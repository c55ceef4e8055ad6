"""undefined-name and arity-mismatch: messages, data, suggestions and edge cases.

Ranges per language are in the fixtures (tests/fixtures/*/, test_analysis.py); agreement
with ruff, pylint and tsc in test_references_agreement.py.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from codecrdt.analysis.detect import Finding
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.names import close_names
from codecrdt.analysis.tree import analyze_text


def findings(text: str, language: str = "python", code: str | None = None) -> list[Finding]:
    spec = language_named(language)
    assert spec is not None
    return [f for f in analyze_text(text, spec) if code is None or f.code == code]


def messages(text: str, language: str = "python") -> list[str]:
    return [
        f"{f.start_point[0] + 1}:{f.start_point[1] + 1} {f.code} {f.message}"
        for f in findings(text, language)
    ]


# -- undefined-name -----------------------------------------------------------------


def test_python_message_with_the_one_close_name() -> None:
    text = "def read_rows():\n    pass\n\nload_rows = 1\nread_row()\n"
    assert messages(text) == [
        "5:1 undefined-name name 'read_row' is not defined (did you mean 'read_rows'?)"
    ]


def test_the_same_words_in_another_case_style_are_close() -> None:
    assert close_names("loadRows", ["load_rows", "save_rows"]) == ["load_rows"]
    assert close_names("LOAD_ROWS", ["load_rows"]) == ["load_rows"]
    assert close_names("fetchUser", ["fetch_user_data"]) == []


def test_edit_distance_two_at_most_and_short_names_never() -> None:
    assert close_names("reed_rows", ["read_rows", "rows"]) == ["read_rows"]
    assert close_names("reaad_rowz", ["read_rows"]) == ["read_rows"]
    assert close_names("rxxd_rowz", ["read_rows"]) == []
    assert close_names("ab", ["ac"]) == []  # two letters: anything is two edits away


def test_two_close_names_make_no_suggestion() -> None:
    text = "data_a = 1\ndata_b = 2\nprint(data_c)\n"
    [finding] = findings(text, code="undefined-name")
    assert finding.message == "name 'data_c' is not defined"
    assert finding.data["suggestion"] is None
    assert {"data_a", "data_b"} <= set(finding.data["in_scope"])


def test_names_in_scope_are_those_visible_from_the_reference() -> None:
    text = (
        "TOP = 1\n\ndef f(param):\n    local = 2\n    return missing\n\ndef g():\n    other = 3\n"
    )
    [finding] = findings(text, code="undefined-name")
    assert {"TOP", "f", "g", "param", "local"} <= set(finding.data["in_scope"])
    assert "other" not in finding.data["in_scope"]


def test_jsx_component_gets_no_guess() -> None:
    text = 'import { Card } from "./card";\nexport const A = () => <Cards />;\n'
    [finding] = findings(text, "tsx", "undefined-name")
    assert finding.message == "component 'Cards' is not defined"
    assert finding.data["jsx"] is True and finding.data["suggestion"] is None


def test_undeclared_type_is_reported_and_a_type_only_import_satisfies_it() -> None:
    text = 'import type { Row } from "./rows";\nlet a: Row;\nlet b: Rows;\nlet c: Partial<Row>;\n'
    assert messages(text, "typescript") == [
        "3:8 undefined-name type 'Rows' is not defined (did you mean 'Row'?)"
    ]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("typescript", "const w = window.innerWidth; document.title = String(w);\n"),
        ("typescript", "fetch('/x').then((r) => console.log(r, Promise, JSON, Intl));\n"),
        ("tsx", "export const A = (): JSX.Element => <div>{globalThis.name}</div>;\n"),
        ("javascript", "function f() { return arguments.length + process.env.X; }\n"),
        ("python", "print(__file__, __name__, __doc__, len, ExceptionGroup)\n"),
        (
            "python",
            "class A:\n    print(__module__, __qualname__)\n    def f(self):\n"
            "        return __class__\n",
        ),
    ],
)
def test_language_globals_are_defined(language: str, text: str) -> None:
    assert findings(text, language, "undefined-name") == []


def test_react_must_be_imported_to_be_read() -> None:
    text = "export const A = () => React.createElement('div');\n"
    [finding] = findings(text, "tsx", "undefined-name")
    assert finding.name == "React"


def test_a_wildcard_import_silences_the_file_but_not_other_codes() -> None:
    text = "from os import *\nprint(anything)\n\ndef f(a):\n    pass\n\nf(1, 2)\n"
    assert [f.code for f in findings(text)] == ["arity-mismatch"]


def test_suppression_comment() -> None:
    text = "print(missing)  # codecrdt: ignore[undefined-name]\nprint(other)\n"
    assert [f.name for f in findings(text)] == ["other"]


def test_deep_nesting_does_not_recurse() -> None:
    depth = 20_000
    text = "x = " + "(" * 50 + " + ".join(["a"] * depth) + ")" * 50 + "\n"
    found = findings(text, code="undefined-name")
    assert len(found) == depth and {f.name for f in found} == {"a"}


# -- arity-mismatch -----------------------------------------------------------------


def test_python_arity_messages_name_the_definition_line() -> None:
    text = "def save(record, *, indent=2):\n    pass\n\nsave(1, 2)\nsave()\nsave(1, width=3)\n"
    assert messages(text) == [
        "4:1 arity-mismatch 'save' takes 1 positional argument but 2 were given "
        "(defined on line 1)",
        "5:1 arity-mismatch 'save' is missing argument 'record' (defined on line 1)",
        "6:1 arity-mismatch 'save' has no parameter 'width' (defined on line 1)",
    ]


def test_arity_finding_points_at_the_definition() -> None:
    text = "def f(a):\n    pass\n\nf()\n"
    [finding] = findings(text)
    assert finding.related == ((4, 5, (0, 4)),)
    assert finding.data["call"] == [text.index("f()"), text.index("f()") + 3]
    assert finding.data["definition"] == [0, text.index("\n\n")]


@pytest.mark.parametrize(
    "text",
    [
        # two definitions: which one runs depends on the order
        "def f(a):\n    pass\n\ndef f(a, b):\n    pass\n\nf(1)\n",
        # a decorator decides what the name is bound to
        "import functools\n\n@functools.lru_cache\ndef f(a):\n    pass\n\nf(1, 2)\n",
        # rebound by an assignment or an import
        "def f(a):\n    pass\n\nf = print\nf(1, 2)\n",
        # splats at the call site are unknowable
        "def f(a):\n    pass\n\nf(*[1, 2])\nf(**{'a': 1, 'b': 2})\n",
        # shadowed by a parameter
        "def f(a):\n    pass\n\ndef g(f):\n    return f(1, 2)\n",
        # a method reached through something other than `self`
        "class A:\n    def m(self):\n        pass\n\n    def n(self, other):\n"
        "        return other.m(1)\n",
        # *args and **kwargs take anything
        "def f(*args, **kwargs):\n    pass\n\nf(1, 2, a=3)\n",
        # a method decorated as a property is not called
        "class A:\n    @property\n    def m(self):\n        return print\n\n"
        "    def n(self):\n        return self.m(1, 2)\n",
    ],
)
def test_ambiguous_or_unknowable_calls_are_not_checked(text: str) -> None:
    assert findings(text, code="arity-mismatch") == []


DISPATCH = """\
class Profile:
    def on_call(self, frame, t):
        return (frame, t)

    dispatch = {"call": on_call}

    def simulate_call(self, frame):
        return self.dispatch["call"](self, frame, 0)
"""


def test_a_function_read_from_a_class_level_dict_is_not_bound_to_the_instance() -> None:
    """profile.py's dispatch table, where pylint reports E1121: CPython passes ``self``
    explicitly to the plain function, and the call fits (the triage of py234_profile)."""
    namespace: dict[str, object] = {}
    exec(DISPATCH, namespace)  # CPython decides: the call runs without a TypeError
    profile = namespace["Profile"]()  # type: ignore[operator]
    assert profile.simulate_call("frame") == ("frame", 0)
    assert findings(DISPATCH, code="arity-mismatch") == []


def test_typescript_arity_message_is_tsc_s() -> None:
    text = "function f(a: number, b = 1, ...rest: number[]) {}\nf();\n"
    assert messages(text, "typescript") == [
        "2:1 arity-mismatch 'f' expects at least 1 argument but got 0 (defined on line 1)"
    ]


def test_javascript_parameters_are_optional_but_not_unlimited() -> None:
    text = "function f(a, b) { return a; }\nf();\nf(1, 2, 3);\n"
    assert messages(text, "javascript") == [
        "3:1 arity-mismatch 'f' expects at most 2 arguments but got 3 (defined on line 1)"
    ]


def test_typescript_overloads_are_ambiguous() -> None:
    text = (
        "function f(a: string): void;\nfunction f(a: number, b: number): void;\n"
        "function f(a: any, b?: any) {}\nf(1, 2, 3);\n"
    )
    assert findings(text, "typescript", "arity-mismatch") == []


# -- robustness ---------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
LANGUAGES = {".py": "python", ".js": "javascript", ".jsx": "javascript", ".ts": "typescript"}


def test_half_written_files_never_break_the_analysis() -> None:
    """Every fixture with random spans cut out (as a writer mid-statement leaves it): the
    scope model never raises, and every finding lies inside the text."""
    seed = 20261204
    print(f"seed {seed}")
    rng = random.Random(seed)
    for path in sorted(FIXTURES.glob("*/*")):
        language = "tsx" if path.suffix == ".tsx" else LANGUAGES.get(path.suffix)
        if language is None:
            continue
        text = path.read_text(encoding="utf-8")
        for _ in range(25):
            start = rng.randrange(len(text) + 1)
            cut = text[:start] + text[start + rng.randrange(1, 80) :]
            data = cut.encode("utf-8")
            for finding in findings(cut, language):
                assert 0 <= finding.start_byte <= finding.end_byte <= len(data), (path, start)


@pytest.mark.parametrize(
    ("handler", "reported"),
    [
        ("except NameError:", False),
        ("except (ImportError, NameError):", False),
        ("except builtins.NameError as error:", False),
        ("except:", True),  # as ruff's F821: a bare except is not written for a missing name
        ("except Exception:", True),
    ],
)
def test_a_missing_name_is_expected_only_under_a_name_error_handler(
    handler: str, reported: bool
) -> None:
    text = f"import builtins\n\ntry:\n    value = missing_thing\n{handler}\n    value = None\n"
    found = [f.name for f in findings(text, code="undefined-name")]
    assert found == (["missing_thing"] if reported else [])
    ruff = subprocess.run(
        ["ruff", "check", "--isolated", "--select", "F821", "--output-format", "json", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    if ruff.returncode in (0, 1):  # the oracle agrees (its absence is covered elsewhere)
        assert ("missing_thing" in ruff.stdout) is reported

"""Agreement of the Python duplicate findings with ruff (F811) and pylint (E0102, W0404).

Where they apply, the three tools must agree line for line on the Python fixtures (stubs,
``.pyi``, included). Where they differ, the difference is triaged below, with its reason;
anything else fails. Re-imports are compared on their own with pylint's W0404
("reimported"), which reports a re-import whatever came between, as we do.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from codecrdt.analysis.detect import Finding
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text

FIXTURES = Path(__file__).parent / "fixtures" / "python"

#: (fixture, line) → why a tool and we differ there.
ONLY_THEIRS = {
    ("broken_region.py", 5): "inside a region tree-sitter cannot parse: reported as syntax-error",
    ("broken_region.py", 11): "inside a region tree-sitter cannot parse: reported as syntax-error",
    ("undefined_broken.py", 9): "the syntax error itself (ruff's invalid-syntax, pylint's "
    "E0001): reported as syntax-error",
    ("todos_and_ignores.py", 3): "suppressed by `codecrdt: ignore[duplicate-import]`",
    ("todos_and_ignores.py", 5): "suppressed by a bare `codecrdt: ignore`",
    ("redefined_after_use.py", 17): "pylint flags a rebinding after use; ruff and we do not",
    # pylint's E0102 ignores uses; ruff and we count a use evaluated before the rebinding:
    ("binding_order.py", 36): "pylint ignores uses: `render()` ran at module level",
    ("binding_order.py", 49): "pylint ignores uses: `key()` ran in a decorator",
    ("binding_order.py", 61): "pylint ignores uses: `fallback` is a default value",
    ("binding_order.py", 73): "pylint ignores uses: `Base` is a base class",
    ("binding_order.py", 85): "pylint ignores uses: `Row` is in evaluated annotations",
    ("binding_order.py", 104): "pylint ignores uses: `size(None)` ran in the class body",
    ("annotations_deferred.py", 37): "pylint ignores uses: `width()` is a default value",
    ("annotations_deferred.py", 50): "pylint ignores uses: `label()` is a default value",
    ("reimports.py", 46): "pylint's W0404 looks at enclosing scopes: a function's own "
    "`import json` binds a local name",
    ("reimports.py", 28): "pylint's W0404 goes by name: `from pickle import dumps` binds "
    "another object than `from json import dumps`, which was used in between (a rebinding)",
}
ONLY_OURS = {
    ("duplicate_declarations.py", 3): "an UPPER_CASE constant assigned twice: neither tool "
    "looks at assignments",
    ("duplicate_declarations.py", 12): "a class-level constant assigned twice (same reason)",
    ("conflicting_values.py", 8): "constants: neither tool looks at assignments",
    ("conflicting_values.py", 9): "constants (same reason)",
    ("conflicting_values.py", 10): "constants (same reason)",
    ("conflicting_values.py", 26): "constants (same reason)",
    ("conflicting_values.py", 34): "constants (same reason)",
    ("conflicting_values.py", 36): "constants (same reason)",
    ("merged_agents.py", 14): "constants (same reason)",
    ("merged_agents.py", 16): "both tools skip names that match their dummy-variable pattern "
    "(`_stamp`); a private helper written twice is still a duplicate helper",
}
#: (fixture, line) → why pylint's W0404 and our re-import findings differ there.
REIMPORT_ONLY_PYLINT = {
    ("todos_and_ignores.py", 3): "suppressed by `codecrdt: ignore[duplicate-import]`",
    ("todos_and_ignores.py", 5): "suppressed by a bare `codecrdt: ignore`",
    ("reimports.py", 28): "W0404 goes by name: another module's `dumps`, not a re-import",
    ("reimports.py", 31): "W0404 goes by name: `marshal.loads` after `pickle.loads` is "
    "another object (our duplicate-import, not a re-import; ruff's F811 agrees)",
    ("reimports.py", 46): "W0404 looks at enclosing scopes: `import json` in a function binds "
    "a local name (a lazy import, often on purpose); we compare bindings of one scope",
}


def _ruff_lines(path: Path) -> set[int]:
    ruff = shutil.which("ruff")
    assert ruff is not None
    out = subprocess.run(
        [ruff, "check", "--isolated", "--select", "F811", "--output-format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {d["location"]["row"] for d in json.loads(out or "[]")}


@cache
def _pylint_messages(path: Path) -> dict[str, frozenset[int]]:
    """Lines of pylint's E0102 (function-redefined) and W0404 (reimported), by message."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--disable=all",
            "--enable=E0102,W0404",
            "--output-format=json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    lines: dict[str, set[int]] = {"E0102": set(), "W0404": set()}
    for message in json.loads(out or "[]"):
        if message["message-id"] in lines:  # not E0001, pylint's syntax error
            lines[message["message-id"]].add(message["line"])
    return {key: frozenset(value) for key, value in lines.items()}


def _pylint_lines(path: Path) -> set[int]:
    messages = _pylint_messages(path)
    return set(messages["E0102"] | messages["W0404"])


def _findings(path: Path) -> list[Finding]:
    text = path.read_text(encoding="utf-8")
    return analyze_text(text, language_named("python"), stub=path.suffix == ".pyi")


def _our_lines(path: Path) -> set[int]:
    return {
        f.start_point[0] + 1
        for f in _findings(path)
        if f.code.startswith("duplicate-") or f.code.startswith("conflicting-")
    }


PYTHON_FIXTURES = sorted([*FIXTURES.glob("*.py"), *FIXTURES.glob("*.pyi")])


def _tools_or_skip() -> None:
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    pytest.importorskip("pylint", reason="pylint is not installed (pip install -e '.[test]')")


@pytest.mark.parametrize("path", PYTHON_FIXTURES, ids=lambda p: p.name)
def test_python_fixtures_agree_with_ruff_and_pylint(path: Path) -> None:
    _tools_or_skip()
    ours, ruff, pylint = _our_lines(path), _ruff_lines(path), _pylint_lines(path)
    theirs = ruff | pylint
    unexplained_theirs = {n for n in theirs - ours if (path.name, n) not in ONLY_THEIRS}
    unexplained_ours = {n for n in ours - theirs if (path.name, n) not in ONLY_OURS}
    assert unexplained_theirs == set(), f"ruff/pylint report lines we miss: {unexplained_theirs}"
    assert unexplained_ours == set(), f"we report lines neither tool does: {unexplained_ours}"


@pytest.mark.parametrize("path", PYTHON_FIXTURES, ids=lambda p: p.name)
def test_reimports_agree_with_pylint(path: Path) -> None:
    """Every re-import pylint reports (W0404) is one of our re-import findings, and the
    reverse, apart from the triaged differences."""
    _tools_or_skip()
    ours = {f.start_point[0] + 1 for f in _findings(path) if f.data.get("reimport")}
    pylint = set(_pylint_messages(path)["W0404"])
    missed = {n for n in pylint - ours if (path.name, n) not in REIMPORT_ONLY_PYLINT}
    assert missed == set(), f"pylint reports re-imports we miss: {missed}"
    assert ours - pylint == set(), f"re-imports pylint does not report: {ours - pylint}"
    for (fixture, line), _why in REIMPORT_ONLY_PYLINT.items():
        if fixture == path.name:
            assert line in pylint and line not in ours, (fixture, line)


def test_every_triaged_difference_still_exists() -> None:
    """An entry that no longer differs is stale: remove it so the list stays honest."""
    _tools_or_skip()
    for fixture, line in ONLY_THEIRS:
        path = FIXTURES / fixture
        theirs = _ruff_lines(path) | _pylint_lines(path)
        if theirs:
            assert line in theirs and line not in _our_lines(path), (fixture, line)
    for fixture, line in ONLY_OURS:
        assert line in _our_lines(FIXTURES / fixture), (fixture, line)

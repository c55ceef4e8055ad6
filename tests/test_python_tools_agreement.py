"""Agreement of the Python duplicate findings with ruff (F811) and pylint (E0102).

Where they apply, the three tools must agree line for line on the Python fixtures. Where
they differ, the difference is triaged below, with its reason; anything else fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
}
ONLY_OURS = {
    ("duplicate_declarations.py", 3): "an UPPER_CASE constant assigned twice: neither tool "
    "looks at assignments",
    ("duplicate_declarations.py", 12): "a class-level constant assigned twice (same reason)",
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


def _pylint_lines(path: Path) -> set[int]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--disable=all",
            "--enable=E0102",
            "--output-format=json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {d["line"] for d in json.loads(out or "[]")}


def _our_lines(path: Path) -> set[int]:
    findings = analyze_text(path.read_text(encoding="utf-8"), language_named("python"))
    return {
        f.start_point[0] + 1
        for f in findings
        if f.code.startswith("duplicate-") or f.code == "conflicting-signature"
    }


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.py")), ids=lambda p: p.name)
def test_python_fixtures_agree_with_ruff_and_pylint(path: Path) -> None:
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    pytest.importorskip("pylint", reason="pylint is not installed (pip install -e '.[test]')")
    ours, ruff, pylint = _our_lines(path), _ruff_lines(path), _pylint_lines(path)
    theirs = ruff | pylint
    unexplained_theirs = {n for n in theirs - ours if (path.name, n) not in ONLY_THEIRS}
    unexplained_ours = {n for n in ours - theirs if (path.name, n) not in ONLY_OURS}
    assert unexplained_theirs == set(), f"ruff/pylint report lines we miss: {unexplained_theirs}"
    assert unexplained_ours == set(), f"we report lines neither tool does: {unexplained_ours}"


def test_every_triaged_difference_still_exists() -> None:
    """An entry that no longer differs is stale: remove it so the list stays honest."""
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    pytest.importorskip("pylint", reason="pylint is not installed (pip install -e '.[test]')")
    for fixture, line in ONLY_THEIRS:
        path = FIXTURES / fixture
        theirs = _ruff_lines(path) | _pylint_lines(path)
        if theirs:
            assert line in theirs and line not in _our_lines(path), (fixture, line)
    for fixture, line in ONLY_OURS:
        assert line in _our_lines(FIXTURES / fixture), (fixture, line)

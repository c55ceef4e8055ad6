"""Precision on real code: the duplicate detectors over the whole Python standard library.

Every duplicate-* / conflicting-signature / conflicting-value finding in the running
interpreter's stdlib must be a true redefinition listed in ALLOWED with the reason it is one;
anything else is a false alarm that the detector (or its queries) must learn to exempt.
"""

from __future__ import annotations

import sysconfig
from collections import Counter
from pathlib import Path

from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text

CODES = (
    "duplicate-import",
    "duplicate-declaration",
    "duplicate-member",
    "conflicting-signature",
    "conflicting-value",
)
SKIPPED = ("lib2to3/tests/data/", "site-packages/")

#: (path relative to the stdlib, name) → (how many findings, why they are true duplicates).
#: Counts are upper bounds: another interpreter version may have fewer (or none).
ALLOWED: dict[tuple[str, str], tuple[int, str]] = {
    ("tkinter/messagebox.py", "OK"): (
        1,
        "OK = 'ok' is defined under '# types' and again under '# replies': a real repeat",
    ),
    ("test/test_grammar.py", "f"): (
        24,
        "grammar tests define f again and again to check that each form parses (each "
        "redefinition counts: a definition's own name is not a use of the one before)",
    ),
    ("test/test_grammar.py", "g"): (
        13,
        "test_yield redefines g to check each yield form parses (ruff's F811: the same 13)",
    ),
    ("test/test_grammar.py", "sys"): (1, "test_import repeats imports to check each form parses"),
    ("test/test_grammar.py", "time"): (2, "test_import repeats imports (see sys)"),
    ("test/test_grammar.py", "path"): (2, "test_import repeats imports (see sys)"),
    ("test/test_grammar.py", "argv"): (2, "test_import repeats imports (see sys)"),
    ("test/test_dataclasses/__init__.py", "C"): (
        1,
        "a @dataclass class C redefined without the first being used (ruff F811 agrees)",
    ),
    ("test/test_dataclasses/__init__.py", "A"): (
        1,
        "a @dataclass class A redefined without the first being used (ruff F811 agrees)",
    ),
    ("test/test_descr.py", "C"): (
        1,
        "class C with __slots__ redefined, the first never used: the source's own XXX notes it",
    ),
    ("test/test_pkg.py", "t5"): (1, "`import t5` repeated in one test without a use between"),
    ("test/test_pkg.py", "t2"): (
        2,
        "`import t2.sub` and `import t2.sub.subsub` repeated in one test: re-imports of the "
        "same modules (pylint's W0404 agrees)",
    ),
    ("test/test_sax.py", "make_parser"): (
        5,
        "test_make_parser2 repeats `from xml.sax import make_parser` on purpose: re-imports "
        "(pylint's W0404 agrees)",
    ),
    ("test/test_yield_from.py", "two"): (
        1,
        "`def two()` redefined in one test; the use between is in `one`'s body, which runs "
        "after the rebinding (ruff's F811 agrees)",
    ),
    ("test/test_tokenize.py", "os_helper"): (
        1,
        "`from test.support import os_helper` appears twice in the module's imports",
    ),
    ("test/test_zoneinfo/test_zoneinfo.py", "_add"): (
        9,
        "@call def _add(): runs each function at definition time; the name is a throwaway. "
        "Accepted: a decorator's effect is not visible in the syntax tree, and duplicate "
        "decorated helpers are what concurrent writers produce",
    ),
}


def stdlib_files() -> list[tuple[str, Path]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if not any(part in relative for part in SKIPPED):
            files.append((relative, path))
    return files


def test_stdlib_has_no_false_duplicates() -> None:
    spec = language_named("python")
    assert spec is not None
    files = stdlib_files()
    assert len(files) > 500
    found: Counter[tuple[str, str]] = Counter()
    where: dict[tuple[str, str], list[str]] = {}
    for relative, path in files:
        for finding in analyze_text(path.read_bytes(), spec, codes=CODES):
            key = (relative, finding.name or "")
            found[key] += 1
            where.setdefault(key, []).append(f"{finding.start_point[0] + 1}:{finding.code}")
    unexpected = {
        key: where[key] for key, count in found.items() if count > ALLOWED.get(key, (0, ""))[0]
    }
    assert not unexpected, f"false duplicates in the stdlib ({len(files)} files): {unexpected}"

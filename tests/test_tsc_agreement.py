"""Our duplicate findings agree with the TypeScript compiler on the TS/TSX fixtures.

Every name tsc reports as duplicated (TS2300, TS2451, TS2393, TS2323) has a finding of ours
on one of its occurrences, and every duplicate finding of ours is one tsc reports (same
name, on the line of either occurrence). tsc comes from scripts/install-tsc.sh (a cache
outside the repository); fixtures with syntax errors are skipped (tsc then drops its
semantic errors), and unresolved imports (TS2307) and other diagnostics are ignored.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ci_support import allowed_skip
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
INSTALL = ROOT / "scripts" / "install-tsc.sh"
DUPLICATE_CODES = {"TS2300", "TS2451", "TS2393", "TS2323"}
OUR_CODES = {
    "duplicate-import",
    "duplicate-declaration",
    "duplicate-member",
    "conflicting-signature",
    "conflicting-value",
}
TSC_FLAGS = [
    "--noEmit",
    "--pretty",
    "false",
    "--jsx",
    "preserve",
    "--target",
    "es2022",
    "--module",
    "esnext",
    "--moduleResolution",
    "bundler",
    "--skipLibCheck",
]
DIAGNOSTIC = re.compile(r"^(?P<file>.+)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): ")
IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


@pytest.fixture(scope="module")
def tsc() -> str:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: cannot install the TypeScript compiler")
    result = subprocess.run(
        ["bash", str(INSTALL)], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"scripts/install-tsc.sh failed:\n{result.stderr}"
    path = result.stdout.strip().splitlines()[-1]
    assert os.access(path, os.X_OK), path
    return path


def fixtures() -> list[Path]:
    return sorted([*(FIXTURES / "typescript").glob("*.ts"), *(FIXTURES / "tsx").glob("*.tsx")])


def tsc_duplicates(tsc: str, path: Path) -> dict[str, set[int]]:
    """Name → the lines tsc reports it duplicated on."""
    result = subprocess.run(
        [tsc, *TSC_FLAGS, path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    duplicates: dict[str, set[int]] = {}
    for diagnostic in result.stdout.splitlines():
        match = DIAGNOSTIC.match(diagnostic)
        if match is None or match["code"] not in DUPLICATE_CODES:
            continue
        line, column = int(match["line"]), int(match["col"])
        name = IDENTIFIER.match(lines[line - 1], column - 1)  # ASCII fixtures: UTF-16 = chars
        assert name is not None, diagnostic
        duplicates.setdefault(name.group(0), set()).add(line)
    return duplicates


def our_duplicates(path: Path) -> list[tuple[str, set[int]]]:
    """(name, {line of the finding, line of the first declaration}) per duplicate finding."""
    spec = language_named(path.parent.name)
    assert spec is not None
    # Agreement is about detection, so suppression comments are neutralised (same length).
    text = path.read_text(encoding="utf-8").replace("codecrdt: ignore", "codecrdt: xxxxxx")
    findings = analyze_text(text, spec)
    if any(f.code == "syntax-error" for f in findings):
        allowed_skip(f"{path.name} has syntax errors: tsc reports no semantic errors then")
    return [
        (f.name or "", {f.start_point[0] + 1, f.related[0][2][0] + 1})
        for f in findings
        if f.code in OUR_CODES
    ]


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_agrees_with_tsc(tsc: str, path: Path) -> None:
    ours = our_duplicates(path)
    theirs = tsc_duplicates(tsc, path)
    missed = {
        name: lines
        for name, lines in theirs.items()
        if not any(n == name and found & lines for n, found in ours)
    }
    extra = [
        (name, sorted(lines))
        for name, lines in ours
        if not (name in theirs and theirs[name] & lines)
    ]
    assert not missed, f"tsc reports duplicates we miss: {missed}"
    assert not extra, f"we report duplicates tsc does not: {extra}"


def test_fixtures_exercise_tsc() -> None:
    names = {p.name for p in fixtures()}
    assert {"declarations.ts", "members.ts", "allowed.ts", "Header.tsx"} <= names

"""undefined-name and arity-mismatch agree with independent oracles on every fixture.

Python: ruff's F821 (undefined name) and pylint's E1120/E1121/E1123 (no value for a
parameter, too many positional arguments, unexpected keyword), line for line (and name for
name for F821). TypeScript, TSX and JavaScript (``--allowJs --checkJs``): tsc's TS2304 and
TS2552 (cannot find name), name for name on the same lines, and TS2554 (wrong number of
arguments) on a line of the call. Where a tool and we differ, the difference is triaged
below with its reason; anything else fails, and so does a triaged difference that is gone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ci_support import allowed_skip, tool_missing
from codecrdt.analysis.detect import Finding
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
INSTALL = ROOT / "scripts" / "install-tsc.sh"

#: (fixture, code, line) → why an oracle reports it and we do not.
ONLY_THEIRS: dict[tuple[str, str, int], str] = {
    ("undefined_names.py", "undefined-name", 72): "a name inside a string annotation: "
    "ruff parses the string, we do not read strings (documented)",
    ("arity_mismatch.py", "arity-mismatch", 39): "`cached` is decorated (functools.cache): "
    "pylint sees through that decorator, we take any decorator as changing the signature",
    ("arity_mismatch.py", "arity-mismatch", 40): "`twice(*[1, 2])`: pylint infers the "
    "splatted list; we leave every call that splats unchecked",
    ("redefined_after_use.py", "arity-mismatch", 28): "pylint takes `checker` from "
    "`CHECKS = [check]` for a bound method; it is the plain function, and `checker(self)` "
    "is right (a pylint false alarm)",
}
#: (fixture, code, line) → why we report it and the oracle does not.
ONLY_OURS: dict[tuple[str, str, int], str] = {
    ("arity_mismatch.py", "arity-mismatch", 38): "`pair(first=1)` passes a positional-only "
    "parameter by keyword (a TypeError); pylint reports it as E3102, not E11xx",
    ("undefined_broken.py", "undefined-name", 5): "ruff reports no F821 in a file that does "
    "not parse; we report outside the broken region",
    ("undefined_broken.py", "undefined-name", 13): "as line 5: outside the broken region",
}

PYLINT_CODES = {"E1120", "E1121", "E1123"}
TSC_NAME_CODES = {"TS2304", "TS2552"}
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
    "--allowJs",
    "--checkJs",
]
DIAGNOSTIC = re.compile(r"^(?P<file>.+)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): ")
IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")

Labels = set[tuple[str, int, str]]  # (code, line, name or "")


def ours(path: Path) -> tuple[Labels, list[Finding]]:
    spec = language_named(path.parent.name)
    assert spec is not None
    text = path.read_text(encoding="utf-8").replace("codecrdt: ignore", "codecrdt: xxxxxx")
    found = analyze_text(text, spec, codes=["undefined-name", "arity-mismatch", "syntax-error"])
    labels = {
        (f.code, f.start_point[0] + 1, f.name if f.code == "undefined-name" else "")
        for f in found
        if f.code != "syntax-error"
    }
    return labels, found


def compare(path: Path, mine: Labels, theirs: Labels) -> None:
    missed = {
        label for label in theirs - mine if (path.name, label[0], label[1]) not in ONLY_THEIRS
    }
    extra = {label for label in mine - theirs if (path.name, label[0], label[1]) not in ONLY_OURS}
    assert not missed, f"the oracle reports what we miss: {sorted(missed)}"
    assert not extra, f"we report what the oracle does not: {sorted(extra)}"
    for (name, code, line), reason in {**ONLY_THEIRS, **ONLY_OURS}.items():
        if name == path.name:
            differs = any(label[:2] == (code, line) for label in mine ^ theirs)
            assert differs, f"stale triage entry, the tools agree now: {line} {reason}"


# -- Python: ruff F821, pylint E1120/E1121/E1123 ----------------------------------------


def _ruff(path: Path) -> Labels:
    ruff = shutil.which("ruff")
    assert ruff is not None
    out = subprocess.run(
        [ruff, "check", "--isolated", "--select", "F821", "--output-format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    labels: Labels = set()
    for diagnostic in json.loads(out or "[]"):
        if diagnostic["code"] == "F821":
            name = re.search(r"`([^`]+)`", diagnostic["message"])
            assert name is not None, diagnostic
            labels.add(("undefined-name", diagnostic["location"]["row"], name.group(1)))
    return labels


def _pylint(path: Path) -> Labels:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--disable=all",
            "--enable=" + ",".join(sorted(PYLINT_CODES)),
            "--output-format=json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {
        ("arity-mismatch", d["line"], "")
        for d in json.loads(out or "[]")
        if d["message-id"] in PYLINT_CODES
    }


@pytest.mark.parametrize(
    "path", sorted((FIXTURES / "python").glob("*.py")), ids=lambda p: f"python/{p.name}"
)
def test_python_fixtures_agree_with_ruff_and_pylint(path: Path) -> None:
    if shutil.which("ruff") is None:
        tool_missing("ruff is not installed (pip install -e '.[test]')")
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    pytest.importorskip("pylint", reason="pylint is not installed (pip install -e '.[test]')")
    mine, _ = ours(path)
    compare(path, mine, _ruff(path) | _pylint(path))


# -- TypeScript, TSX, JavaScript: tsc TS2304/TS2552/TS2554 -------------------------------


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


def script_fixtures() -> list[Path]:
    return sorted(
        [
            *(FIXTURES / "typescript").glob("*.ts"),
            *(FIXTURES / "tsx").glob("*.tsx"),
            *(FIXTURES / "javascript").glob("*.js"),
            *(FIXTURES / "javascript").glob("*.jsx"),
        ]
    )


def _tsc(tsc: str, path: Path, calls: list[Finding]) -> Labels:
    result = subprocess.run(
        [tsc, *TSC_FLAGS, path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    labels: Labels = set()
    for diagnostic in result.stdout.splitlines():
        match = DIAGNOSTIC.match(diagnostic)
        if match is None:
            continue
        line, column = int(match["line"]), int(match["col"])
        if match["code"] in TSC_NAME_CODES:
            text = lines[line - 1]
            name = IDENTIFIER.match(text, column - 1)  # ASCII fixtures: UTF-16 = chars
            assert name is not None, diagnostic
            if text[: column - 1].endswith("</"):
                continue  # tsc names a component again at its closing tag: one is enough
            labels.add(("undefined-name", line, name.group(0)))
        elif match["code"] == "TS2554":
            # tsc points at the first extra argument: our finding is on the callee's line.
            call = next((f for f in calls if _call_lines(f, line)), None)
            labels.add(("arity-mismatch", call.start_point[0] + 1 if call else line, ""))
    return labels


def _call_lines(finding: Finding, line: int) -> bool:
    text_lines = finding.data.get("call_lines")
    return text_lines is not None and text_lines[0] <= line <= text_lines[1]


@pytest.mark.parametrize("path", script_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_script_fixtures_agree_with_tsc(tsc: str, path: Path) -> None:
    mine, found = ours(path)
    if any(f.code == "syntax-error" for f in found):
        allowed_skip(f"{path.name} has syntax errors: tsc reports no semantic errors then")
    source = path.read_bytes()
    calls = []
    for finding in found:
        if finding.code == "arity-mismatch":
            start, end = finding.data["call"]
            first = source.count(b"\n", 0, start) + 1
            finding.data["call_lines"] = (first, first + source.count(b"\n", start, end))
            calls.append(finding)
    compare(path, mine, _tsc(tsc, path, calls))


def test_fixtures_exercise_both_codes_in_every_language() -> None:
    expected = {
        ("python", "undefined-name"),
        ("python", "arity-mismatch"),
        ("javascript", "undefined-name"),
        ("javascript", "arity-mismatch"),
        ("typescript", "undefined-name"),
        ("typescript", "arity-mismatch"),
        ("tsx", "undefined-name"),
        ("tsx", "arity-mismatch"),
    }
    seen = set()
    for path in FIXTURES.glob("*/*.expected"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line:
                seen.add((path.parent.name, line.split()[1]))
    assert expected <= seen

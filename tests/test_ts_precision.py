"""Precision on real TypeScript/TSX: every finding over published sources is triaged.

The packages (pinned by scripts/install-ts-corpora.sh, which ship their sources under
``src/``): @tanstack/react-query and @tanstack/query-core, @tanstack/react-router and
@tanstack/router-core (MIT; TSX and TS), rxjs (Apache-2.0; TS) — 426 files. Published,
compiling code has no duplicate declarations and no syntax errors, so every finding is a
false alarm unless tests/corpora/ts-precision-triage.toml lists it (with how many and why);
for the syntax errors listed there, the TypeScript compiler confirms that it parses the
files.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text
from codecrdt.bench.agreement.oracles import ts_labels

ROOT = Path(__file__).resolve().parent.parent
INSTALL = ROOT / "scripts" / "install-ts-corpora.sh"
TRIAGE = ROOT / "tests" / "corpora" / "ts-precision-triage.toml"
PACKAGES = (
    "@tanstack/react-query",
    "@tanstack/query-core",
    "@tanstack/react-router",
    "@tanstack/router-core",
    "rxjs",
)


@pytest.fixture(scope="module")
def modules() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: cannot install the TypeScript sources")
    done = subprocess.run(
        ["bash", str(INSTALL)], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"scripts/install-ts-corpora.sh failed:\n{done.stderr}"
    return Path(done.stdout.strip().splitlines()[-1]) / "node_modules"


def _sources(modules: Path) -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((modules / package / "src").rglob("*"))
        if path.suffix in (".ts", ".tsx") and not path.name.endswith(".d.ts")
    ]


def _allowed() -> dict[tuple[str, str], tuple[int, str]]:
    entries = tomllib.loads(TRIAGE.read_text(encoding="utf-8"))["entry"]
    return {(e["file"], e["code"]): (int(e["count"]), str(e["reason"])) for e in entries}


def test_no_false_alarms_beyond_the_triaged_ones(modules: Path) -> None:
    files = _sources(modules)
    assert len(files) > 400, len(files)
    found: Counter[tuple[str, str]] = Counter()
    where: dict[tuple[str, str], list[int]] = {}
    for path in files:
        spec = language_named("tsx" if path.suffix == ".tsx" else "typescript")
        assert spec is not None
        relative = path.relative_to(modules).as_posix()
        for finding in analyze_text(path.read_bytes(), spec):
            key = (relative, finding.code)
            found[key] += 1
            where.setdefault(key, []).append(finding.start_point[0] + 1)
    allowed = _allowed()
    beyond = {
        key: (count, where[key])
        for key, count in found.items()
        if count > allowed.get(key, (0, ""))[0]
    }
    assert not beyond, f"findings beyond the triaged ones (file, code): (count, lines) {beyond}"
    stale = sorted(key for key in allowed if key not in found)
    assert not stale, f"triaged entries without findings now (remove them): {stale}"


def test_the_triaged_syntax_errors_parse_with_tsc(modules: Path) -> None:
    """The grammar's gaps are ours: tsc reports no syntax error in those files."""
    files = sorted({file for file, code in _allowed() if code == "syntax-error"})
    assert files
    labels = ts_labels(modules.parent, modules, files, syntax_only=True)
    assert set(labels) == set(files)
    errors = {file: sorted(label.line for label in found.labels) for file, found in labels.items()}
    assert all(not lines for lines in errors.values()), errors

"""scripts/test.sh in CI cannot pass hollow: a tool it cannot install stops it, and pytest's
"no tests collected" (exit 5) is a failure; locally both are notes.

The script runs in a copy of the repository's layout with stub tools on an otherwise empty
PATH: nothing is installed and no test is run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASH = shutil.which("bash")
STUB = "#!/bin/sh\n{body}\n"
ALL_TOOLS = ("nvim", "emacs", "npm", "ruff")


def _stub(path: Path, body: str) -> None:
    path.write_text(STUB.format(body=body), encoding="utf-8")
    path.chmod(0o755)


def _run(
    tmp_path: Path,
    *,
    ci: str | None,
    tools: tuple[str, ...],
    tsc_exit: int = 0,
    corpora_exit: int = 0,
    react_exit: int = 0,
    pytest_exit: int = 0,
) -> subprocess.CompletedProcess[str]:
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    (repo / "extension" / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "test.sh", repo / "scripts" / "test.sh")
    _stub(repo / "scripts" / "install-tsc.sh", f"exit {tsc_exit}")
    _stub(repo / "scripts" / "install-ts-corpora.sh", f"exit {corpora_exit}")
    _stub(repo / "scripts" / "install-react-check.sh", f"exit {react_exit}")
    _stub(repo / "extension" / "scripts" / "test.sh", "exit 0")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    assert BASH is not None
    for name in ("bash", "dirname"):
        found = shutil.which(name)
        assert found is not None
        (bin_ / name).symlink_to(found)
    _stub(bin_ / "id", "echo 1000")  # not root: nothing is installed with apt-get
    log = tmp_path / "python3.log"
    _stub(
        bin_ / "python3",
        f'echo "$*" >> {log}\n[ "$2" = pytest ] && exit {pytest_exit}\nexit 0',
    )
    for tool in tools:
        _stub(bin_ / tool, "exit 0")
    env = {"PATH": str(bin_), "HOME": str(tmp_path)}
    if ci is not None:
        env["CI"] = ci
    result = subprocess.run(
        [BASH, str(repo / "scripts" / "test.sh")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    result.stdout = log.read_text(encoding="utf-8") if log.exists() else ""  # what python3 ran
    return result


def test_in_ci_a_tool_that_cannot_be_installed_stops_the_run(tmp_path: Path) -> None:
    result = _run(tmp_path, ci="true", tools=("emacs", "npm", "ruff"))
    assert result.returncode == 1
    assert "error: nvim is not installed and could not be installed here" in result.stderr
    assert "-m pytest" not in result.stdout


def test_in_ci_a_failed_tsc_install_stops_the_run(tmp_path: Path) -> None:
    result = _run(tmp_path, ci="true", tools=ALL_TOOLS, tsc_exit=1)
    assert result.returncode == 1
    assert "error: tsc could not be installed" in result.stderr
    assert "-m pytest" not in result.stdout


def test_in_ci_a_failed_ts_corpora_install_stops_the_run(tmp_path: Path) -> None:
    result = _run(tmp_path, ci="true", tools=ALL_TOOLS, corpora_exit=1)
    assert result.returncode == 1
    assert "error: the TypeScript corpora could not be installed" in result.stderr
    assert "-m pytest" not in result.stdout


def test_in_ci_a_failed_react_check_install_stops_the_run(tmp_path: Path) -> None:
    result = _run(tmp_path, ci="true", tools=ALL_TOOLS, react_exit=1)
    assert result.returncode == 1
    assert "error: the React check could not be installed" in result.stderr
    assert "-m pytest" not in result.stdout


def test_locally_missing_tools_are_notes_and_the_tests_run(tmp_path: Path) -> None:
    result = _run(tmp_path, ci=None, tools=("ruff",), tsc_exit=1, corpora_exit=1, react_exit=1)
    assert result.returncode == 0, result.stderr
    notes = (
        "note: nvim",
        "note: Emacs with eglot",
        "note: tsc",
        "note: the TypeScript corpora",
        "note: the React check",
    )
    for note in (*notes, "note: npm"):
        assert note in result.stderr
    assert "-m pytest" in result.stdout


@pytest.mark.parametrize(("ci", "status"), [("true", 5), ("1", 5), (None, 0), ("false", 0)])
def test_no_tests_collected_fails_only_in_ci(tmp_path: Path, ci: str | None, status: int) -> None:
    result = _run(tmp_path, ci=ci, tools=ALL_TOOLS, pytest_exit=5)
    assert result.returncode == status, result.stderr
    assert ("collected no tests" in result.stderr) == (status == 5)


def test_the_pytest_status_is_the_scripts(tmp_path: Path) -> None:
    assert _run(tmp_path, ci="true", tools=ALL_TOOLS).returncode == 0
    other = tmp_path / "again"
    other.mkdir()
    assert _run(other, ci="true", tools=ALL_TOOLS, pytest_exit=1).returncode == 1

"""Functional truth for the bundled tasks: does a generated file do what its task asks?

Every bundled task ships a check beside its script in ``codecrdt/agents/scripts``:

- a Python task (``inventory-cli``, ``csv-pipeline``, …) a pytest file,
  ``<task>.test.py``, of behavioural tests of the module's public functions as the task's
  spec describes them. :func:`check_file` writes the generated text as the module the spec
  names (``tiny.py``, ``inventory.py``, …) in a fresh temporary folder beside the tests, and
  runs pytest there in a subprocess (no network, a time limit, no plugins of this
  environment). Each test is one count; a module that does not import fails every test.
- a TSX task (``tic-tac-toe``, …) two checks, run by ``react_check.cjs`` under node: the
  TypeScript compiler's type check (strict) against React's types, and one render of the
  default export with React's client renderer in a jsdom document, effects included. A
  render that throws (while the module loads, in a render, in an effect or on unmount) or
  that renders nothing fails.

The result is a :class:`FunctionalResult`: passed and failed counts with the failures
named, or *not measured* with the reason when a tool is missing (pytest, node, or the npm
packages of ``scripts/install-react-check.sh``) — never a pass.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from codecrdt.agents.script import Script, ScriptError, load_script

__all__ = [
    "FunctionalResult",
    "check_file",
    "main",
    "react_check_prefix",
    "task_tests",
]

#: The environment variable naming the npm prefix of ``scripts/install-react-check.sh``.
REACT_CHECK_ENV = "CODECRDT_REACT_CHECK_DIR"
INSTALL_HINT = "scripts/install-react-check.sh installs it"
DEFAULT_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class FunctionalResult:
    """What a task's functional check found in one final file.

    ``passed`` and ``failed`` are None when the check was not measured; ``not_measured``
    then says why. ``failures`` names each failed test or check with a short reason.
    """

    task: str
    passed: int | None
    failed: int | None
    failures: tuple[str, ...] = ()
    not_measured: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def measured(self) -> bool:
        return self.not_measured is None

    @property
    def total(self) -> int | None:
        if self.passed is None or self.failed is None:
            return None
        return self.passed + self.failed

    @property
    def all_passed(self) -> bool:
        """Measured, at least one test, and none failed."""
        return self.measured and not self.failed and bool(self.passed)

    def summary(self) -> str:
        if not self.measured:
            return f"{self.task}: not measured ({self.not_measured})"
        return f"{self.task}: {self.passed} of {self.total} passed"

    @classmethod
    def unmeasured(cls, task: str, reason: str) -> FunctionalResult:
        return cls(task=task, passed=None, failed=None, not_measured=reason)


def _scripts_dir() -> Path:
    return Path(str(resources.files("codecrdt.agents") / "scripts"))


def task_tests(task: str | Script) -> Path | None:
    """The pytest file of a Python task: ``<task>.test.py`` beside its script (a script
    file of the user's own) or among the bundled ones; None when it has none."""
    name = task.name if isinstance(task, Script) else task
    places = [_scripts_dir()]
    if isinstance(task, Script) and task.path:
        places.insert(0, Path(task.path).parent)
    for folder in places:
        path = folder / f"{name}.test.py"
        if path.is_file():
            return path
    return None


def react_check_prefix() -> Path:
    """Where ``scripts/install-react-check.sh`` installs (or installed) its packages."""
    configured = os.environ.get(REACT_CHECK_ENV)
    if configured:
        return Path(configured)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "codecrdt" / "react-check"


def check_file(
    task: str | Script, text: str, *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> FunctionalResult:
    """Run task's functional check on ``text``, the final file of a run of it."""
    script = task if isinstance(task, Script) else load_script(task)
    if script.language == "python":
        return _check_python(script, text, timeout_s)
    if script.language == "tsx":
        return _check_tsx(script, text, timeout_s)
    return FunctionalResult.unmeasured(
        script.name, f"no functional check for {script.language} tasks"
    )


# -- Python: the task's pytest file ------------------------------------------------------

#: A pytest plugin written beside the tests: every test's outcome, one JSON line each, as
#: it happens (so that a run cut short by the time limit still counts what finished).
_RECORDER = """
import json
import os

_PATH = os.environ["CODECRDT_OUTCOMES"]


def _write(record):
    with open(_PATH, "a", encoding="utf-8") as sink:
        sink.write(json.dumps(record) + "\\n")


def pytest_collection_finish(session):
    _write({"collected": [item.nodeid for item in session.items]})


def pytest_collectreport(report):
    if report.failed:
        _write({"collect_error": str(report.longrepr)[-300:]})


def pytest_runtest_logreport(report):
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash is not None else str(report.longrepr or "")
    _write({"test": report.nodeid, "when": report.when, "outcome": report.outcome,
            "message": message.strip().splitlines()[0][:200] if message.strip() else ""})
"""


def _pytest_available() -> bool:
    return importlib.util.find_spec("pytest") is not None


def _check_python(script: Script, text: str, timeout_s: float) -> FunctionalResult:
    tests = task_tests(script)
    if tests is None:
        return FunctionalResult.unmeasured(script.name, f"the task {script.name} has no tests")
    if not _pytest_available():
        return FunctionalResult.unmeasured(
            script.name, "pytest is not installed (pip install codecrdt[test])"
        )
    module = Path(script.file).stem or script.name.replace("-", "_")
    with tempfile.TemporaryDirectory(prefix="codecrdt-functional-") as folder:
        root = Path(folder)
        (root / f"{module}.py").write_text(text, encoding="utf-8")
        test_file = root / f"test_{module}.py"
        shutil.copyfile(tests, test_file)
        (root / "_codecrdt_outcomes.py").write_text(_RECORDER, encoding="utf-8")
        outcomes = root / "outcomes.jsonl"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST", "PYTHON", "CODECRDT"))
        }
        env.update(
            CODECRDT_OUTCOMES=str(outcomes),
            PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONPATH=str(root),
            HOME=str(root),
        )
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "_codecrdt_outcomes",
            "--rootdir",
            str(root),
            "--basetemp",
            str(root / "tmp"),
            test_file.name,
        ]
        timed_out, log = _run(command, root, env, timeout_s)
        records = _read_jsonl(outcomes)
    return _python_result(script.name, records, timed_out, timeout_s, log)


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout_s: float) -> tuple[bool, str]:
    """Run ``command`` in its own process group; kill the group past the time limit.
    Returns whether it timed out and the tail of its output."""
    log_path = cwd / "output.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timed_out = False
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            with contextlib.suppress(ProcessLookupError):  # a test's child processes too
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return timed_out, log_path.read_text(encoding="utf-8", errors="replace")[-4000:]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue  # a line cut short when the run was killed
    return records


def _python_result(
    task: str, records: list[dict[str, Any]], timed_out: bool, timeout_s: float, log: str
) -> FunctionalResult:
    """Counts from the recorder's lines: a test passes when its call passed and none of
    its phases failed or skipped; a collected test that never ran (the time limit) fails."""
    collected: list[str] = []
    collect_errors: list[str] = []
    reports: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if "collected" in record:
            collected = list(record["collected"])
        elif "collect_error" in record:
            collect_errors.append(record["collect_error"])
        elif "test" in record:
            reports.setdefault(record["test"], []).append(record)
    if not collected:
        if timed_out:
            reason = f"timed out after {timeout_s:g} s before any test was collected"
        else:
            reason = collect_errors[0] if collect_errors else log.strip()[-300:]
        return FunctionalResult(task, passed=0, failed=1, failures=(f"collection: {reason}",))
    passed, failures = 0, []
    for nodeid in collected:
        name = nodeid.partition("::")[2] or nodeid
        mine = reports.get(nodeid, [])
        bad = [r for r in mine if r["outcome"] != "passed"]
        if bad:
            failures.append(f"{name}: {bad[0]['when']} {bad[0]['outcome']}: {bad[0]['message']}")
        elif any(r["when"] == "call" for r in mine):
            passed += 1
        else:
            failures.append(f"{name}: did not finish (timed out after {timeout_s:g} s)")
    return FunctionalResult(
        task,
        passed=passed,
        failed=len(failures),
        failures=tuple(failures),
        details={"timed_out": timed_out},
    )


# -- TSX: type check and one render ------------------------------------------------------


def _react_check_script() -> Path:
    return Path(__file__).with_name("react_check.cjs")


def _react_tools() -> tuple[str, Path] | str:
    """(node, the npm prefix) or why the check cannot run here."""
    node = shutil.which("node")
    if node is None:
        return "node is not installed"
    prefix = react_check_prefix()
    needed = (
        ("typescript", "lib/typescript.js"),
        ("@types/react", "index.d.ts"),
        ("react", "index.js"),
        ("react-dom", "client.js"),
        ("jsdom", "package.json"),
    )
    modules = prefix / "node_modules"
    missing = [package for package, file in needed if not (modules / package / file).exists()]
    if missing:
        return f"{', '.join(missing)} not found under {prefix} ({INSTALL_HINT})"
    return node, prefix


def _check_tsx(script: Script, text: str, timeout_s: float) -> FunctionalResult:
    tools = _react_tools()
    if isinstance(tools, str):
        return FunctionalResult.unmeasured(script.name, tools)
    node, prefix = tools
    name = Path(script.file).name or f"{script.name}.tsx"
    with tempfile.TemporaryDirectory(prefix="codecrdt-functional-") as folder:
        root = Path(folder)
        (root / name).write_text(text, encoding="utf-8")
        env = {key: value for key, value in os.environ.items() if key != "NODE_OPTIONS"}
        env["NODE_ENV"] = "development"  # React's checks on
        command = [node, str(_react_check_script()), str(prefix), str(root / name)]
        timed_out, log = _run(command, root, env, timeout_s)
    answer = _last_json(log)
    if timed_out or answer is None:
        why = f"timed out after {timeout_s:g} s" if timed_out else log.strip()[-300:]
        return FunctionalResult(
            script.name, passed=0, failed=2, failures=(f"typecheck: {why}", f"render: {why}")
        )
    failures = []
    typecheck, render = answer["typecheck"], answer["render"]
    if typecheck["errors"]:
        first = typecheck["messages"][0] if typecheck["messages"] else ""
        failures.append(f"typecheck: {typecheck['errors']} errors, first {first}")
    if not render["ok"]:
        failures.append(f"render: {render['error']}")
    return FunctionalResult(
        script.name,
        passed=2 - len(failures),
        failed=len(failures),
        failures=tuple(failures),
        details={
            "tsc_errors": typecheck["errors"],
            "tsc_messages": typecheck["messages"],
            "rendered_elements": render["elements"],
        },
    )


def _last_json(log: str) -> dict[str, Any] | None:
    for line in reversed(log.splitlines()):
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None


# -- the study's records and summary -----------------------------------------------------

#: The field of a study's trial that holds the tests passed (None: not measured).
FIELD = "tests_passed"


def record_fields(result: FunctionalResult) -> dict[str, Any]:
    """A trial's fields for ``trials.jsonl``: tests passed, failed and run, and the first
    failures by name (all None when not measured; the reason is the caller's to file
    under ``not_measured[FIELD]``)."""
    return {
        "tests_passed": result.passed,
        "tests_failed": result.failed,
        "tests_total": result.total,
        "test_failures": list(result.failures[:5]),
    }


def _column(row: dict[str, Any]) -> str:
    return "sequential" if row["mode"] == "sequential" else f"{row['mode']} k={row['agents']}"


def _cell(rows: list[dict[str, Any]]) -> tuple[int, int] | None:
    """(passed, total) summed over the trials, or None when a trial was not measured."""
    if any(row.get(FIELD) is None for row in rows):
        return None
    return sum(row[FIELD] for row in rows), sum(row["tests_total"] for row in rows)


def _text(cell: tuple[int, int] | None) -> str:
    return "not measured" if cell is None else f"{cell[0]}/{cell[1]}"


def summary_lines(rows: list[dict[str, Any]], prefix: str) -> list[str]:
    """The summary's table of tests passed per task and mode (summed over trials), a
    line of totals per mode, and why any cell was not measured. ``prefix`` opens the
    heading (``Simulated: `` or ``Measured: ``)."""
    rows = [row for row in rows if FIELD in row]
    if not rows:
        return []
    ordered = sorted(rows, key=lambda r: (r["mode"] != "sequential", r["mode"], r["agents"]))
    columns = list(dict.fromkeys(_column(row) for row in ordered))
    tasks = list(dict.fromkeys(row["task"] for row in rows))
    lines = [
        f"## {prefix}functional tests passed (the task's tests, summed over trials)",
        "",
        "A Python task's final module against its pytest file; a TSX task's component: "
        "`tsc` type check against React's types and one render in jsdom (2 checks). "
        "`not measured`: a tool was missing (below) — never counted as a pass.",
        "",
        "| task | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for task in tasks:
        cells = []
        for column in columns:
            group = [r for r in rows if r["task"] == task and _column(r) == column]
            cells.append(_text(_cell(group)) if group else "–")
        lines.append(f"| {task} | " + " | ".join(cells) + " |")
    totals = []
    for column in columns:
        measured = [r for r in rows if _column(r) == column and r.get(FIELD) is not None]
        totals.append(_text(_cell(measured)) if measured else "not measured")
    lines.append("| all measured | " + " | ".join(totals) + " |")
    reasons = sorted(
        {
            f"{row['task']}: {row.get('not_measured', {}).get(FIELD, 'no reason recorded')}"
            for row in rows
            if row.get(FIELD) is None
        }
    )
    if reasons:
        lines += ["", "Not measured: " + "; ".join(reasons) + "."]
    return lines


# -- the command line ----------------------------------------------------------------------

#: ``codecrdt bench functional``'s exit status when the check could not run here.
NOT_MEASURED_STATUS = 3


def main(args: argparse.Namespace) -> int:
    """``codecrdt bench functional TASK FILE``: the check's counts and failures."""
    try:
        text = Path(args.file).read_text(encoding="utf-8")
        result = check_file(args.task, text, timeout_s=args.timeout)
    except (OSError, UnicodeDecodeError, ScriptError) as error:
        print(f"codecrdt bench functional: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({**asdict(result), "total": result.total}))
    else:
        print(result.summary())
        for failure in result.failures:
            print(f"  FAILED {failure}")
    if not result.measured:
        return NOT_MEASURED_STATUS
    return 0 if result.all_passed else 1

"""``codecrdt generate`` and ``codecrdt demo`` end to end, with the offline scripted provider.

Every run goes through the real code path (argument parsing, the agents on their replicas,
the hub, the Evaluator, the atomic write and the JSON report) and the tests look at what a
user gets: the file, the report, the exit status and the lines on stderr.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import py_compile
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tree_sitter
import tree_sitter_python
import tree_sitter_typescript

from ci_support import tool_missing
from codecrdt.agents.script import Script, load_script
from codecrdt.analysis.detect import top_level_declarations
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text
from codecrdt.cli import main
from codecrdt.markers import find_marker, scan_markers

SCALE = "50"  # modelled delays 50 times faster: a run takes a few seconds
TASKS = {"inventory-cli": "inventory.py", "pomodoro-timer": "PomodoroTimer.tsx"}
MARKER = "TODO(codecrdt:"


@dataclass
class Run:
    status: int
    path: Path
    text: str
    report: dict[str, Any]
    stdout: str
    #: stderr with its whitespace collapsed (rich wraps lines at the terminal width)
    stderr: str


def _generate(folder: Path, out: str, *args: str, command: str = "generate") -> Run:
    """``codecrdt COMMAND --out OUT ARGS`` in ``folder``, in this process."""
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = [command, "--out", out, "--report", "report.json", *args]
    with (
        pytest.MonkeyPatch.context() as patch,
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        patch.chdir(folder)
        status = main(argv)
    assert status != 2, f"refused: {stderr.getvalue()}"
    path = folder / out
    return Run(
        status=status,
        path=path,
        text=path.read_text(encoding="utf-8"),
        report=json.loads((folder / "report.json").read_text(encoding="utf-8")),
        stdout=stdout.getvalue(),
        stderr=" ".join(stderr.getvalue().split()),
    )


class Runs:
    """Runs shared by several tests of this module, each made once, in its own folder."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.cache: dict[tuple[str, ...], Run] = {}

    def get(self, task: str, *args: str, copy: int = 0) -> Run:
        """The run of ``task`` with ``args``; ``copy`` > 0 asks for another, separate run."""
        key = (task, str(copy), *args)
        if key not in self.cache:
            folder = self.factory.mktemp(task)
            self.cache[key] = _generate(
                folder,
                TASKS[task],
                "--provider",
                "scripted",
                "--script",
                task,
                "--time-scale",
                SCALE,
                "--quiet",
                *args,
            )
        return self.cache[key]

    def parallel(self, task: str, agents: int = 3, seed: int = 0, copy: int = 0) -> Run:
        args = ["--mode", "parallel", "--agents", str(agents), "--seed", str(seed)]
        return self.get(task, *args, copy=copy)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(tmp_path_factory)


@pytest.fixture(autouse=True)
def _no_real_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


# -- what a written file must be -------------------------------------------------------


def _tree_sitter_language(language: str) -> tree_sitter.Language:
    if language == "python":
        return tree_sitter.Language(tree_sitter_python.language())
    return tree_sitter.Language(tree_sitter_typescript.language_tsx())


def parse_problems(text: str, language: str) -> list[str]:
    """The ERROR and MISSING nodes of a tree-sitter parse of ``text``."""
    tree = tree_sitter.Parser(_tree_sitter_language(language)).parse(text.encode("utf-8"))
    problems: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            problems.append(f"{node.type} at {node.start_point[0] + 1}:{node.start_point[1]}")
        stack.extend(node.children)
    return problems


def assert_python_compiles(path: Path, scratch: Path) -> None:
    py_compile.compile(str(path), cfile=str(scratch / f"{path.name}.pyc"), doraise=True)


def assert_ruff_f_clean(path: Path) -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        tool_missing("ruff is not installed: the F check of the written file is left out")
        return  # only this assertion needs ruff
    result = subprocess.run(
        [ruff, "check", "--isolated", "--no-cache", "--select", "F", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def assert_clean_file(run: Run, language: str, scratch: Path) -> None:
    """Parses without error, ``codecrdt check`` finds nothing, no marker is left."""
    assert parse_problems(run.text, language) == []
    spec = language_named(language)
    assert spec is not None
    assert analyze_text(run.text, spec) == []
    assert MARKER not in run.text
    if language == "python":
        assert_python_compiles(run.path, scratch)
        assert_ruff_f_clean(run.path)


def marker_names(script: Script) -> list[str]:
    return [marker.name for marker in scan_markers(script.outline)]


def _unique_lines(script: Script) -> dict[str, set[str]]:
    """Per TODO, the distinctive lines of its body found nowhere else in the script."""
    lines = {
        name: {line.strip() for line in body.splitlines() if len(line.strip()) > 20}
        for name, body in script.todos.items()
    }
    outline = {line.strip() for line in script.outline.splitlines()}
    return {
        name: own - outline - set().union(*(other for n, other in lines.items() if n != name))
        for name, own in lines.items()
    }


def assert_no_half_written_todo(run: Run, script: Script) -> None:
    """Every TODO of the report is done, or still has its marker and none of its code."""
    file_lines = {line.strip() for line in run.text.splitlines()}
    unique = _unique_lines(script)
    for todo in run.report["todos"]:
        name = todo["name"]
        if todo["status"] == "done":
            assert find_marker(run.text, name) is None, name
            assert unique[name] & file_lines, f"{name} is done but none of its code is there"
        else:
            assert find_marker(run.text, name) is not None, (
                f"{name} is {todo['status']} and its marker is gone"
            )
            assert not unique[name] & file_lines, f"{name} is {todo['status']} but half there"


def assert_timeline(report: dict[str, Any], names: list[str]) -> None:
    timeline = report["timeline"]
    assert timeline["outline"]["end_s"] > timeline["outline"]["start_s"] >= 0
    assert [entry["name"] for entry in timeline["todos"]] == names
    for entry in timeline["todos"]:
        assert entry["appeared_s"] <= entry["claimed_s"] <= entry["done_s"], entry
        assert entry["chars"] > 0, entry
        assert entry["done_s"] <= report["wall_s"]


def assert_clean_report(run: Run, script: Script, mode: str) -> None:
    report = run.report
    assert run.status == 0, run.stderr
    assert report["mode"] == mode
    assert report["provider"] == "scripted"
    assert report["stopped_by"] is None
    assert report["error"] is None
    assert report["double_claims"] == 0
    assert report["lost_todos"] == 0
    assert report["converged"] is True
    assert report["conflicts"]["left"] == 0
    assert report["conflicts_left"] == []
    digest = hashlib.sha256(run.text.encode("utf-8")).hexdigest()[:16]
    assert report["final_text_sha256"] == digest
    assert set(report["replica_hashes"].values()) == {digest}
    assert "replicas converged" in run.stderr
    if mode == "sequential":
        # One writer streams the whole file: no markers, so no TODOs and no conflicts.
        assert report["agents"] == 1
        assert report["todos"] == []
        assert report["timeline"]["todos"] == []
        assert report["conflicts"] == {
            "found": 0,
            "fixed_deterministic": 0,
            "fixed_model": 0,
            "fixed_conflicts_deterministic": 0,
            "fixed_conflicts_model": 0,
            "left": 0,
        }
        assert report["timeline"]["outline"]["end_s"] > report["timeline"]["outline"]["start_s"]
        assert run.text == script.sequential
        return
    names = marker_names(script)
    assert [todo["name"] for todo in report["todos"]] == names
    for todo in report["todos"]:
        assert todo["status"] == "done", todo
        assert todo["owner"] is not None, todo
        assert todo["writers"] == [todo["owner"]], todo
    assert f"{len(names)}/{len(names)} TODOs done" in run.stderr
    # The three planned conflicts (a repeated import, an identical helper, two versions
    # of one helper): each second copy is kept out at the source (``prevented``) or, when
    # both copies were on their way at once, found and fixed by the Evaluator.
    prevented = report["prevented"]
    assert prevented == len(report["prevented_declarations"])
    assert prevented == sum(report["prevented_by_agent"].values())
    conflicts = report["conflicts"]
    found = conflicts["found"]
    assert conflicts["fixed_deterministic"] + conflicts["fixed_model"] == found
    # each found conflict fixed once here, so the distinct count is the same
    assert conflicts["fixed_conflicts_deterministic"] + conflicts["fixed_conflicts_model"] == found
    if script.language == "python":
        assert prevented + found == 3
    else:  # half-written TSX can be a transient syntax error while the writers stream
        assert prevented + found >= 3
    assert f"{prevented} declaration(s) kept out of other lanes" in run.stderr
    assert report["plan_off_spec"] == []
    assert_timeline(report, names)


def declared_names(text: str, language: str) -> list[str]:
    """The top-level names ``text`` declares, sorted, each as often as it is declared."""
    spec = language_named(language)
    assert spec is not None
    root = tree_sitter.Parser(spec.tree_sitter).parse(text.encode("utf-8")).root_node
    return sorted(d.name for d in top_level_declarations(root, spec))


# -- clean runs ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["parallel", "sequential"])
@pytest.mark.parametrize("task", list(TASKS))
def test_bundled_task_gives_a_clean_file_and_a_correct_report(
    runs: Runs, task: str, mode: str, tmp_path: Path
) -> None:
    script = load_script(task)
    run = runs.parallel(task) if mode == "parallel" else runs.get(task, "--mode", mode)
    assert run.path.name == script.file
    assert_clean_file(run, script.language, tmp_path)
    assert_clean_report(run, script, mode)


@pytest.mark.parametrize("agents", [1, 5])
def test_the_agent_count_does_not_change_the_file(runs: Runs, agents: int, tmp_path: Path) -> None:
    three = runs.parallel("inventory-cli", agents=3)
    run = runs.parallel("inventory-cli", agents=agents)
    # Which copy of a planned duplicate comes first (and stays) follows the timing; the
    # file declares the same names, each once.
    names = declared_names(run.text, "python")
    assert names == declared_names(three.text, "python")
    assert len(names) == len(set(names))
    assert run.report["agents"] == agents
    owners = {todo["owner"] for todo in run.report["todos"]}
    assert owners <= {f"impl-{n}" for n in range(1, agents + 1)}
    assert_clean_file(run, "python", tmp_path)
    assert_clean_report(run, load_script("inventory-cli"), "parallel")


def test_the_same_seed_gives_the_same_file_and_report(runs: Runs) -> None:
    """What the seed fixes: the prepared text and the modelled delays.

    The measured times also hold the CPU time of the run (at ``--time-scale 50`` it is most
    of them), and which implementer wins which TODO follows those times, so neither the
    timings nor the owners are compared. Nor is the text itself: when two implementers
    write the planted second ``_parse_quantity`` at once, whether the lane guard keeps the
    later one out (the first stays) or the Evaluator replaces it (its prepared answer
    stays) depends on which line arrived first. What is compared is what does not: the
    board, the module's top-level names (each once) and that nothing is left. On the
    virtual clock the same seed gives the same text, times and report
    (tests/test_clock.py).
    """
    first = runs.parallel("inventory-cli", seed=7)
    second = runs.parallel("inventory-cli", seed=7, copy=1)
    assert first.path != second.path
    names = declared_names(first.text, "python")
    assert names == declared_names(second.text, "python")
    assert len(names) == len(set(names))  # each name once
    for key in ("stopped_by", "lost_todos"):
        assert first.report[key] == second.report[key], key
    for run in (first, second):
        assert run.report["conflicts"]["left"] == 0

    def board(report: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(t["id"], t["name"], t["status"], len(t["writers"])) for t in report["todos"]]

    assert board(first.report) == board(second.report)
    for run in (first, second):
        assert_timeline(run.report, marker_names(load_script("inventory-cli")))


def test_the_users_lines_stay_at_the_start(tmp_path: Path) -> None:
    mine = "# Written by me before the agents came.\n# Licence: MIT, keep this header.\n"
    (tmp_path / "tool.py").write_text(mine, encoding="utf-8")
    run = _generate(
        tmp_path,
        "tool.py",
        "--provider",
        "scripted",
        "--script",
        "inventory-cli",
        "--time-scale",
        SCALE,
        "--quiet",
    )
    assert run.status == 0, run.stderr
    assert run.text.startswith(mine)
    assert load_script("inventory-cli").outline.splitlines()[0] in run.text
    assert_clean_file(run, "python", tmp_path)
    assert run.report["lost_todos"] == 0
    assert all(todo["status"] == "done" for todo in run.report["todos"])


# -- faults, failures and stops --------------------------------------------------------


def _script_with(folder: Path, task: str, extra: str) -> Path:
    """A copy of a bundled script with ``extra`` TOML (faults) appended."""
    source = Path(load_script(task).path).read_text(encoding="utf-8")
    path = folder / f"{task}-faults.toml"
    path.write_text(source + "\n" + extra, encoding="utf-8")
    return path


def test_retried_faults_leave_the_same_file(runs: Runs, tmp_path: Path) -> None:
    script = _script_with(
        tmp_path,
        "inventory-cli",
        """
[[faults]]
key = "todo:storage"
kind = "rate_limit"
at_token = 0
retry_after_s = 0.2

[[faults]]
key = "todo:report"
kind = "disconnect"
at_token = 40
""",
    )
    run = _generate(
        tmp_path,
        "inventory.py",
        "--provider",
        "scripted",
        "--script",
        str(script),
        "--seed",
        "7",
        "--time-scale",
        SCALE,
    )
    assert run.status == 0, run.stderr
    assert run.report["retries"] >= 2
    # Off a terminal each retry is one line on stderr.
    assert "429 rate limited (scripted fault in todo:storage)" in run.stderr
    assert "connection closed mid-stream (scripted fault in todo:report)" in run.stderr
    # The cut stream's partial text was removed before the answer started over: the
    # TODO's text is in the file once, and the file declares what a run without faults does.
    report = load_script("inventory-cli").todos["report"].strip().splitlines()
    assert run.text.count(report[0].strip()) == 1
    assert declared_names(run.text, "python") == declared_names(
        runs.parallel("inventory-cli", seed=7).text, "python"
    )
    assert_clean_file(run, "python", tmp_path)
    assert_clean_report(run, load_script("inventory-cli"), "parallel")


def test_a_todo_that_keeps_failing_is_given_up_and_keeps_its_marker(tmp_path: Path) -> None:
    script = _script_with(
        tmp_path,
        "inventory-cli",
        """
[[faults]]
key = "todo:csv_export"
kind = "auth"
attempts = [1, 2, 3, 4, 5, 6]
""",
    )
    run = _generate(
        tmp_path,
        "inventory.py",
        "--provider",
        "scripted",
        "--script",
        str(script),
        "--time-scale",
        SCALE,
        "--quiet",
    )
    assert run.status == 1, run.stderr
    report = run.report
    statuses = {todo["name"]: todo for todo in report["todos"]}
    failed = statuses.pop("csv_export")
    assert failed["status"] == "failed"
    assert failed["writers"] == []
    assert failed["attempts"] == 3
    assert all(todo["status"] == "done" for todo in statuses.values())
    assert all(len(todo["writers"]) == 1 for todo in statuses.values())
    assert report["stopped_by"] is None
    assert report["lost_todos"] == 0
    assert report["double_claims"] == 0
    assert report["converged"] is True
    assert report["conflicts"]["left"] == 0
    assert run.text.count(MARKER) == 1
    assert "# TODO(codecrdt:csv_export ~25 lines): a header row" in run.text
    assert "7/8 TODOs done" in run.stderr
    assert "csv_export" in run.stderr
    assert parse_problems(run.text, "python") == []
    assert_python_compiles(run.path, tmp_path)
    assert_no_half_written_todo(run, load_script("inventory-cli"))


def test_a_token_budget_stops_the_run_with_a_consistent_file(tmp_path: Path) -> None:
    run = _generate(
        tmp_path,
        "inventory.py",
        "--provider",
        "scripted",
        "--script",
        "inventory-cli",
        "--max-tokens",
        "2600",  # past the outline (about 2,000 with the first TODO), short of the run
        "--time-scale",
        SCALE,
        "--quiet",
    )
    assert run.status == 1
    assert run.report["stopped_by"] == "budget"
    assert "token budget of 2600 reached" in run.report["error"]
    assert "the run stopped early (budget" in run.stderr
    script = load_script("inventory-cli")
    assert run.text.splitlines()[0] == script.outline.splitlines()[0]
    assert run.report["todos"], "the budget allows at least the start of the outline"
    assert any(todo["status"] != "done" for todo in run.report["todos"])
    assert run.report["lost_todos"] == 0
    assert run.report["double_claims"] == 0
    assert_no_half_written_todo(run, script)


def test_ctrl_c_stops_the_run_with_a_consistent_file(tmp_path: Path) -> None:
    """SIGINT once the outline is complete: exit 130, outline and finished TODOs kept.

    A fixed wait would be racy: a run stopped before its outline is complete takes back
    everything it wrote (tested below). The event lines on stderr say when it is out.
    """
    script = load_script("inventory-cli")
    last = marker_names(script)[-1]
    command = [
        sys.executable,
        "-m",
        "codecrdt",
        "generate",
        "--provider",
        "scripted",
        "--script",
        "inventory-cli",
        "--out",
        "inventory.py",
        "--report",
        "report.json",
        "--time-scale",
        "5",  # about 15 s if it ran to the end
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A test suite started in the background by a shell inherits SIGINT ignored,
        # and Python keeps an ignored SIGINT ignored: give the run the default, as a
        # terminal's Ctrl-C finds it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        lines: list[str] = []
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if " outline " in line and "state=done" in line:
                process.send_signal(signal.SIGINT)
                break
        stdout, rest = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = "".join(lines) + rest
    assert f"todo={last} " in stderr and "state=done" in stderr, "no complete outline"
    assert process.returncode == 130, stderr
    assert time.monotonic() - started < 30
    assert "the run stopped early (cancel)" in stderr
    text = (tmp_path / "inventory.py").read_text(encoding="utf-8")
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    run = Run(130, tmp_path / "inventory.py", text, report, stdout, stderr)
    assert report["stopped_by"] == "cancel"
    assert [todo["name"] for todo in report["todos"]] == marker_names(script)
    assert report["todos"][-1]["status"] != "done", "the run had finished before Ctrl-C"
    assert report["lost_todos"] == 0
    assert report["double_claims"] == 0
    assert report["converged"] is True
    assert parse_problems(text, "python") == []
    assert_python_compiles(run.path, tmp_path)
    assert_no_half_written_todo(run, script)
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_run_stopped_mid_outline_takes_back_what_it_wrote(tmp_path: Path) -> None:
    """Half a skeleton is not a file: stopped before its outline is done, a run keeps the
    file as it was (here: the user's two lines) and says so."""
    (tmp_path / "inventory.py").write_text("# mine\n# also mine\n", encoding="utf-8")
    run = _generate(
        tmp_path,
        "inventory.py",
        "--provider",
        "scripted",
        "--script",
        "inventory-cli",
        "--time-scale",
        SCALE,
        "--quiet",
        "--max-tokens",
        "300",
    )
    assert run.status == 1
    assert run.report["stopped_by"] == "budget"
    assert run.report["outline_complete"] is False
    assert run.text == "# mine\n# also mine\n"
    assert "nothing the run wrote was kept" in run.stderr

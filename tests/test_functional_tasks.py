"""Functional truth for the bundled tasks (codecrdt.bench.functional).

Every bundled task has a check of what its final file does: a Python task's pytest file
(``codecrdt/agents/scripts/<task>.test.py``), a TSX task's type check against React's
types and one render in jsdom (the npm packages of scripts/install-react-check.sh, which
the fixture below runs: cached, idempotent). The scripted output of every task passes all
of it; files the checks were not written for — a function removed, a wrong result, a hang,
a component that throws on render, a type error — fail with the counts and names the
damage explains; and a missing tool is "not measured", never a pass (in CI a failure, as
every skip for a missing tool is: tests/ci_support.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from codecrdt.agents.script import Latency, Script, bundled_scripts, load_script
from codecrdt.bench import functional
from codecrdt.bench.functional import FunctionalResult, check_file
from codecrdt.bench.study import REAL_MODEL_TASKS, StudyOptions, run_generate_trial
from codecrdt.cli import main

ROOT = Path(__file__).resolve().parent.parent
INSTALL = ROOT / "scripts" / "install-react-check.sh"
FAST = Latency(ttft_s=0.2, chars_per_s=2000, prefill_tokens_per_s=4000, cached_tokens_per_s=40000)
SCRIPTS = {script.name: script for script in bundled_scripts()}
PYTHON_TASKS = sorted(name for name, s in SCRIPTS.items() if s.language == "python")
#: The small tasks for real-model runs: five functions each, so fewer tests.
SMALL_TASKS = set(REAL_MODEL_TASKS)
TSX_TASKS = sorted(name for name, s in SCRIPTS.items() if s.language == "tsx")
MODES = (("sequential", 1), ("parallel", 3))


@pytest.fixture(scope="module")
def react_check(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The npm packages of the TSX check, installed (or found) by the project's script."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: cannot install the React check")
    done = subprocess.run(
        ["bash", str(INSTALL)], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"scripts/install-react-check.sh failed:\n{done.stderr}"
    prefix = Path(done.stdout.strip().splitlines()[-1])
    assert prefix == functional.react_check_prefix()
    return prefix


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    """The final file of a real scripted run of every task: sequential and k = 3."""
    folder = tmp_path_factory.mktemp("runs")
    options = StudyOptions(tasks=(), agents=(), trials=1, out=folder, latency=FAST)
    texts = {}
    for name, script in SCRIPTS.items():
        for mode, agents in MODES:
            report, text, _path = run_generate_trial(script, mode, agents, 7, options, folder)
            assert report.conflicts.get("left", 0) == 0
            texts[(name, mode)] = text
    return texts


def _measured(result: FunctionalResult) -> FunctionalResult:
    if not result.measured:
        pytest.skip(f"not measured: {result.not_measured}")  # a failure in CI
    return result


def test_every_bundled_task_has_a_functional_check() -> None:
    assert len(PYTHON_TASKS) == 9 and len(TSX_TASKS) == 6
    assert set(PYTHON_TASKS) >= SMALL_TASKS
    for name in PYTHON_TASKS:
        tests = functional.task_tests(name)
        assert tests is not None, f"{name} has no {name}.test.py"
        least = 5 if name in SMALL_TASKS else 10
        assert tests.read_text(encoding="utf-8").count("\ndef test_") >= least
    for name in TSX_TASKS:
        assert functional.task_tests(name) is None  # checked by type check and render


@pytest.mark.parametrize("mode", [mode for mode, _k in MODES])
@pytest.mark.parametrize("task", PYTHON_TASKS)
def test_the_scripted_output_of_every_python_task_passes_all_its_tests(
    outputs: dict[tuple[str, str], str], task: str, mode: str
) -> None:
    """The scripted output passes 100 %: this pins the script (its outline, TODO bodies,
    sequential answer and Evaluator fixes) to the behaviour its task's spec asks for."""
    result = _measured(check_file(task, outputs[(task, mode)]))
    print(result.summary())
    assert result.failures == ()
    assert result.failed == 0 and result.passed is not None
    assert result.passed >= (5 if task in SMALL_TASKS else 15)


@pytest.mark.parametrize("mode", [mode for mode, _k in MODES])
@pytest.mark.parametrize("task", TSX_TASKS)
def test_the_scripted_output_of_every_tsx_task_type_checks_and_renders(
    react_check: Path, outputs: dict[tuple[str, str], str], task: str, mode: str
) -> None:
    """The scripted output passes 100 %: this pins the script's component to what a
    React project accepts (strict tsc with React's types) and to a render that works."""
    result = _measured(check_file(task, outputs[(task, mode)]))
    assert result.failures == ()
    assert (result.passed, result.failed) == (2, 0)
    assert result.details["tsc_errors"] == 0
    assert result.details["rendered_elements"] >= 20


# -- files the checks were not written for ------------------------------------------------


def _broken(script: Script, old: str, new: str) -> str:
    assert script.sequential.count(old) == 1, old
    return script.sequential.replace(old, new)


def test_a_module_that_does_not_import_fails_every_test() -> None:
    # Without mixed_keys the module's WORKLOADS table raises NameError on import.
    script = load_script("cache-policies")
    start = script.sequential.index("def mixed_keys(")
    end = script.sequential.index("WORKLOADS: dict")
    result = _measured(check_file(script, script.sequential[:start] + script.sequential[end:]))
    assert result.passed == 0 and result.failed == 17
    assert all("NameError" in failure and "mixed_keys" in failure for failure in result.failures)


def test_a_wrong_result_fails_exactly_the_tests_that_see_it() -> None:
    # ^ made left-associative: only 2 ^ 3 ^ 2 tells (64, not 512).
    script = load_script("tiny-interpreter")
    text = _broken(
        script,
        'self.expression(strength - 1 if token.text == "^" else strength)',
        "self.expression(strength)",
    )
    result = _measured(check_file(script, text))
    assert (result.passed, result.failed) == (26, 1)
    assert result.failures[0].startswith("test_arithmetic_comparison_and_logic[2 ^ 3 ^ 2-512]")
    assert "64" in result.failures[0]


def test_prices_that_drop_their_cents_fail_where_cents_show() -> None:
    script = load_script("inventory-cli")
    text = _broken(
        script,
        'int((match.group(2) or "0").ljust(2, "0"))',
        "0",
    )
    result = _measured(check_file(script, text))
    # 7.50 is stored as 700: the add, the 7.50 price and the report's total (144.00) show it;
    # $1,200 and 3 have no cents, and the other tests do not look at prices.
    failed = sorted(failure.split(":")[0] for failure in result.failures)
    assert failed == [
        "test_add_saves_an_item",
        "test_prices_as_users_type_them[7.50-750]",
        "test_report_totals_value_by_tag_and_low_items",
    ]
    assert (result.passed, result.failed) == (13, 3)


def test_a_function_removed_fails_where_it_is_needed() -> None:
    # find_cycle is only called when there is a cycle: one test.
    script = load_script("job-scheduler")
    start = script.sequential.index("def find_cycle(")
    end = script.sequential.index("def _parse_duration(")
    result = _measured(check_file(script, script.sequential[:start] + script.sequential[end:]))
    assert (result.passed, result.failed) == (23, 1)
    assert result.failures[0].startswith("test_unknown_dependencies_and_cycles_are_refused")
    assert "find_cycle" in result.failures[0]


def test_a_hang_counts_what_finished_and_fails_the_rest() -> None:
    # A tokenizer that never returns on a program that mentions fact: test_recursion
    # (the 15th test) hangs; the 14 before it pass, it and the 12 after it fail.
    script = load_script("tiny-interpreter")
    text = _broken(
        script,
        "    tokens: list[Token] = []\n",
        '    while "fact" in source:\n        pass\n    tokens: list[Token] = []\n',
    )
    result = check_file(script, text, timeout_s=15)
    assert result.measured and result.details["timed_out"] is True
    assert (result.passed, result.failed) == (14, 13)
    assert result.failures[0] == "test_recursion: did not finish (timed out after 15 s)"


def test_a_component_that_throws_on_render_fails_the_render(react_check: Path) -> None:
    script = load_script("tic-tac-toe")
    text = _broken(
        script,
        "export default function TicTacToe() {\n",
        "export default function TicTacToe() {\n"
        '  if (Date.now() > 0) throw new Error("the board is gone");\n',
    )
    result = _measured(check_file(script, text))
    assert (result.passed, result.failed) == (1, 1)  # it still type-checks
    assert result.failures == ("render: Error: the board is gone",)


def test_a_component_whose_effect_throws_fails_the_render(react_check: Path) -> None:
    script = load_script("pomodoro-timer")
    text = _broken(
        script,
        "export default function PomodoroTimer() {\n",
        "export default function PomodoroTimer() {\n"
        '  useEffect(() => { throw new RangeError("no timer"); }, []);\n',
    )
    result = _measured(check_file(script, text))
    assert result.failures == ("render: RangeError: no timer",)


def test_a_type_error_fails_the_type_check(react_check: Path) -> None:
    script = load_script("pomodoro-timer")
    text = _broken(
        script,
        "export default function PomodoroTimer() {\n",
        'export default function PomodoroTimer() {\n  const minutes: number = "25";\n',
    )
    result = _measured(check_file(script, text))
    assert (result.passed, result.failed) == (1, 1)  # it still renders
    assert result.details["tsc_errors"] == 1
    assert result.failures[0].startswith("typecheck: 1 errors, first TS2322 line ")
    assert "Type 'string' is not assignable to type 'number'" in result.failures[0]


# -- a missing tool is not measured, never a pass -------------------------------------------


def test_without_node_a_tsx_task_is_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(functional.shutil, "which", lambda _name: None)
    result = check_file("tic-tac-toe", load_script("tic-tac-toe").sequential)
    assert result.passed is None and result.failed is None and result.total is None
    assert result.not_measured == "node is not installed"
    assert not result.all_passed
    assert result.summary() == "tic-tac-toe: not measured (node is not installed)"
    assert functional.record_fields(result) == {
        "tests_passed": None,
        "tests_failed": None,
        "tests_total": None,
        "test_failures": [],
    }


def test_without_the_npm_packages_a_tsx_task_is_not_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(functional.REACT_CHECK_ENV, str(tmp_path))
    monkeypatch.setattr(functional.shutil, "which", lambda name: f"/usr/bin/{name}")
    result = check_file("pomodoro-timer", load_script("pomodoro-timer").sequential)
    assert result.not_measured == (
        f"typescript, @types/react, react, react-dom, jsdom not found under {tmp_path} "
        "(scripts/install-react-check.sh installs it)"
    )


def test_without_pytest_a_python_task_is_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(functional, "_pytest_available", lambda: False)
    result = check_file("inventory-cli", load_script("inventory-cli").sequential)
    assert (result.passed, result.failed) == (None, None)
    assert result.not_measured == "pytest is not installed (pip install codecrdt[test])"


def test_a_script_of_ones_own_uses_the_tests_beside_it(tmp_path: Path) -> None:
    bundled = load_script("tiny-interpreter")
    own = tmp_path / "tiny-interpreter.toml"
    shutil.copyfile(bundled.path, own)
    (tmp_path / "tiny-interpreter.test.py").write_text(
        "import tiny\n\n\n"
        "def test_adds() -> None:\n    assert tiny.run_source('1 + 1') == 2\n\n\n"
        "def test_claims_too_much() -> None:\n    assert tiny.run_source('1 + 1') == 3\n",
        encoding="utf-8",
    )
    result = _measured(check_file(str(own), bundled.sequential))
    assert (result.passed, result.failed) == (1, 1)
    assert result.failures[0].startswith(
        "test_claims_too_much: call failed: AssertionError: assert 2 == 3"
    )


def test_the_command_line_checks_one_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script = load_script("tiny-interpreter")
    good, bad = tmp_path / "tiny.py", tmp_path / "tiny_bad.py"
    good.write_text(script.sequential, encoding="utf-8")
    bad.write_text(_broken(script, "return not _truthy(value)", "return _truthy(value)"))
    assert main(["bench", "functional", "tiny-interpreter", str(good)]) == 0
    assert capsys.readouterr().out == "tiny-interpreter: 27 of 27 passed\n"
    assert main(["bench", "functional", "tiny-interpreter", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "tiny-interpreter: 26 of 27 passed"  # only `not true or false` tells
    assert out[1].startswith("  FAILED test_arithmetic_comparison_and_logic[not true or false-")
    monkeypatch.setattr(functional, "_pytest_available", lambda: False)
    assert main(["bench", "functional", "tiny-interpreter", str(good), "--json"]) == 3
    answer = json.loads(capsys.readouterr().out)
    assert answer["passed"] is None and answer["total"] is None
    assert answer["not_measured"] == "pytest is not installed (pip install codecrdt[test])"
    assert main(["bench", "functional", "no-such-task", str(good)]) == 2
    assert "no script named 'no-such-task'" in capsys.readouterr().err

"""The Evaluator's model round: one request per round for every conflict that needs a
model, answers read into one checked edit per conflict, and no conflict asked about the
same way twice.

The model is a fake whose answers each test writes, and which keeps every request. The
files are checked after the Evaluator with CPython, ruff and pylint, not only with our own
analysis.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from codecrdt.agents.context import RunContext
from codecrdt.agents.evaluator import Evaluator, EvaluatorReport
from codecrdt.agents.fix_answers import numbered, parse_answer, reindent
from codecrdt.agents.hub import Hub, HubOptions
from codecrdt.agents.providers.base import (
    BaseProvider,
    Finished,
    Request,
    StreamEvent,
    TextDelta,
    Usage,
)
from codecrdt.agents.providers.scripted import ScriptedProvider
from codecrdt.agents.script import Fault, load_script
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text
from codecrdt.document import SharedDocument

#: Three conflicts only a model can fix: a constant with two values, a helper written
#: twice (different bodies), a call with one argument too many.
THREE = """import json


LIMIT = 3


def stamp() -> int:
    return 1


def save(record: dict, indent: int = 2) -> str:
    return json.dumps({**record, "at": stamp(), "limit": LIMIT}, indent=indent)


LIMIT = 5


def stamp() -> int:
    return 2


print(save({"id": 1}, 2, True))
"""

FIX_ALL = """FIX 1
```python
LIMIT = 5
```
FIX 2
```python
```
FIX 3
```python
print(save({"id": 1}, 2))
```
"""

#: What the three fixes leave: the value that stands at the first place, the second
#: assignment and the second `stamp` gone (the blank lines around them stay), the call
#: fitting the definition.
FIXED = (
    THREE.replace("LIMIT = 3\n", "LIMIT = 5\n", 1)
    .replace("\nLIMIT = 5\n\n\ndef stamp() -> int:\n    return 2\n", "\n\n\n", 1)
    .replace('print(save({"id": 1}, 2, True))', 'print(save({"id": 1}, 2))')
)


class FakeModel(BaseProvider):
    """Answers each request with the next of ``answers`` (the last one again when they run
    out) and keeps the requests; ``during`` is done to the document while it answers (the
    file moving on)."""

    name = "fake"
    model = "fake"

    def __init__(
        self, answers: list[str], during: Callable[[SharedDocument], None] | None = None
    ) -> None:
        self.answers = answers
        self.requests: list[Request] = []
        self.during = during
        self.document: SharedDocument | None = None

    async def stream(self, request: Request) -> AsyncIterator[StreamEvent]:
        self.requests.append(request)
        if self.during is not None and self.document is not None:
            self.during(self.document)
            await asyncio.sleep(0.5)  # the change reaches the Evaluator's replica
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        yield TextDelta(answer)
        yield Finished(Usage(), "end_turn")


def evaluate(
    text: str,
    model: BaseProvider,
    *,
    rounds: int = 3,
    keep_users_text: bool = False,
    language: str = "python",
) -> tuple[str, EvaluatorReport]:
    """The Evaluator alone on ``text``, as "Fix with Evaluator" runs it (without
    ``keep_users_text``: the text is the agents' merged output)."""

    async def main() -> tuple[str, EvaluatorReport]:
        spec = language_named(language)
        assert spec is not None
        ctx = RunContext(model, spec, "Fix the conflicts in this file.")
        ctx.clock.start()
        document = SharedDocument(text)
        if isinstance(model, FakeModel):
            model.document = document
        hub = Hub(document, HubOptions(), clock=ctx.clock)
        try:
            evaluator = Evaluator(
                "evaluator", hub.connect("evaluator", "evaluator"), ctx, rounds=rounds
            )
            evaluator.keep_users_text = keep_users_text
            report = await evaluator.final()
            for _ in range(200):
                if hub.settled():
                    break
                await asyncio.sleep(0.01)
        finally:
            hub.close()
        return document.text, report

    return asyncio.run(main())


def codes(text: str) -> list[tuple[str, str | None]]:
    return [(f.code, f.name) for f in analyze_text(text, language_named("python"))]


def oracles_agree_it_is_clean(text: str, folder: Path) -> None:
    """CPython runs it; ruff and pylint find no redefinition, undefined name or call
    mismatch in it."""
    path = folder / "fixed.py"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["limit"] == 5
    checked = subprocess.run(
        [
            *(sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache"),
            *("--select", "F811,F821", str(path)),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
    pylint = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--disable=all",
            "--enable=E0102,E1120,E1121,E1123,W0404,E0602",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert pylint.returncode == 0, pylint.stdout


# -- one request per round ----------------------------------------------------------------


def test_three_conflicts_go_in_one_request_with_all_their_sites(tmp_path: Path) -> None:
    assert codes(THREE) == [
        ("conflicting-value", "LIMIT"),
        ("duplicate-declaration", "stamp"),
        ("arity-mismatch", "save"),
    ]
    model = FakeModel([FIX_ALL])
    text, report = evaluate(THREE, model)
    [request] = model.requests
    assert request.key == (
        "fix:conflicting-value:LIMIT duplicate-declaration:stamp arity-mismatch:save"
    )
    prompt = request.prompt
    assert prompt.startswith("Fix 3 conflicts.\n")
    # Each conflict: its lines, numbered as in the file, and the other places it involves.
    assert (
        "## Conflict 1: conflicting-value 'LIMIT'\n"
        "Line 15: 'LIMIT' is assigned 5 here but 3 on line 4; `save` uses it on line 12, "
        "but a function body runs after the second binding\n"
        "Lines to replace:\n4 | LIMIT = 3\n"
        "The second place (removed with your fix):\n15 | LIMIT = 5\n"
    ) in prompt
    assert (
        "## Conflict 2: duplicate-declaration 'stamp'\n"
        "Line 18: 'stamp' is declared again (first on line 7); `save` uses it on line 12, "
        "but a function body runs after the second binding\n"
        "Lines to replace:\n18 | def stamp() -> int:\n19 |     return 2\n"
        "The earlier declaration:\n7 | def stamp() -> int:\n8 |     return 1\n"
    ) in prompt
    assert (
        "## Conflict 3: arity-mismatch 'save'\n"
        "Line 22: 'save' takes 2 positional arguments but 3 were given (defined on line 11)\n"
        'Lines to replace:\n22 | print(save({"id": 1}, 2, True))\n'
        "The definition the call reaches:\n"
        "11 | def save(record: dict, indent: int = 2) -> str:\n"
        '12 |     return json.dumps({**record, "at": stamp(), "limit": LIMIT}, indent=indent)\n'
    ) in prompt
    assert "FIX <number>" in request.system and "smallest edit" in request.system

    assert text == FIXED
    assert codes(text) == []
    assert (report.fixed_model, report.model_requests, report.conflicts_per_request) == (
        3,
        1,
        [3],
    )
    assert (report.fixes_held, report.fixes_not_held, report.asked_again) == (3, 0, 0)
    assert report.left == [] and report.rejected == [] and report.gave_up == []
    oracles_agree_it_is_clean(text, tmp_path)


def test_a_partial_answer_leaves_the_rest_to_a_second_request_that_says_so(
    tmp_path: Path,
) -> None:
    first = FIX_ALL[: FIX_ALL.index("FIX 3")]  # fixes 1 and 2 only
    model = FakeModel([first, FIX_ALL.replace("FIX 3", "FIX 1")[FIX_ALL.index("FIX 3") :]])
    text, report = evaluate(THREE, model)
    assert [r.key for r in model.requests] == [
        "fix:conflicting-value:LIMIT duplicate-declaration:stamp arity-mismatch:save",
        "fix:arity-mismatch:save",
    ]
    again = model.requests[1].prompt
    # Renumbered in the new request (the call is now on line 19), and told why it is back.
    assert (
        "## Conflict 1: arity-mismatch 'save'\nLine 19: 'save' takes 2 positional "
        "arguments but 3 were given (defined on line 11)\n"
    ) in again
    assert "Your last answer had no usable fix for this conflict. Fix it now." in again
    assert "Your last answer" not in model.requests[0].prompt
    assert text == FIXED and codes(text) == []
    assert report.conflicts_per_request == [3, 1]
    assert (report.fixes_held, report.asked_again) == (3, 1)
    oracles_agree_it_is_clean(text, tmp_path)


def test_a_conflict_never_answered_is_asked_twice_then_left_with_the_reason() -> None:
    first = FIX_ALL[: FIX_ALL.index("FIX 3")]
    model = FakeModel([first, "FIX 2\n```\n```\n"])  # the second answer is for no conflict
    text, report = evaluate(THREE, model)
    assert [len(r.key.split(" ")) for r in model.requests] == [3, 1]
    assert codes(text) == [("arity-mismatch", "save")]
    assert [(entry["code"], entry["line"]) for entry in report.left] == [("arity-mismatch", 19)]
    assert report.gave_up == [
        {
            "code": "arity-mismatch",
            "name": "save",
            "reason": "asked twice; the last answer had no fix for it",
        }
    ]
    assert report.rejected == [
        {"code": None, "name": None, "reason": "FIX 2: there is no conflict 2 in this request"}
    ]
    assert report.rounds == 3 and report.model_requests == 2


def test_a_fix_that_does_not_hold_is_not_sent_again_the_same_way() -> None:
    """The model "fixes" the second `stamp` by rewriting it: the duplicate is still there.
    The second request says that fix did not hold and shows it; after the second such fix
    the conflict is left, and no two requests are the same."""
    text = "def stamp() -> int:\n    return 1\n\n\ndef stamp() -> int:\n    return 2\n"
    rewrite = "FIX 1\n```\ndef stamp() -> int:\n    return 3\n```\n"
    model = FakeModel([rewrite, rewrite.replace("3", "4")])
    after, report = evaluate(text, model)
    prompts = [r.prompt for r in model.requests]
    assert len(prompts) == 2 and prompts[0] != prompts[1]
    assert "did not hold" not in prompts[0]
    assert (
        "Your last fix for this conflict did not hold: the conflict is still there after "
        "it. You answered:\ndef stamp() -> int:\n    return 3\nMake a different edit."
    ) in prompts[1]
    assert "5 | def stamp() -> int:\n6 |     return 3\n" in prompts[1]
    assert after.endswith("def stamp() -> int:\n    return 4\n")
    assert (report.fixed_model, report.fixes_held, report.fixes_not_held) == (2, 0, 2)
    # Two fixes applied to one conflict: the study counts it once, found and fixed.
    assert report.found == {("duplicate-declaration", "stamp")}
    assert report.fixed == {("duplicate-declaration", "stamp"): "model"}
    assert report.gave_up == [
        {
            "code": "duplicate-declaration",
            "name": "stamp",
            "reason": "asked twice; the last fix did not hold",
        }
    ]
    assert [entry["name"] for entry in report.left] == ["stamp"]


def test_conflicts_in_the_same_lines_are_one_place_with_one_edit(tmp_path: Path) -> None:
    """Two undefined names and a call mismatch in one function: the function is one place
    of the request, all three named, and the one edit fixes all three."""
    text = (
        "import json\n\n\ndef save(record: dict, indent: int = 2) -> str:\n"
        "    return json.dumps(record, indent=indent)\n\n\n"
        "def main() -> None:\n"
        "    record = loader.read()\n"
        "    print(save(record, 2, True))\n"
        "    emit(record)\n"
    )
    assert codes(text) == [
        ("undefined-name", "loader"),
        ("arity-mismatch", "save"),
        ("undefined-name", "emit"),
    ]
    fixed_main = (
        "def main() -> None:\n"
        '    record = {"id": 1}\n'
        "    print(save(record, 2))\n"
        "    print(record)\n"
    )
    model = FakeModel([f"FIX 1\n```\n{fixed_main}```\n"])
    after, report = evaluate(text, model)
    [request] = model.requests
    assert request.key == "fix:undefined-name:loader+arity-mismatch:save+undefined-name:emit"
    assert request.prompt.startswith(
        "Fix 3 conflicts in one place.\n\n"
        "## Conflict 1: undefined-name 'loader'\n"
        "Line 9: name 'loader' is not defined\n"
        "In the same lines, arity-mismatch 'save': Line 10: 'save' takes 2 positional "
        "arguments but 3 were given (defined on line 4)\n"
        "In the same lines, undefined-name 'emit': Line 11: name 'emit' is not defined\n"
        "Lines to replace:\n"
        " 8 | def main() -> None:\n"
        " 9 |     record = loader.read()\n"
        "10 |     print(save(record, 2, True))\n"
        "11 |     emit(record)\n"
        "The definition the call reaches:\n"
        "4 | def save(record: dict, indent: int = 2) -> str:\n"
    )
    assert after == text[: text.index("def main")] + fixed_main
    assert codes(after) == []
    assert (report.conflicts_per_request, report.fixed_model, report.fixes_held) == ([3], 3, 3)


# -- answers that do not apply ----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "reasons"),
    [
        (
            "The constant should be 5 and the second stamp deleted.",
            ["the answer has no FIX block"],
        ),
        ("LIMIT = 5\n", ["the answer has no FIX block"]),
        (
            "FIX 1\n```python\nLIMIT = 5\n",
            ["FIX 1: the code block is not closed (the answer was cut?)"],
        ),
        ("FIX 7\n```\nLIMIT = 5\n```\n", ["FIX 7: there is no conflict 7 in this request"]),
        ("FIX 1\nFIX 2\n", ["FIX 1: no code under the header", "FIX 2: no code under the header"]),
        (
            "FIX 1 lines 2-4\n```\nLIMIT = 5\n```\n",
            ["FIX 1: lines 2-4 are not among its lines (4-4)"],
        ),
        (
            "FIX 3\n```\nprint(save({'id': 1}, 2)\n```\n",
            ["FIX 3: the edit would leave a syntax error"],
        ),
        (
            "FIX 2 lines 19-18\n```\n```\n",
            ["FIX 2: lines 19-18 run backwards"],
        ),
        (  # the lines as they are
            'FIX 3\n```\nprint(save({"id": 1}, 2, True))\n```\n',
            ["FIX 3: the edit changes nothing"],
        ),
        (  # a misspelt name: `save` would read a LIMIT that nothing binds
            "FIX 1\n```\nLIMT = 5\n```\n",
            ["FIX 1: the edit would bring new conflicts (undefined-name 'LIMIT')"],
        ),
        (  # what Qwen2.5-Coder-0.5B answered for the issue-12 example's constant: valid
            # Python, but the constant gone
            'FIX 1\n\n```json\n{\n  "at": stamp(),\n  "limit": LIMIT\n}\n```\n',
            ["FIX 1: the edit would bring new conflicts (undefined-name 'LIMIT')"],
        ),
    ],
)
def test_a_malformed_answer_changes_nothing_and_is_reported(
    answer: str, reasons: list[str]
) -> None:
    text, report = evaluate(THREE, FakeModel([answer]), rounds=1)
    assert text == THREE
    assert report.fixed_model == 0 and report.fixes_held == 0
    assert [entry["reason"] for entry in report.rejected] == reasons
    assert len(report.left) == 3


def test_lines_that_changed_while_the_model_answered_are_not_replaced() -> None:
    def user_types(document: SharedDocument) -> None:
        at = document.text.index("LIMIT = 3")
        document.replace(at, at + len("LIMIT = 3"), "LIMIT = 4", "editor")

    text, report = evaluate(THREE, FakeModel([FIX_ALL], during=user_types), rounds=1)
    assert "LIMIT = 4\n" in text and "\nLIMIT = 5\n" in text  # the constant left as it is
    assert report.rejected == [
        {
            "code": "conflicting-value",
            "name": "LIMIT",
            "reason": "FIX 1: its lines changed while the model answered",
        }
    ]
    assert report.fixed_model == 2  # the other two applied


def test_a_fix_that_would_delete_the_users_text_is_refused() -> None:
    """In a run, text no agent wrote is the user's: every fix here would delete some of
    it, so each is refused and reported, and the file stays as the user wrote it."""
    text, report = evaluate(THREE, FakeModel([FIX_ALL]), rounds=1, keep_users_text=True)
    assert text == THREE
    assert [(e["name"], e["reason"]) for e in report.rejected] == [
        ("save", "FIX 3: the edit would delete text no agent wrote"),
        ("stamp", "FIX 2: the edit would delete text no agent wrote"),
        ("LIMIT", "FIX 1: the edit would delete text no agent wrote"),
    ]
    assert report.fixed_model == 0


def test_an_answer_for_some_of_the_lines_replaces_only_those() -> None:
    """An undefined name's lines are its whole function; the answer names the one line
    it changes, written at column 0 and indented like the line it replaces."""
    text = (
        "import json\n\n\ndef save(record: dict) -> str:\n"
        "    data = dict(record)\n    return serializer.dumps(data)\n"
    )
    model = FakeModel(["FIX 1 lines 6-6\n```\nreturn json.dumps(data)\n```\n"])
    after, report = evaluate(text, model)
    prompt = model.requests[0].prompt
    assert (
        "Lines to replace:\n4 | def save(record: dict) -> str:\n5 |     data = dict(record)\n"
        "6 |     return serializer.dumps(data)\n"
        "Names in scope there: data, json, record, save.\n"
    ) in prompt
    assert after == text.replace("serializer.dumps", "json.dumps")
    assert report.fixed_model == 1 and report.fixes_held == 1


def test_an_unclosed_block_for_a_conflict_not_asked_about_is_reported_not_a_crash() -> None:
    """Qwen2.5-Coder-0.5B answered a one-conflict request with ``FIX 2`` and a block it
    never closed (a study trial ended with an IndexError): the file stays as it was and
    the answer is reported."""
    text = (
        "import json\n\n\ndef save(record: dict) -> str:\n"
        "    data = dict(record)\n    return serializer.dumps(data)\n"
    )
    model = FakeModel(["FIX 2\n```python\nreturn json.dumps(data)\n"] * 2)
    after, report = evaluate(text, model)
    assert after == text
    assert report.fixed_model == 0
    assert any(
        "FIX 2: there is no conflict 2 in this request" in e["reason"] for e in report.rejected
    ), report.rejected
    answer = parse_answer("FIX 2\n```python\nx = 1\n", {1})
    assert answer.blocks == {}
    assert answer.problems == [(None, "FIX 2: there is no conflict 2 in this request")]


# -- reading answers ----------------------------------------------------------------------


def test_answers_are_read_where_small_models_stray() -> None:
    answer = parse_answer(
        "Sure! Here are the fixes.\n"
        "### FIX 1\nReplace the constant:\n```python\nLIMIT = 5\n```\n"
        "**Fix #2** (lines 18-19)\n```\n```\n"
        "FIX 3\n```py\n22 | print(save({'id': 1}, 2))\n```\n"
        "That is all.\n",
        {1, 2, 3},
    )
    assert [(b.conflict, b.text, b.lines) for b in answer.blocks.values()] == [
        (1, "LIMIT = 5\n", None),
        (2, "", (18, 19)),
        (3, "print(save({'id': 1}, 2))\n", None),  # the copied line number dropped
    ]
    assert answer.problems == []


def test_a_code_line_is_not_mistaken_for_line_numbers_or_a_header() -> None:
    answer = parse_answer(
        "FIX 1\n```\nflags = (\n    1 | 2\n)\n# fix 2 later\n```\n"
        "FIX 2\n```\n  TODO(codecrdt:x): write it\nx = 1\n```\n",
        {1, 2},
    )
    assert answer.blocks[1].text == "flags = (\n    1 | 2\n)\n# fix 2 later\n"
    assert answer.blocks[2].text == "x = 1\n"  # never a TODO marker
    assert answer.problems == []


def test_numbered_lines_and_reindent() -> None:
    assert numbered("a\nb\n", 9) == " 9 | a\n10 | b\n"
    assert reindent("x = 1\nif y:\n    z\n", "    a = 2\n") == "    x = 1\n    if y:\n        z\n"
    assert reindent("    x = 1\n", "    a = 2\n") == "    x = 1\n"
    assert reindent("x = 1\n", "a = 2\n") == "x = 1\n"


# -- scripted answers ---------------------------------------------------------------------


def test_a_script_answers_a_batched_request_conflict_by_conflict() -> None:
    script = load_script(str(Path(__file__).parent / "fixtures/scripts/merged_agents.toml"))
    key = "fix:conflicting-value:RETRY_LIMIT undefined-name:x duplicate-declaration:_stamp"
    assert script.answer(key) == "FIX 1\n```\nRETRY_LIMIT = 5\n```\nFIX 3\n```\n```\n"
    # A place with several conflicts: the answer to the first that has one.
    assert script.answer("fix:undefined-name:x+duplicate-declaration:_stamp") == (
        "FIX 1\n```\n```\n"
    )
    assert script.faulted(
        "fix:duplicate-declaration:_stamp", "fix:a:b+duplicate-declaration:_stamp"
    )
    assert script.answer("fix:undefined-name:x") is None
    assert script.faulted("fix:duplicate-declaration:_stamp", key)
    assert not script.faulted("fix:duplicate-declaration:_sta", key)
    assert not script.faulted("todo:_stamp", key)


def test_a_scripted_fault_on_one_conflict_hits_the_request_that_carries_it() -> None:
    script_path = Path(__file__).parent / "fixtures/scripts/merged_agents.toml"
    script = load_script(str(script_path))
    fault = Fault(key="fix:duplicate-declaration:_stamp", kind="server_error")
    provider = ScriptedProvider(script, faults=(fault,))
    text, report = evaluate(script.outline, provider)
    key = "fix:conflicting-value:RETRY_LIMIT duplicate-declaration:_stamp"
    assert provider.attempts == {key: 2}  # the 500, then the answer
    assert report.fixed_model == 2 and report.left == []
    assert codes(text) == []

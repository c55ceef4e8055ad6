"""A model that echoes its own request: the echo is not written, and it is counted.

The cases are those of the real-model study (Qwen2.5-Coder-0.5B on llama.cpp,
docs/study-real): an Outliner whose whole answer was its request, an implementer that
wrote ``# Task``, the spec, ``# The outline`` and a copy of the outline into ``main``'s
body. The files written are held to CPython's parser and to the task's own pytest file.
"""

from __future__ import annotations

import ast
import json
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from codecrdt.agents.context import RunContext
from codecrdt.agents.echo import EchoFilter, request_lines
from codecrdt.agents.prompts import (
    SECTION_HEADERS,
    implementer_request,
    outline_request,
    sequential_request,
)
from codecrdt.agents.providers.base import Request, StreamEvent
from codecrdt.agents.providers.scripted import ScriptedProvider
from codecrdt.agents.run import Report, RunOptions, generate
from codecrdt.agents.script import Latency, Script, bundled_scripts
from codecrdt.agents.virtual_time import run_virtual
from codecrdt.analysis.languages import language_named
from codecrdt.bench.functional import check_file
from codecrdt.bench.study import trial_record
from codecrdt.clock import Clock
from codecrdt.document import SharedDocument
from codecrdt.generate import _echo_dropped

PYTHON = language_named("python")
TSX = language_named("tsx")
assert PYTHON is not None and TSX is not None
SCRIPTS = {script.name: script for script in bundled_scripts()}
TEMPERATURES = SCRIPTS["temperatures"]
FAST = Latency(ttft_s=0.05, chars_per_s=4000, prefill_tokens_per_s=40000)
OUTLINE = (
    "import sys\n\n\ndef summarize(readings: list[float]) -> dict[str, float]:\n"
    '    """Min, max and mean."""\n    # TODO(codecrdt:summarize ~4 lines): the summary\n\n\n'
    "def main(argv: list[str] | None = None) -> int:\n"
    '    """Print the summary."""\n    # TODO(codecrdt:main ~8 lines): parse and print\n'
)

REGION = '    """Print the summary."""\n    # TODO(codecrdt:main ~8 lines): parse and print\n'


def filtered(request: Request, answer: str, indent: str = "", language=PYTHON) -> tuple[str, int]:
    echo = EchoFilter(request, language, indent)
    lines = answer.splitlines(keepends=True)
    out = [kept for line in lines for kept in echo.feed(line)] + echo.finish()
    return "".join(out), echo.dropped


def main_request() -> Request:
    return implementer_request(
        "python",
        TEMPERATURES.spec,
        OUTLINE,
        "main",
        "parse and print",
        "impl-1",
        region=REGION,
    )


# -- the filter, line by line ---------------------------------------------------------------


def test_the_headers_are_the_ones_the_requests_are_built_with() -> None:
    """The filter reads the headers from prompts.py: every request's shared part is made
    of them."""
    for request in (
        outline_request("python", "Spec.", "", "o"),
        sequential_request("python", "Spec.", "x = 1\n", "w"),
        main_request(),
    ):
        headers = [line for line in request.context.splitlines() if line.startswith("# ")]
        assert headers and all(header in SECTION_HEADERS for header in headers)


def test_an_outliner_answer_that_is_its_request_is_dropped_whole() -> None:
    """wordstats / shopping-cart parallel k=2 in the study: the file was the request."""
    request = outline_request("python", TEMPERATURES.spec, "", "outliner")
    echoed = f"{request.context}\n\n{request.prompt}\n"
    text, dropped = filtered(request, echoed)
    assert text == ""
    assert dropped == len(echoed.splitlines())


def test_an_implementer_echo_ends_at_its_own_code_which_is_rebased() -> None:
    """temperatures parallel k=3 in the study: inside main's region the implementer wrote
    the task, the outline, and then main's body at the outline's depth."""
    request = main_request()
    echo = f"# Task\n{TEMPERATURES.spec}\n\n# The outline\n" + "".join(
        f"    {line}" if line.strip() else "\n" for line in OUTLINE.splitlines(True)
    )
    body = "        for reading in argv or []:\n            print(reading)\n        return 0\n"
    text, dropped = filtered(request, echo + body, indent="    ")
    assert text == "    for reading in argv or []:\n        print(reading)\n    return 0\n"
    assert dropped == len(echo.splitlines())
    # CPython reads main with that body.
    head = 'def main(argv: list[str] | None = None) -> int:\n    """Print the summary."""\n'
    ast.parse(head + text)


def test_a_stray_line_of_the_spec_or_the_instructions_is_dropped() -> None:
    request = implementer_request(
        "python", "Count the words in the text.\nx = 1", OUTLINE, "main", "d", "a"
    )
    answer = (
        "Count the words in the text.\n"  # the spec, not code
        "counts = {}\n"
        "x = 1\n"  # the spec's line, but valid code: written
        "Answer with the lines that replace that marker line.\n"  # the instructions
        "return 0\n"
    )
    text, dropped = filtered(request, answer)
    assert text == "counts = {}\nx = 1\nreturn 0\n"
    assert dropped == 2


def test_the_prompt_s_note_copied_with_or_without_its_brackets_is_dropped() -> None:
    """wordstats parallel k=2 and k=3 in the study: an implementer asked while the outline
    streamed wrote its prompt's note, once as it is and once without its brackets, and
    then '# Task' and the spec."""
    request = implementer_request(
        "python", TEMPERATURES.spec, OUTLINE, "main", "d", "a", outline_complete=False
    )
    answer = (
        "return 0\n\n(The outline above is still being written.)\n"
        "The outline above is still being written.\n"
        f"# Task\n{TEMPERATURES.spec}\n"
    )
    assert filtered(request, answer) == ("return 0\n\n", 4)


def test_the_outline_s_code_repeated_outside_an_echo_is_written() -> None:
    """An implementer may repeat a line of the outline (the lane guard judges
    declarations): only an echo that starts with a header drops code lines."""
    request = main_request()
    answer = "import sys\nprint(sys.argv)\n"
    assert filtered(request, answer) == (answer, 0)


def test_a_docstring_quoting_the_spec_survives() -> None:
    """A multi-line docstring may hold the spec's own lines, and even a header."""
    spec = "Parse the readings.\nPrint the summary."
    request = implementer_request("python", spec, OUTLINE, "main", "d", "a")
    answer = (
        '"""\n# Task\nParse the readings.\nPrint the summary.\n"""\n'
        "x = '''Parse the readings.\n"
        "Print the summary.'''\n"
        "return 0\n"
    )
    text, dropped = filtered(request, answer)
    assert (text, dropped) == (answer, 0)
    compile(f"def f():\n{''.join('    ' + line for line in text.splitlines(True))}", "f", "exec")


def test_a_header_followed_by_other_text_is_an_ordinary_comment() -> None:
    request = main_request()
    answer = "# Task\nresult = 1\n# The outline\n"
    assert filtered(request, answer) == ("# Task\nresult = 1\n# The outline\n", 0)


def test_tsx_block_comments_and_template_literals_keep_their_lines() -> None:
    spec = "A card per note.\nThe newest notes first."
    request = implementer_request("tsx", spec, "function App() {}\n", "App", "d", "a")
    answer = (
        "/*\nA card per note.\n*/\nconst s = `\nThe newest notes first.\n`;\n"
        "The newest notes first.\n"
    )
    text, dropped = filtered(request, answer, language=TSX)
    assert text == "/*\nA card per note.\n*/\nconst s = `\nThe newest notes first.\n`;\n"
    assert dropped == 1


def test_the_outliner_s_example_skeleton_and_short_lines_are_not_prose() -> None:
    """The Outliner's system text holds an example skeleton: its lines (``return (``,
    ``}``) are code a skeleton writes too (the bundled algorithm-visualizer outline lost
    eight such lines before the example was set apart)."""
    request = outline_request("tsx", "A visualizer of sorting algorithms.", "", "o")
    answer = "function App() {\n  return (\n    <main>\n    </main>\n  );\n}\n"
    assert filtered(request, answer, language=TSX) == (answer, 0)
    python = outline_request("python", "Notes.", "", "o")
    header = "def save_notes(path: str, notes: list[Note]) -> None:\n"
    assert filtered(python, header) == (header, 0)


def test_the_region_shown_is_not_prose() -> None:
    """A line of the region (the file's code around the marker) is the file's: a model
    may write it again."""
    _every, prose = request_lines(main_request())
    assert '"""Print the summary."""' not in prose
    assert TEMPERATURES.spec.strip() in prose


# -- whole runs -----------------------------------------------------------------------------


class EchoingProvider(ScriptedProvider):
    """The scripted provider, answering the first request of each key in ``echoes`` with
    that request echoed (and, for a TODO, its prepared body after the echo)."""

    def __init__(self, script: Script, echoes: set[str], **kwargs: object) -> None:
        super().__init__(script, **kwargs)  # type: ignore[arg-type]
        self.echoes = set(echoes)
        self.requests: list[Request] = []

    async def stream(self, request: Request) -> AsyncIterator[StreamEvent]:
        self.requests.append(request)
        script = self.script
        if request.key in self.echoes:
            self.echoes.discard(request.key)
            echoed = f"{request.context}\n\n{request.prompt}\n"
            if request.key.startswith("todo:"):
                echoed += script.todos[request.key[5:]]
                self.script = replace(script, todos={**script.todos, request.key[5:]: echoed})
            elif request.key == "sequential":
                self.script = replace(script, sequential=echoed + script.sequential)
            else:
                self.script = replace(script, outline=echoed)
        try:
            async for event in super().stream(request):
                yield event
        finally:
            self.script = script


def run(script: Script, echoes: set[str], mode: str = "parallel") -> tuple[str, Report, list]:
    clock = Clock.virtual()
    provider = EchoingProvider(replace(script, latency=FAST), echoes, seed=1, clock=clock)

    async def go() -> tuple[str, Report, list]:
        document = SharedDocument("")
        ctx = RunContext(provider, PYTHON, script.spec, clock=clock)
        options = RunOptions(mode=mode, agents=2, seed=1)  # type: ignore[arg-type]
        report = await generate(document, ctx, options)
        return document.text, report, provider.requests

    return run_virtual(go())


def test_an_echoing_outliner_is_asked_again_and_the_run_passes_the_task_s_tests() -> None:
    text, report, requests = run(TEMPERATURES, {"outline"})
    outlines = [r for r in requests if r.key == "outline"]
    assert len(outlines) == 2
    assert "Your last answer repeated this request" in outlines[1].prompt
    assert "# Task" not in text and "Write the skeleton" not in text
    assert report.echo_dropped > 0
    assert report.echo_dropped_by_agent == {"outliner": report.echo_dropped}
    assert [a["todo"] for a in report.echo_dropped_answers] == [None]
    assert all(t["status"] == "done" for t in report.todos) and len(report.todos) == 5
    result = check_file("temperatures", text)
    print(result.summary())
    assert result.failed == 0 and result.passed == 13


def test_an_echoing_implementer_writes_only_its_body() -> None:
    text, report, _requests = run(TEMPERATURES, {"todo:main"})
    ast.parse(text)
    assert "# The outline" not in text
    assert [(a["todo"], a["agent"].startswith("impl-")) for a in report.echo_dropped_answers] == [
        ("main", True)
    ]
    assert report.echo_dropped == sum(report.echo_dropped_by_agent.values()) > 10
    result = check_file("temperatures", text)
    assert result.failed == 0 and result.passed == 13
    assert json.loads(json.dumps(report.to_json()))["echo_dropped"] == report.echo_dropped


def test_an_echoing_sequential_writer_keeps_only_the_file() -> None:
    text, report, _requests = run(TEMPERATURES, {"sequential"}, mode="sequential")
    assert text.strip() and "# Task" not in text
    assert report.echo_dropped > 0


@pytest.mark.parametrize("echoes", [{"outline"}, {"todo:main"}])
def test_the_cli_summary_and_the_study_row_count_the_lines(echoes: set[str]) -> None:
    _text, report, _requests = run(TEMPERATURES, echoes)
    assert report.echo_dropped > 0
    each = ", ".join(f"{agent} {n}" for agent, n in report.echo_dropped_by_agent.items())
    line = f"; {report.echo_dropped} line(s) echoing the prompt dropped ({each})"
    assert _echo_dropped(report) == line
    row = trial_record("temperatures", "parallel", 2, 0, 1, report, 1.0)
    assert row["echo_dropped"] == report.echo_dropped


def test_a_run_without_echo_says_nothing_of_it() -> None:
    _text, report, _requests = run(TEMPERATURES, set())
    assert report.echo_dropped == 0 and report.echo_dropped_answers == []
    assert _echo_dropped(report) == ""


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_no_bundled_task_s_prepared_answers_lose_a_line(name: str) -> None:
    """The prepared outlines, bodies and sequential files of every bundled task (Python
    and TSX) quote their specs in docstrings and comments, repeat the outline's code and
    the example's shapes: none of it is an echo."""
    script = SCRIPTS[name]
    language = language_named(script.language)
    assert language is not None
    for key in ("outline", "sequential"):
        request = (outline_request if key == "outline" else sequential_request)(
            script.language, script.spec, "", "agent"
        )
        answer = script.answer(key) or ""
        assert filtered(request, answer, language=language) == (answer, 0), key
    for todo, body in script.todos.items():
        request = implementer_request(
            script.language, script.spec, script.outline, todo, "its part", "agent"
        )
        assert filtered(request, body, language=language) == (body, 0), todo


# -- a copy of the Outliner's example ----------------------------------------------------

WORDSTATS_SPEC = "a Python module wordstats.py: tokenize, count_words, top_n, average_length, main"


def test_a_copied_example_definition_is_dropped_with_its_decorators_and_body() -> None:
    """Qwen2.5-Coder-0.5B, asked for wordstats (temperature 0, seed 7), planned the
    example's notes store: ``Note``, ``load_notes``, ``save_notes`` and nothing else."""
    from codecrdt.agents.prompts import _PYTHON_EXAMPLE

    request = outline_request("python", WORDSTATS_SPEC, "", "outliner")
    answer = _PYTHON_EXAMPLE + (
        "\n\n@functools.cache\ndef tokenize(text: str) -> list[str]:\n"
        '    """Split the text."""\n    # TODO(codecrdt:tokenize ~3 lines): split\n'
    )
    text, dropped = filtered(request, answer)
    assert "Note" not in text and "load_notes" not in text and "save_notes" not in text
    assert "@dataclass" not in text  # the decorator went with its class
    assert text.startswith("import json\nfrom dataclasses import dataclass\n\n\n")
    assert "\n\n\n@functools.cache\ndef tokenize(" in text  # held, then written in order
    ast.parse(text)
    assert dropped == len(answer.splitlines()) - len(text.splitlines())


def test_a_task_about_notes_keeps_the_example_s_names() -> None:
    from codecrdt.agents.prompts import _PYTHON_EXAMPLE

    request = outline_request("python", "a notes store: Note, load_notes, save_notes", "", "o")
    assert filtered(request, _PYTHON_EXAMPLE) == (_PYTHON_EXAMPLE, 0)


def test_a_copied_tsx_example_definition_is_dropped_to_its_closing_brace() -> None:
    request = outline_request("tsx", "a word counter component", "", "outliner")
    answer = (
        'import React, { useState } from "react";\n\ninterface Note {\n  title: string;\n'
        "  body: string;\n}\n\nfunction loadNotes(raw: string): Note[] {\n"
        "  // TODO(codecrdt:loadNotes ~8 lines): parse\n}\n\n"
        "export default function WordCounter() {\n"
        "  // TODO(codecrdt:WordCounter ~9 lines): count\n}\n"
    )
    text, dropped = filtered(request, answer, language=TSX)
    assert text == (
        'import React, { useState } from "react";\n\nexport default function WordCounter() {\n'
        "  // TODO(codecrdt:WordCounter ~9 lines): count\n}\n"
    )
    assert dropped == 9


class CopyingProvider(ScriptedProvider):
    """The scripted task, except that the first outline is the Outliner's example."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.requests: list[Request] = []

    async def stream(self, request: Request) -> AsyncIterator[StreamEvent]:
        from codecrdt.agents.prompts import _PYTHON_EXAMPLE

        self.requests.append(request)
        script = self.script
        if request.key == "outline" and len(self.requests) == 1:
            self.script = replace(script, outline=_PYTHON_EXAMPLE)
        try:
            async for event in super().stream(request):
                yield event
        finally:
            self.script = script


def test_an_outliner_that_copies_its_example_is_asked_again_and_the_run_passes() -> None:
    clock = Clock.virtual()
    provider = CopyingProvider(replace(TEMPERATURES, latency=FAST), seed=1, clock=clock)

    async def go() -> tuple[str, Report]:
        document = SharedDocument("")
        ctx = RunContext(provider, PYTHON, TEMPERATURES.spec, clock=clock)
        report = await generate(document, ctx, RunOptions(mode="parallel", agents=2, seed=1))
        return document.text, report

    text, report = run_virtual(go())
    outlines = [r for r in provider.requests if r.key == "outline"]
    assert len(outlines) == 2
    assert "copied the example of another task" in outlines[1].prompt
    assert "import json" in outlines[1].context  # the second request sees what stayed
    assert "load_notes" not in text and "class Note" not in text
    assert report.plan_off_spec == []
    assert all(t["status"] == "done" for t in report.todos) and len(report.todos) == 5
    result = check_file("temperatures", text)
    print(result.summary())
    assert result.failed == 0 and result.passed > 0

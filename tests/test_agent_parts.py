"""The agents' building blocks: markers, line shaping, scripts, the scripted provider,
retries, the virtual clock."""

from __future__ import annotations

import asyncio

import pytest

from codecrdt.agents.providers.base import (
    AuthError,
    BadRequest,
    Finished,
    ProviderTimeout,
    RateLimited,
    Request,
    TextDelta,
)
from codecrdt.agents.providers.retry import Restart, RetryPolicy, stream_with_retries
from codecrdt.agents.providers.scripted import ScriptedProvider
from codecrdt.agents.script import (
    Fault,
    Latency,
    ScriptError,
    assemble,
    bundled_scripts,
    load_script,
    parse_script,
)
from codecrdt.agents.shaping import LineShaper, MarkerRepair, strip_fences
from codecrdt.agents.virtual_time import SimulationStalled, run_virtual
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text
from codecrdt.bench.study import REAL_MODEL_TASKS
from codecrdt.clock import Clock
from codecrdt.markers import find_marker, marker_line, scan_markers

# -- markers -----------------------------------------------------------------------


def test_markers_in_every_comment_syntax_with_their_place() -> None:
    text = (
        "def f():\n"
        '    """Doc."""\n'
        "    # TODO(codecrdt:parse_args): read the CLI flags\n"
        "// TODO(codecrdt:use-Timer)\n"
        "      {/* TODO(codecrdt:Header): the title bar */}\n"
        "# TODO(codecrdt:partial"
    )
    markers = scan_markers(text)
    assert [(m.name, m.description, m.indent, m.line) for m in markers] == [
        ("parse_args", "read the CLI flags", "    ", 2),
        ("use-Timer", "", "", 3),
        ("Header", "the title bar", "      ", 4),
    ]
    first = markers[0]
    assert text[first.start : first.end] == "    # TODO(codecrdt:parse_args): read the CLI flags\n"
    assert find_marker(text, "Header") == markers[2]
    assert find_marker(text, "partial") is None  # a line still being written is not a marker
    assert find_marker(text, "missing") is None


def test_marker_lines_round_trip() -> None:
    for language, jsx in (("python", False), ("tsx", False), ("tsx", True)):
        line = marker_line(language, "x-1", "do it", "  ", jsx=jsx)
        (marker,) = scan_markers(line)
        assert (marker.name, marker.description, marker.indent) == ("x-1", "do it", "  ")


# -- shaping -------------------------------------------------------------------------


def test_a_streamed_answer_becomes_whole_lines_at_the_markers_indentation() -> None:
    shaper = LineShaper("    ")
    pieces = ["```python\n", "\n  if x:\n      ret", "urn 1\n\n", "  return 2", ""]
    lines = [line for piece in pieces for line in shaper.feed(piece)] + shaper.finish()
    assert "".join(lines) == "    if x:\n        return 1\n\n    return 2\n"
    assert strip_fences("```ts\nconst a = 1;\n```\n") == "const a = 1;\n"


def test_an_outlines_markers_are_repaired_and_their_names_kept_unique() -> None:
    repair = MarkerRepair()
    lines = [
        "def load(path):\n",
        "    # TODO: read the file\n",
        "    # TODO(codecrdt:load): again, by the model\n",
        "def save(path):\n",
        "    # TODO(codecrdt:save): write it\n",
        "    # TODO(codecrdt:save): write it\n",
        "x = 1  # not a TODO\n",
    ]
    assert [repair(line) for line in lines] == [
        "def load(path):\n",
        "    # TODO(codecrdt:load): read the file\n",
        "    # TODO(codecrdt:load-2): again, by the model\n",
        "def save(path):\n",
        "    # TODO(codecrdt:save): write it\n",
        "    # TODO(codecrdt:save-2): write it\n",
        "x = 1  # not a TODO\n",
    ]


# -- scripts -------------------------------------------------------------------------


#: The small tasks for real-model runs (docs/scripts.md): they plan no conflict.
SMALL_TASKS = set(REAL_MODEL_TASKS)


def test_bundled_scripts_assemble_to_files_with_exactly_their_planned_conflicts() -> None:
    scripts = {s.name: s for s in bundled_scripts()}
    assert {"inventory-cli", "pomodoro-timer"} <= scripts.keys()
    for script in scripts.values():
        spec = language_named(script.language)
        assert spec is not None
        assembled = assemble(script.outline, script.todos)
        assert "TODO(codecrdt:" not in assembled
        codes = sorted(f.code for f in analyze_text(assembled, spec))
        assert analyze_text(script.sequential, spec) == []
        if script.name in SMALL_TASKS:  # for real models: no planted conflict, short
            assert codes == [], script.name
            assert 30 <= len(assembled.splitlines()) < 100
            continue
        assert codes == ["duplicate-declaration", "duplicate-declaration", "duplicate-import"]
        assert len(assembled.splitlines()) >= 250


def test_a_broken_script_says_which_file_and_what_is_wrong(tmp_path) -> None:
    with pytest.raises(ScriptError, match=r"no script named 'nope'.*inventory-cli"):
        load_script("nope")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[task]\nname = "x"\nlanguage = "python"\nspec = "s"\n[outline]\ntext = """\n'
        '# TODO(codecrdt:a): thing\n"""\n'
    )
    with pytest.raises(ScriptError, match=r"bad\.toml: the outline's markers \['a'\]"):
        load_script(str(bad))
    with pytest.raises(ScriptError, match="kind must be one of"):
        parse_script(
            {
                "task": {"name": "x", "language": "python", "spec": "s"},
                "outline": {"text": "x = 1\n"},
                "faults": [{"key": "outline", "kind": "explode"}],
            },
            "inline",
        )


# -- the scripted provider ---------------------------------------------------------------

_SCRIPT = parse_script(
    {
        "task": {"name": "t", "language": "python", "spec": "s"},
        "outline": {"text": "# TODO(codecrdt:a): a\n"},
        "todos": {"a": {"text": "x = 1\ny = 2\n"}},
    },
    "inline",
)


def _request(key: str = "todo:a") -> Request:
    return Request("implementer", "system", "context", "prompt", key)


async def _collect(provider: ScriptedProvider, key: str = "todo:a") -> tuple[str, list[float]]:
    loop = asyncio.get_running_loop()
    start = loop.time()
    text, times = "", []
    async for event in provider.stream(_request(key)):
        if isinstance(event, TextDelta):
            text += event.text
            times.append(round(loop.time() - start, 9))
        else:
            assert isinstance(event, Finished)
            assert event.usage.output_tokens == 3  # 12 characters at 4 per token
    return text, times


def test_scripted_streams_at_the_modelled_pace_and_the_seed_fixes_the_schedule() -> None:
    latency = Latency(ttft_s=2.0, chars_per_s=100.0, jitter=0.0)
    text, times = run_virtual(_collect(ScriptedProvider(_SCRIPT, latency=latency)))
    assert text == "x = 1\ny = 2\n"
    assert times == [2.0, 2.04, 2.08]  # first token, then 4 characters per 40 ms

    jittered = Latency(ttft_s=2.0, chars_per_s=100.0, jitter=0.5)
    a = run_virtual(_collect(ScriptedProvider(_SCRIPT, latency=jittered, seed=3)))
    b = run_virtual(_collect(ScriptedProvider(_SCRIPT, latency=jittered, seed=3)))
    c = run_virtual(_collect(ScriptedProvider(_SCRIPT, latency=jittered, seed=4)))
    assert a == b
    assert a[1] != c[1]
    faster = run_virtual(
        _collect(ScriptedProvider(_SCRIPT, latency=latency, clock=Clock.virtual(time_scale=10)))
    )
    assert faster[1] == [0.2, 0.204, 0.208]


def test_scripted_faults_and_missing_answers() -> None:
    async def first_error(fault: Fault, key: str = "todo:a") -> Exception:
        provider = ScriptedProvider(_SCRIPT, faults=(fault,))
        with pytest.raises(Exception) as caught:
            await _collect(provider, key)
        return caught.value

    limited = run_virtual(first_error(Fault("todo:a", "rate_limit", retry_after_s=3.0)))
    assert isinstance(limited, RateLimited) and limited.retry_after == 3.0
    assert isinstance(run_virtual(first_error(Fault("todo:a", "auth"))), AuthError)
    missing = run_virtual(first_error(Fault("x", "auth"), key="todo:zzz"))
    assert isinstance(missing, BadRequest) and "no prepared answer for 'todo:zzz'" in str(missing)


def test_retries_wait_as_told_and_a_cut_stream_restarts() -> None:
    async def main() -> tuple[list[object], list[float]]:
        faults = (
            Fault("todo:a", "rate_limit", attempts=(1,), retry_after_s=7.0),
            Fault("todo:a", "disconnect", at_token=2, attempts=(2,)),
        )
        provider = ScriptedProvider(_SCRIPT, faults=faults, latency=Latency(jitter=0.0))
        waits: list[float] = []

        async def sleep(seconds: float) -> None:
            waits.append(seconds)

        events = [
            e async for e in stream_with_retries(provider, _request(), RetryPolicy(), sleep=sleep)
        ]
        return events, waits

    events, waits = run_virtual(main())
    assert waits[0] == 7.0  # the retry-after, not a shorter backoff
    restarts = [i for i, e in enumerate(events) if isinstance(e, Restart)]
    assert len(restarts) == 1
    after = "".join(e.text for e in events[restarts[0] :] if isinstance(e, TextDelta))
    assert after == "x = 1\ny = 2\n"


def test_a_silent_stream_times_out_and_is_retried_until_attempts_run_out() -> None:
    async def main() -> None:
        provider = ScriptedProvider(
            _SCRIPT, faults=(Fault("todo:a", "stall", at_token=1, attempts=(1, 2, 3)),)
        )
        policy = RetryPolicy(max_attempts=3, idle_timeout_s=5.0, base_delay_s=0.01)
        async for _ in stream_with_retries(provider, _request(), policy):
            pass

    with pytest.raises(ProviderTimeout, match="no answer for 5 s"):
        run_virtual(main())


def test_the_virtual_clock_jumps_and_reports_a_deadlock() -> None:
    async def sleeper() -> float:
        loop = asyncio.get_running_loop()
        await asyncio.gather(asyncio.sleep(3600), asyncio.sleep(10))
        return loop.time()

    assert run_virtual(sleeper()) == 3600

    async def stuck() -> None:
        await asyncio.Event().wait()

    with pytest.raises(SimulationStalled):
        run_virtual(stuck())


def test_an_outlines_python_stub_bodies_become_markers() -> None:
    """A skeleton's `pass`/`...`/`raise NotImplementedError` body is code still to be
    written: the Outliner's repair turns it into a marker named after the function, with
    the docstring's first line as its description. Real bodies, empty classes, one-line
    definitions and stubs that already have a TODO stay as they are."""
    repair = MarkerRepair("python")
    lines = [
        "from dataclasses import dataclass\n",
        "\n",
        "class Empty(Exception):\n",
        "    pass\n",
        "\n",
        "def add_task(tasks: list,\n",
        "             title: str) -> None:\n",
        '    """Append a new open task.\n',
        "\n",
        '    More words."""\n',
        "    pass\n",
        "\n",
        "class Box:\n",
        "    async def open(self) -> None:\n",
        '        """Open the box."""\n',
        "        ...\n",
        "    def size(self) -> int:\n",
        "        raise NotImplementedError('later')\n",
        "    def real(self) -> int:\n",
        "        return 1\n",
        "    def noted(self) -> None:\n",
        "        # TODO: fill this\n",
        "        pass\n",
        "def one(): pass\n",
        "class Other:\n",
        "    pass\n",
    ]
    assert "".join(repair(line) for line in lines) == "".join(
        [
            "from dataclasses import dataclass\n",
            "\n",
            "class Empty(Exception):\n",
            "    pass\n",
            "\n",
            "def add_task(tasks: list,\n",
            "             title: str) -> None:\n",
            '    """Append a new open task.\n',
            "\n",
            '    More words."""\n',
            "    # TODO(codecrdt:add_task): Append a new open task\n",
            "\n",
            "class Box:\n",
            "    async def open(self) -> None:\n",
            '        """Open the box."""\n',
            "        # TODO(codecrdt:open): Open the box\n",
            "    def size(self) -> int:\n",
            "        # TODO(codecrdt:size): write size\n",
            "    def real(self) -> int:\n",
            "        return 1\n",
            "    def noted(self) -> None:\n",
            "        # TODO(codecrdt:noted): fill this\n",
            "        pass\n",
            "def one(): pass\n",
            "class Other:\n",
            "    pass\n",
        ]
    )
    # Other languages keep their stubs (no Python rules apply to them).
    assert MarkerRepair("typescript")("    pass\n") == "    pass\n"

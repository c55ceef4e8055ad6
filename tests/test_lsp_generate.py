"""Generation over LSP: commands, notifications, progress, cancellation, undo, bad input.

A real client (pytest-lsp) with an editor buffer drives ``codecrdt serve`` over stdio; the
runs use the scripted provider, played fast (``timeScale``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from codecrdt.agents.script import load_script
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text
from lsp_support import TIMEOUT, EditorClient, Session, start_session

FAST = 40.0  # modelled delays 40 times faster


class Recorder:
    def __init__(self, client: EditorClient) -> None:
        self.notes: list[tuple[str, dict[str, Any]]] = []
        for method in ("codecrdt/runStarted", "codecrdt/agentActivity", "codecrdt/runFinished"):
            client.feature(method)(self._recorder(method))

    def _recorder(self, method: str) -> Any:
        def record(ls, params) -> None:
            self.notes.append((method, _plain(params)))

        return record

    def of(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.notes if name == method]

    async def finished(self, run_id: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for params in self.of("codecrdt/runFinished"):
                if params["runId"] == run_id:
                    return params
            await asyncio.sleep(0.05)
        raise AssertionError(f"no runFinished for {run_id}")


def _plain(value: Any) -> Any:
    """A notification's params as plain JSON values (pygls hands over named tuples)."""
    if hasattr(value, "_asdict"):
        value = value._asdict()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.fixture
def unconfigured(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key and no base URL in the server's environment (it inherits this one)."""
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def session(
    tmp_path: Path, unconfigured: None
) -> AsyncIterator[tuple[EditorClient, Recorder, Path]]:
    started: Session = await start_session("stdio")
    client = started.client
    recorder = Recorder(client)
    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            apply_edit=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        ),
        window=types.WindowClientCapabilities(work_done_progress=True),
    )
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="w")],
        )
    )
    client.initialize_result = result
    try:
        yield client, recorder, tmp_path
    finally:
        await started.close()


def _open(client: EditorClient, path: Path, text: str = "") -> str:
    uri = path.as_uri()
    client.open(uri, text)
    return uri


async def _error(client: EditorClient, name: str, **arguments: Any) -> str:
    with pytest.raises(JsonRpcException) as caught:
        await client.command(name, **arguments)
    return str(caught.value)


async def test_generate_writes_the_open_document_with_notifications_and_progress(session):
    client, recorder, folder = session
    uri = _open(client, folder / "inventory.py")
    answer = await client.command(
        "codecrdt.generate",
        uri=uri,
        script="inventory-cli",
        provider="scripted",
        timeScale=FAST,
        wait=True,
    )
    report = answer["report"]
    assert answer["runId"].startswith("run-")
    assert report["stopped_by"] is None and report["converged"] is True
    assert report["double_claims"] == 0 and report["lost_todos"] == 0
    # The task's three planned duplicates: each kept out as it streamed (prevented) or
    # found and fixed by the Evaluator.
    conflicts = report["conflicts"]
    assert report["prevented"] + conflicts["found"] == 3
    assert conflicts["fixed_deterministic"] + conflicts["fixed_model"] == conflicts["found"]
    assert conflicts["left"] == 0
    assert report["prevented"] == sum(report["prevented_by_agent"].values())
    state = await client.converged(uri)
    text = client.buffers[uri].text
    assert state["text"] == text
    assert "TODO(codecrdt:" not in text
    spec = language_named("python")
    assert spec is not None and analyze_text(text, spec) == []

    # No mode given: auto, which chose parallel for this ten-TODO task, and said why.
    (started,) = recorder.of("codecrdt/runStarted")
    choice = started.pop("modeChoice")
    assert started == {"runId": answer["runId"], "uri": uri, "mode": "parallel", "agents": 3}
    assert (choice["requested"], choice["mode"]) == ("auto", "parallel")
    assert choice["reason"].startswith("auto chose parallel: estimated ")
    assert report["mode"] == "parallel" and report["mode_choice"] == choice
    finished = await recorder.finished(answer["runId"])
    assert finished["report"]["final_text_sha256"] == report["final_text_sha256"]
    assert finished["report"]["mode_choice"]["reason"] == choice["reason"]
    assert finished["report"]["prevented"] == report["prevented"]
    assert finished["report"]["prevented_declarations"] == report["prevented_declarations"]
    activity = recorder.of("codecrdt/agentActivity")
    states = {a["state"] for note in activity for a in note["agents"]}
    assert {"writing", "done"} <= states
    assert all(note["runId"] == answer["runId"] and note["uri"] == uri for note in activity)
    with_ranges = [
        (note["version"], a)
        for note in activity
        for a in note["agents"]
        if a["state"] == "writing" and a["role"] == "implementer" and a["range"]
    ]
    assert with_ranges, "implementers' regions were reported while they wrote"
    for version, agent in with_ranges:
        assert isinstance(version, int)
        assert agent["range"]["start"]["line"] <= agent["range"]["end"]["line"]

    token = f"codecrdt/{answer['runId']}"
    kinds = [type(value).__name__ for value in client.progress_reports[token]]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    assert "WorkDoneProgressReport" in kinds
    begin = client.progress_reports[token][0]
    assert begin.cancellable is True and "inventory.py" in begin.title


async def test_the_user_types_during_a_run_and_keeps_every_character(session):
    client, recorder, folder = session
    uri = _open(client, folder / "inventory.py", "# notes\n")
    answer = await client.command(
        "codecrdt.generate", uri=uri, script="inventory-cli", provider="scripted", timeScale=10
    )
    for word in ("alpha ", "beta ", "gamma "):
        await asyncio.sleep(0.3)
        client.type(uri, 2, 2, word)  # inside the user's own comment line
    await recorder.finished(answer["runId"])
    await client.converged(uri)
    assert client.buffers[uri].text.startswith("# gamma beta alpha notes\n")


async def test_cancel_status_and_undo(session):
    client, recorder, folder = session
    uri = _open(client, folder / "inventory.py", "# mine\n")
    answer = await client.command(
        "codecrdt.generate", uri=uri, script="inventory-cli", provider="scripted", timeScale=5
    )
    run_id = answer["runId"]
    await asyncio.sleep(1.5)
    (status,) = await client.command("codecrdt.status", runId=run_id)
    assert status["state"] == "running" and status["report"] is None
    cancelled = await client.command("codecrdt.cancel", runId=run_id)
    assert cancelled == {"runId": run_id, "state": "cancelling"}
    finished = await recorder.finished(run_id)
    assert finished["report"]["stopped_by"] == "cancel"
    (status,) = await client.command("codecrdt.status", runId=run_id)
    assert status["state"] == "cancelled"
    await client.converged(uri)

    undone = await client.command("codecrdt.undoRun", runId=run_id)
    assert undone == {"runId": run_id, "undone": True} or not undone["undone"]
    state = await client.converged(uri)
    assert state["text"] == "# mine\n"


async def test_undo_removes_a_finished_runs_text_and_keeps_the_users(session):
    client, recorder, folder = session
    uri = _open(client, folder / "inventory.py", "# top\n")
    answer = await client.command(
        "codecrdt.generate", uri=uri, script="inventory-cli", provider="scripted", timeScale=FAST
    )
    await asyncio.sleep(0.5)
    client.type(uri, 5, 5, " typed")  # "# top typed\n" while the agents write
    await recorder.finished(answer["runId"])
    await client.converged(uri)
    assert len(client.buffers[uri].text) > 5000
    assert (await client.command("codecrdt.undoRun", runId=answer["runId"]))["undone"] is True
    state = await client.converged(uri)
    assert state["text"] == "# top typed\n"


async def test_generate_into_a_file_that_is_not_open(session):
    client, recorder, folder = session
    path = folder / "PomodoroTimer.tsx"
    answer = await client.command(
        "codecrdt.generate",
        uri=path.as_uri(),
        script="pomodoro-timer",
        provider="scripted",
        timeScale=FAST,
        wait=True,
    )
    assert answer["report"]["stopped_by"] is None
    await recorder.finished(answer["runId"])
    text = path.read_text(encoding="utf-8")
    assert text == load_script("pomodoro-timer").sequential or "TODO(codecrdt:" not in text
    spec = language_named("tsx")
    assert spec is not None and analyze_text(text, spec) == []


async def test_bad_arguments_get_clear_errors(session):
    client, recorder, folder = session
    uri = _open(client, folder / "a.py")
    assert "no run with id 'run-nope'" in await _error(client, "codecrdt.cancel", runId="run-nope")
    assert "no run with id" in await _error(client, "codecrdt.undoRun", runId="run-nope")
    assert "no run with id" in await _error(client, "codecrdt.status", runId=7)
    assert "give spec, or script" in await _error(
        client, "codecrdt.generate", uri=uri, provider="scripted"
    )
    outside = Path("/tmp/elsewhere/b.py").as_uri()
    assert "outside the workspace" in await _error(
        client, "codecrdt.generate", uri=outside, script="inventory-cli", provider="scripted"
    )
    assert "agents must be" in await _error(
        client, "codecrdt.generate", uri=uri, script="inventory-cli", provider="scripted", agents=0
    )
    assert "is tsx, but the document is python" in await _error(
        client, "codecrdt.generate", uri=uri, script="pomodoro-timer", provider="scripted"
    )
    first = await client.command(
        "codecrdt.generate", uri=uri, script="inventory-cli", provider="scripted", timeScale=5
    )
    assert "already writing" in await _error(
        client, "codecrdt.generate", uri=uri, script="inventory-cli", provider="scripted"
    )
    assert "still running" in await _error(client, "codecrdt.undoRun", runId=first["runId"])
    await client.command("codecrdt.cancel", runId=first["runId"])
    await recorder.finished(first["runId"])
    assert await client.state(uri)  # the server still answers


async def test_without_a_configured_provider_generate_is_refused_and_writes_nothing(session):
    client, recorder, folder = session
    uri = _open(client, folder / "snake.py")
    with pytest.raises(JsonRpcException) as caught:
        await client.command("codecrdt.generate", uri=uri, spec="a snake game", wait=True)
    error = caught.value
    assert error.code == -32602  # InvalidParams
    assert error.data == {"reason": "noProvider"}  # a client offers to configure one
    message = str(error)
    for advice in (
        "no model provider is configured",
        "ANTHROPIC_API_KEY or OPENAI_API_KEY in the server's environment",
        "give baseUrl URL for a local OpenAI-compatible server",
        'set the provider to "scripted" for the offline demo',
    ):
        assert advice in message
    await asyncio.sleep(0.3)
    assert recorder.of("codecrdt/runStarted") == []
    assert (await client.state(uri))["text"] == ""  # no prepared output in the user's file
    # Named, the scripted provider runs.
    answer = await client.command(
        "codecrdt.generate", uri=uri, script="inventory-cli", provider="scripted", timeScale=FAST
    )
    finished = await recorder.finished(answer["runId"])
    assert finished["report"]["provider"] == "scripted"


async def test_the_offline_demo_writes_a_new_untitled_document(session):
    """What VS Code's "Run the Offline Demo" does: the scripted provider and a bundled task,
    named, into an untitled document (its language is the document's: it has no suffix)."""
    client, recorder, _folder = session
    uri = "untitled:Untitled-1"
    client.open(uri, "")
    answer = await client.command(
        "codecrdt.generate",
        uri=uri,
        provider="scripted",
        script="inventory-cli",
        timeScale=FAST,
        wait=True,
    )
    assert answer["report"]["provider"] == "scripted"
    assert answer["report"]["model"] == "prepared:inventory-cli"
    assert "savedTo" not in answer  # nothing on disk: the editor holds it
    text = (await client.converged(uri))["text"]
    assert "def main(" in text and "TODO(codecrdt:" not in text
    assert recorder.of("codecrdt/runStarted")[0]["uri"] == uri


async def test_evaluate_without_a_provider_makes_the_deterministic_fixes_and_says_why_not_more(
    session,
):
    client, _recorder, folder = session
    text = (
        "import os\nimport os\n\n\ndef f():\n    return os.sep\n\n\n"
        "def g():\n    return 1\n\n\ndef g():\n    return 2\n"
    )
    uri = _open(client, folder / "e.py", text)
    result = await client.command("codecrdt.evaluate", uri=uri)
    assert result["found"] == 2 and result["fixedDeterministic"] == 1
    assert result["fixedModel"] == 0
    # The two different g need a model: left, with how to configure one.
    assert [entry["name"] for entry in result["left"]] == ["g"]
    assert result["errors"] and all(
        "no model provider is configured" in error for error in result["errors"]
    )
    state = await client.converged(uri)
    assert state["text"].count("import os") == 1 and state["text"].count("def g") == 2


async def test_the_client_cancels_through_progress(session):
    client, recorder, folder = session
    uri = _open(client, folder / "inventory.py")
    answer = await client.command(
        "codecrdt.generate", uri=uri, script="inventory-cli", provider="scripted", timeScale=5
    )
    token = f"codecrdt/{answer['runId']}"
    deadline = time.monotonic() + TIMEOUT
    while not client.progress_reports.get(token):
        assert time.monotonic() < deadline, "no progress began"
        await asyncio.sleep(0.05)
    client.protocol.notify(
        types.WINDOW_WORK_DONE_PROGRESS_CANCEL, types.WorkDoneProgressCancelParams(token=token)
    )
    finished = await recorder.finished(answer["runId"])
    assert finished["report"]["stopped_by"] == "cancel"


async def test_evaluate_fixes_the_conflicts_of_an_open_document(session):
    client, _recorder, folder = session
    text = "import os\nimport os\n\n\ndef f():\n    return os.sep\n"
    uri = _open(client, folder / "c.py", text)
    result = await client.command("codecrdt.evaluate", uri=uri)
    assert result["found"] == 1 and result["fixedDeterministic"] == 1 and result["left"] == []
    state = await client.converged(uri)
    assert state["text"].count("import os") == 1


async def test_invalid_settings_are_reported_and_valid_ones_apply(session):
    client, _recorder, folder = session
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"codecrdt": {"agents": 0, "mode": "x"}})
    )
    warning = await client.warning("agents must be from 1 to 64")
    assert "keeping 3" in warning.message
    await client.warning("mode must be one of auto, parallel, sequential")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"codecrdt": {"agents": 2, "provider": "scripted", "script": "inventory-cli"}}
        )
    )
    uri = _open(client, folder / "inventory.py")
    await asyncio.sleep(0.2)
    answer = await client.command("codecrdt.generate", uri=uri, timeScale=FAST, wait=True)
    assert answer["report"]["agents"] == 2
    assert answer["report"]["provider"] == "scripted"


async def test_generate_without_a_mode_writes_a_small_task_alone_on_a_slow_server(session):
    """The settings' default mode is auto: a two-TODO task on a server with the local-cpu
    preset's prefill (40 tokens/s, shared) is written by one agent; a mode in the
    command, or set in the settings, wins."""
    from test_automode import SLOW_SCRIPT

    client, recorder, folder = session
    script = folder / "slow.toml"
    script.write_text(SLOW_SCRIPT, encoding="utf-8")
    arguments = {"script": str(script), "provider": "scripted", "timeScale": 1000, "wait": True}
    uri = _open(client, folder / "a.py")
    answer = await client.command("codecrdt.generate", uri=uri, **arguments)
    report = answer["report"]
    assert report["mode"] == "sequential" and report["stopped_by"] is None
    assert report["mode_choice"]["mode"] == "sequential"
    assert "auto chose sequential" in report["mode_choice"]["reason"]
    started = recorder.of("codecrdt/runStarted")[-1]
    assert started["mode"] == "sequential" and started["modeChoice"]["mode"] == "sequential"
    assert (await client.converged(uri))["text"].count("def ") == 2

    other = _open(client, folder / "b.py")
    answer = await client.command("codecrdt.generate", uri=other, mode="parallel", **arguments)
    assert answer["report"]["mode"] == "parallel" and answer["report"]["mode_choice"] is None

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"codecrdt": {"mode": "parallel"}})
    )
    await asyncio.sleep(0.2)
    third = _open(client, folder / "c.py")
    answer = await client.command("codecrdt.generate", uri=third, **arguments)
    assert answer["report"]["mode"] == "parallel" and answer["report"]["mode_choice"] is None
    assert recorder.of("codecrdt/runStarted")[-1]["modeChoice"] is None


async def test_a_model_run_over_lsp_is_measured_for_the_next_auto(session):
    """The server keeps what a run with a model measured (the test session's measurements
    file, which the server inherits), keyed by provider, model and endpoint."""
    import os

    from codecrdt.agents.measurements import MeasurementStore, ProviderKey, safe_endpoint
    from fake_model_servers import FakeModelServer, Stream

    client, _recorder, folder = session
    code = "def double(x):\n    return 2 * x\n"
    with FakeModelServer("openai") as fake:
        fake.script(*[Stream(code, chunks=5, input_tokens=90, output_tokens=11)] * 3)
        arguments = {"provider": "openai", "baseUrl": fake.url, "model": "tiny-lsp", "wait": True}
        uri = _open(client, folder / "d.py")
        answer = await client.command(
            "codecrdt.generate", uri=uri, spec="a double function", **arguments
        )
    report = answer["report"]
    endpoint = safe_endpoint(fake.url)
    assert report["stopped_by"] is None, report["error"]
    assert report["mode"] == "sequential"  # a local server, nothing measured: local-cpu
    assert report["mode_choice"]["speeds"]["source"] == (
        f"no measurement of openai tiny-lsp at {endpoint} yet: the local-cpu preset's figures"
    )
    store = MeasurementStore(Path(os.environ["CODECRDT_MEASUREMENTS"]))
    timings = store.requests(ProviderKey("openai", "tiny-lsp", endpoint))
    assert [(t.role, t.input_tokens, t.output_tokens) for t in timings] == [("sequential", 90, 11)]


QUIET_SCRIPT = """format = 1

[task]
name = "quiet-while-writing"
title = "Two functions, one left broken"
language = "python"
file = "numbers.py"
spec = "Two functions."

[latency]
ttft_s = 0.05
chars_per_s = 400.0
jitter = 0.0
chars_per_token = 4.0
tokens_per_event = 1

[outline]
text = '''
# Numbers.


# TODO(codecrdt:parse): a function that parses a number


# TODO(codecrdt:broken): a function left broken
'''

[todos.parse]
text = '''
def parse(text):
    return int(
        text,
    )
'''

[todos.broken]
text = '''
def broken(:
    return 1
'''

[[faults]]
key = "todo:parse"
kind = "stall"
at_token = 9
stall_s = 3.0
"""


def _syntax_rows(diagnostics: Any) -> list[tuple[int, int]]:
    return [(d.range.start.line, d.range.end.line) for d in diagnostics if d.code == "syntax-error"]


async def test_findings_in_a_region_still_being_written_are_held_back(session):
    """Mid-statement, the file has a syntax error in the region an agent is writing: it is
    neither pushed nor pulled while the agent writes there, and once the region is done,
    a syntax error still there is shown."""
    client, recorder, folder = session
    script = folder / "quiet.toml"
    script.write_text(QUIET_SCRIPT, encoding="utf-8")
    uri = _open(client, folder / "numbers.py")
    answer = await client.command(
        "codecrdt.generate",
        uri=uri,
        script=str(script),
        provider="scripted",
        agents=1,
        mode="parallel",
    )
    # The stall: the agent has written "def parse(text):" and "    return int(" only.
    deadline = time.monotonic() + TIMEOUT
    while "    return int(\n" not in (state := await client.state(uri))["text"]:
        assert time.monotonic() < deadline, state["text"]
        await asyncio.sleep(0.05)
    text = state["text"]
    assert "        text,\n" not in text
    # The analysis reports the unfinished statement (what an editor would show without
    # holding back): its rows are those of the region being written.
    python = language_named("python")
    assert python is not None
    broken_rows = [
        (f.start_point[0], f.end_point[0])
        for f in analyze_text(text, python)
        if f.code == "syntax-error"
    ]
    written_at = text.splitlines().index("def parse(text):")
    assert broken_rows and all(start >= written_at for start, _end in broken_rows), broken_rows
    await asyncio.sleep(1.0)  # the analysis after the last line has long been published
    assert (await client.state(uri))["text"] == text  # still stalled
    assert _syntax_rows(client.diagnostics.get(uri, [])) == []
    pulled = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert _syntax_rows(pulled.items) == []
    # The run ends: parse is complete (no error), broken is left broken and now shown.
    finished = await recorder.finished(answer["runId"])
    assert [t["status"] for t in finished["report"]["todos"]] == ["done", "done"]
    final = (await client.converged(uri))["text"]
    expected = [
        (f.start_point[0], f.end_point[0])
        for f in analyze_text(final, python)
        if f.code == "syntax-error"
    ]
    broken_line = final.splitlines().index("def broken(:")
    assert expected and expected[0][0] == broken_line
    deadline = time.monotonic() + TIMEOUT
    while _syntax_rows(client.diagnostics.get(uri, [])) != expected:
        assert time.monotonic() < deadline, client.diagnostics.get(uri)
        await asyncio.sleep(0.05)
    pulled = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert _syntax_rows(pulled.items) == expected


OUTLINE_SCRIPT = """format = 1

[task]
name = "quiet-outline"
title = "An outline that stalls mid-statement"
language = "python"
file = "numbers.py"
spec = "One function."

[latency]
ttft_s = 0.05
chars_per_s = 400.0
jitter = 0.0
chars_per_token = 4.0
tokens_per_event = 1

[outline]
text = '''
# Numbers.


def parse(text):
    return int(
        text,
    )


# TODO(codecrdt:tail): a constant
'''

[todos.tail]
text = '''
TAIL = 1
'''

[[faults]]
key = "outline"
kind = "stall"
at_token = 12
stall_s = 3.0
"""


async def test_the_outline_being_written_is_quiet_and_findings_elsewhere_are_shown(session):
    client, recorder, folder = session
    script = folder / "outline.toml"
    script.write_text(OUTLINE_SCRIPT, encoding="utf-8")
    uri = _open(client, folder / "numbers.py", "import os\nimport os\n")
    answer = await client.command(
        "codecrdt.generate",
        uri=uri,
        script=str(script),
        provider="scripted",
        agents=1,
        mode="parallel",
    )
    deadline = time.monotonic() + TIMEOUT
    while "    return int(\n" not in (state := await client.state(uri))["text"]:
        assert time.monotonic() < deadline, state["text"]
        await asyncio.sleep(0.05)
    text = state["text"]
    python = language_named("python")
    assert python is not None
    codes = {f.code for f in analyze_text(text, python)}
    assert {"syntax-error", "duplicate-import"} <= codes  # what an editor would show
    await asyncio.sleep(1.0)
    assert (await client.state(uri))["text"] == text  # the Outliner is still stalled
    shown = [(d.code, d.range.start.line) for d in client.diagnostics.get(uri, [])]
    assert ("duplicate-import", 1) in shown  # outside the region: shown as always
    assert all(code != "syntax-error" for code, _line in shown), shown
    finished = await recorder.finished(answer["runId"])
    assert finished["report"]["todos"][0]["status"] == "done"

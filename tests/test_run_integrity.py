"""A run keeps what is not its own and fails loudly (issue 11, items 4, 5, 7 and 10).

- Lines saved to the file while a run writes it (CLI, or LSP on an unopened file) are in
  the file the run writes at the end, beside the agents' code.
- One run per file, however its URI is spelled.
- Closing a document mid-run cancels the run and writes what it finished to the file.
- A run that fails sends ``codecrdt/runFinished`` with ``stopped_by: "error"``, ends its
  progress, and its finished work is kept (beside the target when the target is gone).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from codecrdt.cli import main
from codecrdt.diskedits import replacements
from codecrdt.fileuri import file_key, file_path
from codecrdt.sourcefile import save_work
from fake_model_servers import FakeModelServer, Garbage
from lsp_support import SERVER, TIMEOUT, EditorClient, Session, start_session
from test_lsp_generate import Recorder

HEADER = "# written by a run\n"
SAVED = "SAVED_BY_THE_USER = 1\n"

#: A server whose Evaluator fails: every run stops with an unexpected exception after its
#: implementers finished.
FAILING_SERVER = [
    sys.executable,
    "-c",
    "import runpy, sys\n"
    "from codecrdt.agents import evaluator\n"
    "async def boom(self, *args, **kwargs):\n"
    "    raise RuntimeError('injected failure')\n"
    "evaluator.Evaluator.run = boom\n"
    "sys.argv = ['codecrdt', 'serve', '--test-commands']\n"
    "runpy.run_module('codecrdt', run_name='__main__')\n",
]


async def _session(folder: Path, server: list[str]) -> tuple[Session, Recorder]:
    started = await start_session("stdio", server)
    client = started.client
    recorder = Recorder(client)
    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            apply_edit=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        ),
        window=types.WindowClientCapabilities(work_done_progress=True),
    )
    client.initialize_result = await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=folder.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="w")],
        )
    )
    return started, recorder


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[tuple[EditorClient, Recorder, Path]]:
    started, recorder = await _session(tmp_path, SERVER)
    try:
        yield started.client, recorder, tmp_path
    finally:
        await started.close()


async def _error(client: EditorClient, name: str, **arguments: Any) -> str:
    with pytest.raises(JsonRpcException) as caught:
        await client.command(name, **arguments)
    return str(caught.value)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _generate(uri: str, **more: Any) -> dict[str, Any]:
    return {"uri": uri, "script": "inventory-cli", "provider": "scripted", **more}


# -- item 5: one run per file --------------------------------------------------------------


def test_the_spellings_of_one_file_have_one_key(tmp_path: Path) -> None:
    path = tmp_path / "h.py"
    base = tmp_path.as_uri()
    spellings = [f"{base}/h.py", f"{base}/./h.py", f"{base}//h.py", f"{base}/%68.py"]
    spellings.append(f"file://localhost{tmp_path}/h.py")
    assert {file_key(uri) for uri in spellings} == {str(path.resolve())}
    assert file_path("untitled:Untitled-1") is None
    assert file_path("file://elsewhere/h.py") is None
    assert file_key("untitled:Untitled-1") == "untitled:Untitled-1"


async def test_one_run_per_file_however_its_uri_is_spelled(session) -> None:
    client, recorder, folder = session
    (folder / "h.py").write_text("", encoding="utf-8")
    base = folder.as_uri()
    first = await client.command("codecrdt.generate", **_generate(f"{base}/h.py", timeScale=2))
    for spelling in (f"{base}/./h.py", f"{base}//h.py", f"{base}/%68.py"):
        message = await _error(client, "codecrdt.generate", **_generate(spelling))
        assert "a run is already writing" in message, spelling
    await client.command("codecrdt.cancel", runId=first["runId"])
    await recorder.finished(first["runId"])
    # file://localhost/… is the same local file, inside the workspace.
    localhost = f"file://localhost{folder}/h.py"
    second = await client.command("codecrdt.generate", **_generate(localhost, timeScale=2))
    assert "already writing" in await _error(
        client, "codecrdt.generate", **_generate(base + "/h.py")
    )
    await client.command("codecrdt.cancel", runId=second["runId"])
    await recorder.finished(second["runId"])


async def test_a_run_on_another_spelling_of_an_open_file_writes_the_open_document(
    session,
) -> None:
    client, recorder, folder = session
    uri = (folder / "h.py").as_uri()
    client.open(uri, "")
    other = f"{folder.as_uri()}/./%68.py"
    answer = await client.command("codecrdt.generate", **_generate(other, timeScale=40, wait=True))
    assert answer["report"]["stopped_by"] is None
    assert recorder.of("codecrdt/runStarted")[0]["uri"] == uri
    state = await client.converged(uri)
    assert "def " in state["text"] and "TODO(codecrdt:" not in state["text"]


# -- item 4: lines saved during a run ------------------------------------------------------


async def _append_when_written(path: Path, line: str, after_s: float = 1.0) -> None:
    await asyncio.sleep(after_s)
    with path.open("a", encoding="utf-8") as file:
        file.write(line)


def _assert_both(text: str) -> None:
    assert SAVED in text, text
    assert text.startswith(HEADER)
    assert "def " in text and "TODO(codecrdt:" not in text


async def test_lsp_a_line_saved_mid_run_is_in_the_written_file(session) -> None:
    client, recorder, folder = session
    path = folder / "inventory.py"
    path.write_text(HEADER, encoding="utf-8")
    answer = await client.command("codecrdt.generate", **_generate(path.as_uri(), timeScale=10))
    await _append_when_written(path, SAVED)
    finished = await recorder.finished(answer["runId"])
    assert finished["report"]["stopped_by"] is None
    assert finished["savedTo"] == str(path)
    _assert_both(path.read_text(encoding="utf-8"))


def test_cli_a_line_saved_mid_run_is_in_the_written_file(tmp_path: Path) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(HEADER, encoding="utf-8")
    process = _cli_run(tmp_path, "inventory.py")
    _wait_started(process)
    with path.open("a", encoding="utf-8") as file:
        file.write(SAVED)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    _assert_both(path.read_text(encoding="utf-8"))


# -- item 7: closing a document with a run -------------------------------------------------


async def test_closing_a_document_cancels_its_run_and_writes_the_finished_work(session) -> None:
    client, recorder, folder = session
    path = folder / "inventory.py"
    uri = path.as_uri()
    client.open(uri, "")
    answer = await client.command("codecrdt.generate", **_generate(uri, timeScale=4))
    deadline = time.monotonic() + 60
    while not {"outliner", "implementer"} <= {  # wait for the outline and a finished TODO
        a["role"]
        for note in recorder.of("codecrdt/agentActivity")
        for a in note["agents"]
        if a["state"] == "done"
    }:
        assert time.monotonic() < deadline, "no TODO finished"
        await asyncio.sleep(0.05)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    finished = await recorder.finished(answer["runId"], timeout=TIMEOUT)
    report = finished["report"]
    assert report["stopped_by"] == "cancel", finished
    assert finished["savedTo"] == str(path)
    text = path.read_text(encoding="utf-8")
    assert _sha(text) == report["final_text_sha256"]
    done = [t["name"] for t in report["todos"] if t["status"] == "done"]
    assert done and "def " in text
    token = f"codecrdt/{answer['runId']}"
    assert type(client.progress_reports[token][-1]).__name__ == "WorkDoneProgressEnd"
    # Reopened, the file takes a new run.
    client.open(uri, text)
    again = await client.command("codecrdt.generate", **_generate(uri, timeScale=4))
    await client.command("codecrdt.cancel", runId=again["runId"])
    await recorder.finished(again["runId"])


# -- item 10: failing runs -----------------------------------------------------------------


async def test_a_run_that_raises_is_reported_as_failed_with_its_reason(tmp_path: Path) -> None:
    started, recorder = await _session(tmp_path, FAILING_SERVER)
    client = started.client
    try:
        uri = (tmp_path / "inventory.py").as_uri()
        client.open(uri, "")
        answer = await client.command("codecrdt.generate", **_generate(uri, timeScale=40))
        finished = await recorder.finished(answer["runId"])
        report = finished["report"]
        assert report["stopped_by"] == "error"
        assert report["error"] == "RuntimeError: injected failure"
        assert [t["status"] for t in report["todos"]] == ["done"] * len(report["todos"])
        token = f"codecrdt/{answer['runId']}"
        end = client.progress_reports[token][-1]
        assert type(end).__name__ == "WorkDoneProgressEnd"
        assert "injected failure" in (end.message or "")
        [status] = await client.command("codecrdt.status", runId=answer["runId"])
        assert status["state"] == "failed"
        state = await client.converged(uri)  # the finished work stays in the buffer
        assert "def " in state["text"] and "TODO(codecrdt:" not in state["text"]
    finally:
        await started.close()


def _wait_started(process: subprocess.Popen[str]) -> None:
    """Until the run has read its file and begun (its first line), and a second more."""
    assert process.stderr is not None
    assert "scripted provider" in process.stderr.readline()
    time.sleep(1.0)


def _cli_run(folder: Path, out: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "codecrdt", "demo", "inventory-cli"),
            *("--out", out, "--time-scale", "10", "--quiet"),
        ],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_the_output_folder_removed_mid_run_keeps_the_work_beside_it(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    process = _cli_run(tmp_path, "sub/inventory.py")
    _wait_started(process)
    shutil.rmtree(tmp_path / "sub")
    _out, err = process.communicate(timeout=120)
    err = " ".join(err.split())
    assert process.returncode == 1, err
    recovered = tmp_path / "inventory.codecrdt-recovered.py"
    assert f"could not write {tmp_path / 'sub' / 'inventory.py'}" in err
    assert str(recovered) in err
    assert "Traceback" not in err
    text = recovered.read_text(encoding="utf-8")
    assert "def " in text and "TODO(codecrdt:" not in text


def test_cli_a_stream_of_garbage_stops_the_run_with_exit_1_not_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "h.py").write_text(HEADER, encoding="utf-8")
    with FakeModelServer("openai") as server:
        server.script(*[Garbage("x = 1\n", after=1)] * 40)
        status = main(
            [
                *("generate", "--provider", "openai", "--base-url", server.url, "--model", "m"),
                *("--spec", "a tiny module", "--out", "h.py", "--agents", "1", "--quiet"),
                *("--mode", "parallel"),
            ]
        )
    err = " ".join(capsys.readouterr().err.split())
    assert status == 1, err
    assert "the run stopped early (error: openai: m: the stream could not be read" in err
    assert (tmp_path / "h.py").read_text(encoding="utf-8") == HEADER  # taken back


def test_replacements_turn_the_old_text_into_the_new() -> None:
    rng = random.Random(11)
    alphabet = ["a", "b", "\n", "é", "😀", "x = 1\n", "\r\n"]
    for _ in range(300):
        old = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        new = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        text = old
        for start, end, inserted in reversed(replacements(old, new)):
            text = text[:start] + inserted + text[end:]
        assert text == new, (old, new)


def test_save_work_falls_back_to_a_recovered_copy(tmp_path: Path) -> None:
    target = tmp_path / "gone" / "h.py"
    saved = save_work(target, "x = 1\n", fallbacks=[tmp_path])
    assert saved.recovered and saved.path == tmp_path / "h.codecrdt-recovered.py"
    assert saved.error == "No such file or directory"
    again = save_work(target, "x = 2\n", fallbacks=[tmp_path])
    assert again.path == tmp_path / "h.codecrdt-recovered-2.py"  # the first copy is kept
    assert saved.path.read_text(encoding="utf-8") == "x = 1\n"
    written = save_work(tmp_path / "h.py", "y\n")
    assert not written.recovered and written.path.read_text(encoding="utf-8") == "y\n"


async def test_lsp_the_folder_removed_mid_run_keeps_the_work_in_a_recovered_copy(
    session,
) -> None:
    client, recorder, folder = session
    (folder / "sub").mkdir()
    path = folder / "sub" / "inventory.py"
    answer = await client.command("codecrdt.generate", **_generate(path.as_uri(), timeScale=10))
    await asyncio.sleep(1.0)
    shutil.rmtree(folder / "sub")
    finished = await recorder.finished(answer["runId"])
    recovered = folder / "inventory.codecrdt-recovered.py"
    assert finished["savedTo"] == str(recovered)
    assert finished["saveError"] == "No such file or directory"
    text = recovered.read_text(encoding="utf-8")
    assert _sha(text) == finished["report"]["final_text_sha256"]
    assert "def " in text and "TODO(codecrdt:" not in text
    warning = await client.warning("could not write inventory.py")
    assert str(recovered) in warning.message

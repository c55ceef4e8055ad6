"""The command line as a user runs it: version, selfcheck, and the replay benchmark."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

from codecrdt import __version__

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codecrdt", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"codecrdt {__version__}"


def test_selfcheck_converges_on_the_example() -> None:
    result = run("selfcheck", "examples/hello.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "result:      converged: editor buffer and shared document are identical" in (
        result.stdout
    )
    assert "0 missing, 0 doubled" in result.stdout
    assert "conflicts:   none reported by the analysis" in result.stdout


def test_selfcheck_refuses_files_it_cannot_mirror(tmp_path: Path) -> None:
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"PNG\x00\x01\x02")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café".encode("latin-1"))
    for path, message in [
        (binary, "not text (it contains NUL bytes)"),
        (latin1, "not UTF-8 text"),
        (tmp_path / "missing.py", "no such file"),
    ]:
        result = run("selfcheck", str(path))
        assert result.returncode == 2
        assert message in result.stderr
        assert result.stdout == ""


def _write_trace(path: Path, start: str, patches: list[list[object]]) -> str:
    text = start
    for pos, deleted, inserted in patches:
        text = text[: int(pos)] + str(inserted) + text[int(pos) + int(deleted) :]  # type: ignore[arg-type]
    data = {
        "startContent": start,
        "endContent": text,
        "txns": [{"time": "t", "patches": [p]} for p in patches],
    }
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(data, handle)
    return text


def test_bench_replay_reports_each_trace_as_json(tmp_path: Path) -> None:
    trace = tmp_path / "tiny.json.gz"
    _write_trace(
        trace,
        "héllo\r\nwörld",
        [
            [0, 0, "😀"],
            [3, 1, "E"],
            [8, 2, "中文\n"],
            [1, 0, "x"],
            [0, 4, ""],
        ],
    )
    result = run("bench", "replay", str(trace), "--json", "--repeat", "1")
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.strip().splitlines()
    report = json.loads(line)
    assert set(report) == {"trace", "edits", "mirror_s", "raw_s", "ratio", "matches_end_content"}
    assert report["trace"] == "tiny"
    assert report["edits"] == 5
    assert report["matches_end_content"] is True
    assert report["ratio"] > 0


def test_bench_replay_fails_on_an_unreadable_trace(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run("bench", "replay", str(bad))
    assert result.returncode == 2
    assert "bad.json" in result.stderr


def test_serve_over_websocket() -> None:
    """`codecrdt serve --ws` speaks LSP over a websocket: open, edit, read back."""
    import asyncio
    import socket
    import time

    from websockets.asyncio.client import connect

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "codecrdt", "serve", "--test-commands", "--ws", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "CODECRDT_TOKEN": "ws-test-token"},
    )

    async def session() -> dict[str, object]:
        deadline = time.monotonic() + 20
        while True:
            try:
                ws = await connect(
                    f"ws://127.0.0.1:{port}",
                    additional_headers={"Authorization": "Bearer ws-test-token"},
                )
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)
        async with ws:

            async def request(msg_id: int, method: str, params: object) -> dict[str, object]:
                await ws.send(
                    json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
                )
                while True:
                    reply = json.loads(await ws.recv())
                    if reply.get("id") == msg_id:
                        return reply

            async def notify(method: str, params: object) -> None:
                await ws.send(json.dumps({"jsonrpc": "2.0", "method": method, "params": params}))

            await request(1, "initialize", {"capabilities": {}, "processId": None})
            await notify("initialized", {})
            uri = "file:///ws/a.txt"
            await notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": uri,
                        "languageId": "plaintext",
                        "version": 1,
                        "text": "hé😀\n",
                    }
                },
            )
            await notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": 2},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": 0, "character": 4},
                                "end": {"line": 0, "character": 4},
                            },
                            "text": "!",
                        }
                    ],
                },
            )
            return await request(
                2,
                "workspace/executeCommand",
                {"command": "codecrdt.documentState", "arguments": [{"uri": uri}]},
            )

    try:
        reply = asyncio.run(asyncio.wait_for(session(), 30))
    finally:
        server.kill()
        server.wait()
    result = reply["result"]
    assert isinstance(result, dict)
    assert result["text"] == "hé😀!\n"
    assert result["editorVersion"] == 2

"""Runs on files that are not open, over LSP: a FIFO is refused at once (it blocked the
server's event loop), and the file written at the end keeps its symlink, permissions,
byte-order mark and line endings."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_support import EditorClient, Session, start_session

FAST = 40.0


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[tuple[EditorClient, Path]]:
    started: Session = await start_session("stdio")
    client = started.client
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="w")],
        )
    )
    client.initialize_result = result
    try:
        yield client, tmp_path
    finally:
        await started.close()


async def test_generate_into_a_fifo_is_refused_and_the_server_keeps_answering(session):
    client, folder = session
    fifo = folder / "pipe.py"
    os.mkfifo(fifo)
    with pytest.raises(JsonRpcException) as caught:
        await asyncio.wait_for(
            client.command(
                "codecrdt.generate", uri=fifo.as_uri(), script="inventory-cli", provider="scripted"
            ),
            timeout=30,
        )
    assert "not a regular file (a FIFO)" in str(caught.value)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    other = folder / "other.py"
    client.open(other.as_uri(), "x = 1\n")
    assert (await asyncio.wait_for(client.state(other.as_uri()), 30))["text"] == "x = 1\n"


async def test_a_run_on_a_symlinked_crlf_file_writes_its_target_as_it_was(session):
    client, folder = session
    (folder / "src").mkdir()
    target = folder / "src" / "inventory.py"
    target.write_bytes(b"\xef\xbb\xbf# kept\r\n")
    target.chmod(0o750)
    link = folder / "inventory.py"
    link.symlink_to(target)
    answer = await client.command(
        "codecrdt.generate",
        uri=link.as_uri(),
        script="inventory-cli",
        provider="scripted",
        timeScale=FAST,
        wait=True,
    )
    assert answer["report"]["stopped_by"] is None
    assert link.is_symlink(), "the link was replaced by a file"
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# kept\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") > 10, data[:300]
    assert stat.S_IMODE(target.stat().st_mode) == 0o750

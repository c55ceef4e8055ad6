"""Fixtures for the LSP protocol tests (a real client over stdio and over TCP), and the
plugin that makes skips fail under ``CI=true`` (``ci_support``)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from lsp_support import EditorClient, Session, start_session

# ci_support: under CI=true a skipped test fails (see its docstring); pytester: its test.
pytest_plugins = ["ci_support", "pytester"]

Connect = Callable[..., Awaitable[EditorClient]]

# What runs measure of providers (for --mode auto) goes to a file of this test session,
# never the user's cache; the servers the tests start inherit it.
os.environ["CODECRDT_MEASUREMENTS"] = os.path.join(
    tempfile.mkdtemp(prefix="codecrdt-measurements-"), "measurements.json"
)


@pytest.fixture(params=["stdio", "tcp"])
def transport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def connect(transport: str) -> AsyncIterator[Connect]:
    """Start a server, connect a client over ``transport`` and initialize it."""
    sessions: list[Session] = []

    async def connect_client(
        initialization_options: Any = None, position_encodings: list[str] | None = None
    ) -> EditorClient:
        session = await start_session(transport)
        sessions.append(session)
        await session.client.initialize(initialization_options, position_encodings)
        return session.client

    yield connect_client
    for session in sessions:
        await session.close()


@pytest.fixture
async def client(connect: Connect) -> EditorClient:
    """An initialized client (default options), over stdio or TCP."""
    return await connect()

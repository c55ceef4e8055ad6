"""A real local model behind an OpenAI-compatible API, for tests that need one.

scripts/install-llama.sh builds llama.cpp's ``llama-server`` and joins the
Qwen2.5-Coder-0.5B-Instruct model (Q4_K_M GGUF) into a cache outside the repository (the
first run takes about 8 minutes; later runs only print the paths). :func:`start_llama_server`
serves the model on a free localhost port with ``--alias qwen -np 3 -t 2 -c 12288`` (three
streams at once, 4096 tokens of context each), waits for ``GET /health`` and sends one
warm-up request.

The session-scoped fixture :func:`llama_base_url` yields ``http://127.0.0.1:PORT/v1`` (the
model's name is :data:`MODEL_ALIAS`). A test module uses it by importing it::

    from llama_support import llama_base_url  # noqa: F401

Several modules may import it: they share one server (started on first use, stopped when
the last of them is torn down at the end of the session).

Environment:

- ``CODECRDT_SKIP_REAL_MODEL=1`` skips the tests that use the fixture.
- ``CODECRDT_LLAMA_BASE_URL=http://127.0.0.1:8099/v1`` uses a server that is already
  running instead of installing and starting one.
- ``CODECRDT_LLAMA_THREADS=2`` runs the server on two threads instead of one (see
  :data:`THREADS`).

Always send ``max_tokens``: the model can fall into a repetition loop, which otherwise runs
until its slot's 4096 tokens of context are full (minutes on this machine).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ci_support import allowed_skip

ROOT = Path(__file__).resolve().parent.parent
INSTALL = ROOT / "scripts" / "install-llama.sh"

MODEL_ALIAS = "qwen"
CONTEXT = 12288  # tokens in all, split among the slots
SLOTS = 3  # requests served at once
# One thread: about 31 tokens/s whatever else runs. Two fill a 2-core machine (about 44
# tokens/s when idle), but any other busy process then makes every token wait for a
# descheduled thread: 0.4 tokens/s (measured). The test suite keeps the CPU busy.
THREADS = int(os.environ.get("CODECRDT_LLAMA_THREADS", "1"))
INSTALL_TIMEOUT = 1800.0  # the first install builds llama-server: about 8 minutes on 2 cores
HEALTH_TIMEOUT = 120.0
WARMUP_TIMEOUT = 120.0
SKIP_ENV = "CODECRDT_SKIP_REAL_MODEL"
BASE_URL_ENV = "CODECRDT_LLAMA_BASE_URL"


@dataclass(frozen=True)
class LlamaInstall:
    server: Path
    model: Path


def skip_reason() -> str | None:
    """Why tests with the real model are skipped, or None when they run."""
    if os.environ.get(SKIP_ENV) == "1":
        return f"{SKIP_ENV}=1: tests with the real model (llama-server + Qwen2.5-Coder) skipped"
    return None


def install_llama(timeout: float = INSTALL_TIMEOUT) -> LlamaInstall:
    """Run scripts/install-llama.sh (cached: instant after the first time) and parse it."""
    try:
        result = subprocess.run(
            ["bash", str(INSTALL)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        raise AssertionError(
            f"scripts/install-llama.sh did not finish in {timeout:.0f} s:\n{_text(error.stderr)}"
        ) from error
    paths = dict(
        line.split("=", 1) for line in result.stdout.splitlines() if line.startswith("LLAMA_")
    )
    if result.returncode != 0 or not {"LLAMA_SERVER", "LLAMA_MODEL"} <= paths.keys():
        raise AssertionError(
            f"scripts/install-llama.sh failed (exit {result.returncode}):\n"
            f"{_tail(result.stderr)}\n{result.stdout}"
        )
    install = LlamaInstall(Path(paths["LLAMA_SERVER"]), Path(paths["LLAMA_MODEL"]))
    assert os.access(install.server, os.X_OK), install.server
    assert install.model.is_file(), install.model
    return install


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LlamaServer:
    """A running llama-server; its output goes to :attr:`log_path`."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
        self.process = process
        self.port = port
        self.log_path = log_path

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (``…/v1``)."""
        return f"{self.root_url}/v1"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            return f"(no server log: {error})"
        return _tail(text, lines)

    def fail(self, message: str) -> AssertionError:
        return AssertionError(
            f"{message}\n--- llama-server log ({self.log_path}), last lines ---\n{self.log_tail()}"
        )

    def stop(self, grace: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _spawn(install: LlamaInstall, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    command = [
        str(install.server),
        "-m",
        str(install.model),
        "--alias",
        MODEL_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "-c",
        str(CONTEXT),
        "-np",
        str(SLOTS),
        "-t",
        str(THREADS),
    ]
    with log_path.open("ab") as log:
        log.write(f"$ {' '.join(command)}\n".encode())
        log.flush()
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )


def _wait_healthy(server: LlamaServer, timeout: float) -> None:
    """Wait for ``GET /health`` to answer 200 (503 while the model loads)."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while True:
        if server.process.poll() is not None:
            raise server.fail(f"llama-server exited with {server.process.returncode}")
        try:
            with urllib.request.urlopen(f"{server.root_url}/health", timeout=5) as response:
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}"
        except (OSError, urllib.error.URLError) as error:
            last = str(error)
        if time.monotonic() > deadline:
            raise server.fail(f"llama-server not healthy after {timeout:.0f} s ({last})")
        time.sleep(0.2)


def chat(
    base_url: str,
    messages: list[dict[str, str]],
    timeout: float = 120.0,
    **options: Any,
) -> dict[str, Any]:
    """One non-streaming chat completion; returns the response's JSON."""
    body = {"model": MODEL_ALIAS, "messages": messages, **options}
    request = urllib.request.Request(
        f"{base_url}/chat/completions",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def start_llama_server(
    install: LlamaInstall | None = None,
    log_dir: Path | None = None,
    health_timeout: float = HEALTH_TIMEOUT,
    attempts: int = 3,
) -> LlamaServer:
    """Start llama-server on a free port, wait until healthy, and warm it up.

    The caller stops it (:meth:`LlamaServer.stop`). The port is chosen free before the
    server binds it, so another process may take it meanwhile: then it tries another.
    """
    install = install or install_llama()
    if log_dir is None:
        log_dir = Path(tempfile.mkdtemp(prefix="codecrdt-llama-"))
    for attempt in range(1, attempts + 1):
        port = free_port()
        log_path = log_dir / f"llama-server-{port}.log"
        server = LlamaServer(_spawn(install, port, log_path), port, log_path)
        try:
            _wait_healthy(server, health_timeout)
        except AssertionError:
            server.stop()
            bind_failed = "bind" in server.log_tail(10).lower()
            if bind_failed and attempt < attempts:
                continue
            raise
        try:
            reply = chat(
                server.base_url,
                [{"role": "user", "content": "Say OK."}],
                timeout=WARMUP_TIMEOUT,
                max_tokens=8,
                temperature=0,
            )
            if not reply.get("choices"):
                raise server.fail(f"the warm-up request got no choices: {reply!r}")
        except (OSError, urllib.error.URLError, ValueError) as error:
            server.stop()
            raise server.fail(f"the warm-up request failed: {error}") from error
        return server
    raise AssertionError("unreachable")


# -- one server for the whole session, whichever modules import the fixture ---------------

_lock = threading.Lock()
_shared: LlamaServer | None = None
_users = 0
_failure: AssertionError | None = None  # a failed start is not retried by the next module


def _acquire() -> str:
    global _shared, _users, _failure
    with _lock:
        if _failure is not None:
            raise _failure
        if _shared is None:
            try:
                _shared = start_llama_server()
            except AssertionError as error:
                _failure = error
                raise
        _users += 1
        return _shared.base_url


def _release() -> None:
    global _shared, _users
    with _lock:
        _users -= 1
        if _users == 0 and _shared is not None:
            _shared.stop()
            _shared = None


@pytest.fixture(scope="session")
def llama_base_url() -> Iterator[str]:
    """``http://127.0.0.1:PORT/v1`` of a warmed-up llama-server serving :data:`MODEL_ALIAS`."""
    reason = skip_reason()
    if reason is not None:
        allowed_skip(reason)  # an explicit opt-out, not a missing tool: allowed in CI
    external = os.environ.get(BASE_URL_ENV)
    if external:
        yield external.rstrip("/")
        return
    # Each module importing the fixture holds its own session-scoped copy: share one server.
    base_url = _acquire()
    try:
        yield base_url
    finally:
        _release()


def _text(value: str | bytes | None) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])

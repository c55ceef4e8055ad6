"""What ``codecrdt generate`` shows while it runs: the live board on a terminal, the event
lines off one, and the ``--quiet`` summary.

The board's "lines" column is checked against the prepared output itself: an implementer
of the scripted provider writes exactly the lines of the script's answers for the TODOs it
finished, and the Outliner the lines of the outline. The provider and model that ran are
named on every path.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from codecrdt.agents.script import load_script
from codecrdt.cli import main
from fake_model_servers import FakeModelServer, Garbage

SERVER = str(Path(__file__).resolve().parents[1] / "server")
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ROW = re.compile(r"^\s*(outliner|impl-\d+|evaluator)\s+(\w+)\s+([\w-]+)\s+(?:(\S+)\s+)?(\d+)\s*$")


def _environment() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL")
    }
    env["PYTHONPATH"] = SERVER + os.pathsep + env.get("PYTHONPATH", "")
    env["TERM"] = "xterm"
    return env


def _in_a_terminal(folder: Path, *args: str) -> tuple[int, str]:
    """``codecrdt ARGS`` with stdin, stdout and stderr on a pseudo-terminal of 160
    columns; its exit status and what it showed, escape sequences removed."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "codecrdt", *args],
        cwd=folder,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=_environment(),
    )
    os.close(terminal)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    status = process.wait(timeout=120)
    return status, ESCAPE.sub("", shown.decode("utf-8", errors="replace"))


def test_the_live_board_counts_the_lines_each_agent_wrote(tmp_path: Path) -> None:
    status, shown = _in_a_terminal(
        tmp_path,
        *("generate", "--provider", "scripted", "--script", "inventory-cli"),
        *("--out", "inventory.py", "--time-scale", "50", "--report", "report.json"),
    )
    assert status == 0, shown
    # The last frame of the board stays on the screen: its rows are the last of each agent.
    last: dict[str, int] = {}
    for line in shown.splitlines():
        found = ROW.match(line)
        if found:
            last[found.group(1)] = int(found.group(5))
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    script = load_script("inventory-cli")
    expected = {"outliner": len(script.answer("outline").splitlines()), "evaluator": 0}
    for todo in report["todos"]:
        assert todo["status"] == "done" and todo["attempts"] == 1
        answer = script.answer(f"todo:{todo['name']}")
        assert answer is not None
        owner = todo["owner"]
        expected[owner] = expected.get(owner, 0) + len(answer.splitlines())
    # Lines of declarations kept out of an agent's lane were never written.
    for prevented in report["prevented_declarations"]:
        expected[prevented["agent"]] -= prevented["lines"]
    print("board:", last, "expected:", expected)
    assert last == expected
    assert all(lines > 0 for agent, lines in last.items() if agent != "evaluator")
    assert "provider scripted, model prepared:inventory-cli" in " ".join(shown.split())


def test_off_a_terminal_the_event_lines_begin_with_the_provider_and_model(
    tmp_path: Path,
) -> None:
    process = subprocess.run(
        [
            *(sys.executable, "-m", "codecrdt", "generate", "--provider", "scripted"),
            *("--script", "inventory-cli", "--out", "inventory.py", "--time-scale", "50"),
        ],
        cwd=tmp_path,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    shown = " ".join(process.stderr.split())  # rich wraps at 80 columns off a terminal
    assert shown.startswith(
        "scripted provider: streaming the prepared output of task 'inventory-cli' (not a "
        "model) codecrdt inventory.py: parallel (auto), 3 agent(s), provider scripted, model "
        "prepared:inventory-cli "
    )
    assert re.search(r" \d+\.\d+s claim impl-1 todo=", shown)


def test_quiet_says_which_provider_and_model_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with FakeModelServer("openai") as server:
        server.script(*[Garbage("x = 1\n", after=1)] * 40)
        # No --provider: a base URL alone chooses the OpenAI-compatible one.
        status = main(
            [
                *("generate", "--base-url", server.url, "--model", "qwen-local"),
                *("--spec", "a tiny module", "--out", "h.py", "--agents", "1", "--quiet"),
                *("--mode", "parallel"),
            ]
        )
    err = " ".join(capsys.readouterr().err.split())
    assert status == 1, err
    assert ": parallel, 1 agent(s), provider openai, model qwen-local, 0/0 TODOs done" in err

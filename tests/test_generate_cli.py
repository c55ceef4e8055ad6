"""``codecrdt generate`` and ``codecrdt demo`` refusing bad input, and keeping keys secret.

Bad input is refused before any model is called: exit status 2, one message on stderr that
says what to change, and nothing written (neither the output nor the report).
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ci_support import allowed_skip
from codecrdt.agents.script import bundled_scripts
from codecrdt.cli import main

SECRET = "sk-test-SECRET-777"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr (whitespace collapsed: rich wraps long lines)."""
    try:
        status = main(list(args))
    except SystemExit as exit_:  # argparse
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return status, out, " ".join(err.split())


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def assert_refused(
    capsys: pytest.CaptureFixture[str], folder: Path, args: list[str], *messages: str
) -> str:
    """Exit status 2, each of ``messages`` on stderr, nothing on stdout, nothing written."""
    before = snapshot(folder)
    status, out, err = cli(capsys, "generate", *args, "--report", "report.json")
    assert status == 2, err
    for message in messages:
        assert message in err
    assert out == ""
    assert snapshot(folder) == before
    return err


BAD_INPUT = [
    pytest.param(["--spec", "  ", "--out", "a.py"], ["the spec is empty"], id="empty-spec"),
    pytest.param(
        ["--spec", "x" * 100_001, "--out", "a.py"],
        ["the spec is 100,001 characters; the limit is 100,000"],
        id="long-spec",
    ),
    pytest.param(
        ["--out", "a.py", "--provider", "scripted"],
        ["say what to write: --spec TEXT, --spec-file FILE or --script TASK"],
        id="no-spec-no-script",
    ),
    pytest.param(
        ["--spec", "x", "--out", "nosuch/a.py"],
        ["--out nosuch/a.py: the folder", "nosuch does not exist"],
        id="missing-folder",
    ),
    pytest.param(
        ["--spec", "x", "--out", "a.py", "--language", "cobol"],
        ["unknown language 'cobol' (supported: python, javascript, typescript, tsx)"],
        id="unknown-language",
    ),
    pytest.param(
        ["--spec", "x", "--out", "notes.txt"],
        ["cannot tell the language of notes.txt: pass --language (python,"],
        id="no-known-suffix",
    ),
    pytest.param(
        ["--script", "nosuch", "--out", "a.py", "--provider", "scripted"],
        ["no script named 'nosuch' (bundled: ", "inventory-cli", "pomodoro-timer"],
        id="unknown-script",
    ),
    pytest.param(
        ["--script", "pomodoro-timer", "--out", "a.py", "--provider", "scripted"],
        ["the script 'pomodoro-timer' is tsx, but the output is python"],
        id="tsx-script-into-py",
    ),
    pytest.param(
        ["--script", "inventory-cli", "--out", "Timer.tsx", "--provider", "scripted"],
        ["the script 'inventory-cli' is python, but the output is tsx"],
        id="py-script-into-tsx",
    ),
    pytest.param(
        [
            "--script",
            "pomodoro-timer",
            "--out",
            "a.py",
            "--language",
            "python",
            "--provider",
            "scripted",
        ],
        ["the script 'pomodoro-timer' is tsx, but the output is python"],
        id="script-vs-language",
    ),
    pytest.param(
        ["--spec", "x", "--out", "a.py", "--agents", "0", "--provider", "scripted"],
        ["--agents must be between 1 and 64"],
        id="no-agents",
    ),
    pytest.param(
        ["--spec", "x", "--out", "a.py", "--agents", "65", "--provider", "scripted"],
        ["--agents must be between 1 and 64"],
        id="too-many-agents",
    ),
    pytest.param(
        ["--spec", "x", "--out", "a.py", "--provider", "anthropic"],
        ["ANTHROPIC_API_KEY"],
        id="anthropic-without-key",
    ),
    pytest.param(
        ["--spec", "x", "--out", "a.py", "--provider", "openai"],
        ["OPENAI_API_KEY", "base_url"],
        id="openai-without-key-or-server",
    ),
    pytest.param(
        ["--spec", "a snake game", "--out", "snake.py"],
        [
            "codecrdt generate: no model provider is configured: set ANTHROPIC_API_KEY or "
            "OPENAI_API_KEY in the environment, give --base-url URL for a local "
            "OpenAI-compatible server (Ollama, llama.cpp, vLLM, LM Studio), or run "
            "`codecrdt demo` for the offline demo (prepared output that ignores the spec)"
        ],
        id="no-provider-configured",
    ),
    pytest.param(
        ["--script", "inventory-cli", "--out", "snake.py"],
        ["no model provider is configured"],
        id="a-script-does-not-choose-the-scripted-provider",
    ),
    pytest.param(
        ["--spec", "x", "--out", "a.py", "--provider", "nosuch"],
        ["argument --provider: invalid choice: 'nosuch'"],
        id="unknown-provider",
    ),
]


@pytest.mark.parametrize(("args", "messages"), BAD_INPUT)
def test_bad_input_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], messages: list[str]
) -> None:
    assert_refused(capsys, tmp_path, [*args, "--quiet"], *messages)


def test_an_output_outside_the_working_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")  # ../outside.py would land in tmp_path
    before = snapshot(tmp_path)
    status, _out, err = cli(capsys, "generate", "--spec", "x", "--out", "../outside.py")
    assert status == 2
    assert "--out ../outside.py: outside the working folder" in err
    assert snapshot(tmp_path) == before


def test_an_existing_binary_output_is_refused_and_left_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = b"\x7fELF\x00\x01\x02binary\x00"
    (tmp_path / "tool.py").write_bytes(data)
    assert_refused(
        capsys,
        tmp_path,
        ["--spec", "x", "--out", "tool.py"],
        "--out tool.py: not text (it contains NUL bytes)",
    )
    assert (tmp_path / "tool.py").read_bytes() == data


def test_a_read_only_output_file_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "tool.py"
    target.write_text("print('mine')\n", encoding="utf-8")
    target.chmod(0o444)
    try:
        if os.access(target, os.W_OK):
            allowed_skip("this user can write read-only files (root)")
        assert_refused(
            capsys, tmp_path, ["--spec", "x", "--out", "tool.py"], "--out tool.py: not writable"
        )
    finally:
        target.chmod(0o644)


def test_an_output_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    result = subprocess.run(
        [sys.executable, "-m", "codecrdt", "generate", "--spec", "x", "--out", "pipe.py"],
        capture_output=True,
        text=True,
        timeout=60,  # reading the FIFO blocked until a writer came
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2, result.stderr
    assert "--out pipe.py: not a regular file (a FIFO)" in " ".join(result.stderr.split())
    assert stat.S_ISFIFO((tmp_path / "pipe.py").lstat().st_mode)


def test_an_existing_output_keeps_its_link_mode_byte_order_mark_and_crlf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "src").mkdir()
    target = tmp_path / "src" / "inventory.py"
    target.write_bytes(b"\xef\xbb\xbf# kept\r\n")
    target.chmod(0o750)
    (tmp_path / "inventory.py").symlink_to(target)
    status, _out, err = cli(
        capsys, "generate", "--script", "inventory-cli", "--provider", "scripted",
        "--time-scale", "50", "--out", "inventory.py",
    )  # fmt: skip
    assert status == 0, err
    assert (tmp_path / "inventory.py").is_symlink()
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# kept\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") > 10, data[:300]
    assert stat.S_IMODE(target.stat().st_mode) == 0o750


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def test_a_read_only_output_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, read_only_folder: Path
) -> None:
    if os.access(read_only_folder, os.W_OK):
        allowed_skip("this user can write in read-only folders (root)")
    assert_refused(
        capsys,
        tmp_path,
        ["--spec", "x", "--out", "locked/tool.py"],
        "--out locked/tool.py: not writable",
    )


def test_the_api_key_never_appears(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that refuses connections: the run ends with an error, the key stays secret."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    with socket.socket() as refusing:  # bound, never listening: connections are refused
        refusing.bind(("127.0.0.1", 0))
        port = refusing.getsockname()[1]
        started = time.monotonic()
        status, out, err = cli(
            capsys,
            "generate",
            "--provider",
            "anthropic",
            "--spec",
            "x",
            "--out",
            "a.py",
            "--base-url",
            f"http://127.0.0.1:{port}/",
            "--report",
            "report.json",
        )
    assert time.monotonic() - started < 30  # four retries with backoff, then it gives up
    assert status == 1, err
    report_text = (tmp_path / "report.json").read_text(encoding="utf-8")
    report = json.loads(report_text)
    assert report["stopped_by"] == "error"
    assert report["provider"] == "anthropic"
    assert "connection failed" in report["error"]
    assert report["retries"] == 4
    assert "the run stopped early (error: anthropic: connection failed" in err
    # Nothing was written, so no file was created.
    assert not (tmp_path / "a.py").exists()
    for where in (out, err, report_text):
        assert SECRET not in where
        assert "SECRET-777" not in where


# -- demo ------------------------------------------------------------------------------


def test_demo_lists_the_bundled_tasks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")  # narrower than the lines: still one line per task
    status, out, _err = cli(capsys, "demo", "--list")
    assert status == 0
    rows = [line.split()[:3] for line in out.splitlines()]
    assert len(rows) == len(bundled_scripts())
    assert ["inventory-cli", "python", "inventory.py"] in rows
    assert ["pomodoro-timer", "tsx", "PomodoroTimer.tsx"] in rows
    assert sorted(row[0] for row in rows) == sorted(s.name for s in bundled_scripts())


def test_demo_writes_the_default_task_here(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _out, err = cli(capsys, "demo", "--time-scale", "50", "--quiet")
    assert status == 0, err
    assert "streaming the prepared output of task 'inventory-cli' (not a model)" in err
    assert "8/8 TODOs done" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inventory.py"]
    text = (tmp_path / "inventory.py").read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env python3\n")
    assert "TODO(codecrdt:" not in text
    compile(text, "inventory.py", "exec")


@pytest.mark.parametrize(
    ("args", "messages"),
    [
        (["nosuch"], ["no script named 'nosuch' (bundled: ", "inventory-cli", "pomodoro-timer"]),
        (
            ["pomodoro-timer", "--out", "timer.py"],
            ["the script 'pomodoro-timer' is tsx, but the output is python"],
        ),
    ],
    ids=["unknown-task", "tsx-task-into-py"],
)
def test_demo_refuses_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], messages: list[str]
) -> None:
    status, out, err = cli(capsys, "demo", *args, "--quiet")
    assert status == 2
    for message in messages:
        assert message in err
    assert out == ""
    assert list(tmp_path.iterdir()) == []

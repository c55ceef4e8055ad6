"""``codecrdt generate``'s messages show user and provider text as it is (never as rich
markup), claim a file written only when it was, and refuse limits that are not numbers
(issue 11, items 12 and 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from codecrdt.agents.context import RunEvent
from codecrdt.agents.live import LiveView
from codecrdt.cli import main
from fake_model_servers import FakeModelServer, Status


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Exit status and stderr (whitespace collapsed: rich wraps long lines)."""
    try:
        status = main(list(args))
    except SystemExit as exit_:  # argparse
        status = int(exit_.code or 0)
    _out, err = capsys.readouterr()
    return status, " ".join(err.split())


@pytest.mark.parametrize("out", ["nope[/b]/a.py", "[bold]x[/bold]/a.py", "[redacted]/a.py"])
def test_markup_in_a_path_is_shown_as_it_is(capsys: pytest.CaptureFixture[str], out: str) -> None:
    status, err = cli(capsys, "generate", "--spec", "x", "--out", out, "--quiet")
    assert status == 2
    assert f"--out {out}: the folder" in err


@pytest.mark.parametrize(
    "message", ["bad request [redacted] [b]bold[/b] [/i]", "bad request"], ids=["markup", "plain"]
)
def test_a_provider_error_is_shown_as_it_is_and_nothing_is_claimed_written(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message: str,
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-key")
    with FakeModelServer("anthropic") as fake:
        fake.script(*[Status(400, message)] * 8)
        status, err = cli(
            capsys,
            "generate",
            "--provider",
            "anthropic",
            "--spec",
            "x",
            "--out",
            "a.py",
            "--base-url",
            fake.url,
            "--quiet",
        )
    assert status == 1, err
    assert f"(HTTP 400): {message}" in err
    assert not (tmp_path / "a.py").exists()
    assert f"did not write {tmp_path / 'a.py'} (no text)" in err
    assert "wrote a.py" not in err


def test_the_live_view_shows_names_as_they_are() -> None:
    console = Console(record=True, width=200, force_terminal=True)
    view = LiveView("codecrdt [b]x[/b].py: parallel", console, live=True)
    with view:
        view.on_event(RunEvent(0.5, "todo", "outliner", {"todo": "[red]parse"}))
        view.on_event(RunEvent(0.6, "agent", "[i]impl-1", {"role": "[/x]", "state": "writing"}))
    shown = console.export_text()
    for text in ("codecrdt [b]x[/b].py", "[red]parse", "[i]impl-1", "[/x]"):
        assert text in shown


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--max-cost", "-1", "--max-cost must be a non-negative number"),
        ("--max-cost", "nan", "--max-cost must be a non-negative number"),
        ("--max-cost", "inf", "--max-cost must be a non-negative number"),
        ("--max-tokens", "-5", "--max-tokens must be a non-negative integer"),
        ("--time-scale", "nan", "--time-scale must be a number above 0"),
        ("--time-scale", "inf", "--time-scale must be a number above 0"),
    ],
)
def test_limits_that_are_not_numbers_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flag: str, value: str, message: str
) -> None:
    args = ["--script", "inventory-cli", "--provider", "scripted", "--out", "a.py", "--quiet"]
    status, err = cli(capsys, "generate", *args, flag, value)
    assert status == 2, err
    assert message in err
    assert not (tmp_path / "a.py").exists()

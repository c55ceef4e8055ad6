"""Deterministic sampling: every request to an OpenAI-compatible server carries the run's
temperature (default 0) and seed. Anthropic's Messages API takes neither: it has no seed,
and since API version 2026-10-21 (what the installed SDK 2.x sends) it answers HTTP 400
to ``temperature``, which that SDK no longer has; so nothing is sent, and a temperature
asked of it is refused before the run. Checked on the wire, against the local fake servers
that speak the two streaming protocols, through the CLI and the study."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codecrdt.agents.providers import make_provider
from codecrdt.agents.providers.base import Request
from codecrdt.agents.script import load_script
from codecrdt.bench.study import StudyOptions, run_generate_trial
from codecrdt.cli import main
from codecrdt.request import RequestError, RunRequest
from fake_model_servers import FakeModelServer, Stream

KEY = "sk-test-SAMPLING-123456"
REQUEST = Request("implementer", "You write Python.", "# Task\nAdd.", "Go.", "todo:add", 64)
ANSWER = "x = 1\n"


async def _sent_body(
    protocol: str, monkeypatch: pytest.MonkeyPatch, **fields: object
) -> dict[str, object]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    with FakeModelServer(protocol) as server:  # type: ignore[arg-type]
        server.script(Stream(ANSWER))
        request = RunRequest.build(
            spec="Add.",
            language="python",
            provider=protocol,
            base_url=server.url,
            user_urls=[server.url],
            **fields,  # type: ignore[arg-type]
        )
        provider = make_provider(request)
        try:
            [_ async for _ in provider.stream(REQUEST)]
        finally:
            await provider.aclose()
    return server.requests[0].body


async def test_openai_compatible_requests_carry_temperature_0_and_the_seed_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = await _sent_body("openai", monkeypatch, seed=3257152574)
    assert body["temperature"] == 0
    assert body["seed"] == 3257152574


async def test_openai_compatible_requests_carry_the_temperature_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = await _sent_body("openai", monkeypatch, seed=7, temperature=0.7)
    assert (body["temperature"], body["seed"]) == (0.7, 7)


async def test_anthropic_requests_carry_no_sampling_parameters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = await _sent_body("anthropic", monkeypatch, seed=7)
    assert "temperature" not in body and "seed" not in body
    assert body["max_tokens"] == 64  # the request itself went out


@pytest.mark.parametrize(
    ("provider", "temperature", "message"),
    [
        ("openai", 2.5, "--temperature must be a number from 0 to 2"),
        ("openai", -0.1, "--temperature must be a number from 0 to 2"),
        ("openai", "hot", "--temperature must be a number"),
        ("anthropic", 0.0, "the anthropic provider takes no --temperature"),
    ],
)
def test_a_temperature_the_api_refuses_is_refused_before_the_run(
    provider: str, temperature: object, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    with pytest.raises(RequestError, match=message):
        RunRequest.build(
            spec="Add.",
            language="python",
            provider=provider,
            base_url="http://127.0.0.1:9/v1",
            temperature=temperature,
        )


def test_codecrdt_generate_sends_the_temperature_and_seed_with_every_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with FakeModelServer("openai") as server:
        server.script(*[Stream("def add(a, b):\n    return a + b\n")] * 4)
        args = ["generate", "--provider", "openai", "--base-url", server.url, "--quiet"]
        args += ["--spec", "A function add(a, b) returning a + b.", "--out", "add.py"]
        args += ["--mode", "sequential", "--seed", "41", "--temperature", "0.25"]
        args += ["--report", "r.json"]
        try:
            status = main(args)
        except SystemExit as exit_:
            status = int(exit_.code or 0)
        assert status == 0, capsys.readouterr().err
    bodies = [request.body for request in server.requests]
    assert bodies and all((b["temperature"], b["seed"]) == (0.25, 41) for b in bodies)
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["mode"] == "sequential"


def test_a_study_trial_samples_with_its_own_seed(tmp_path: Path) -> None:
    """The study's sequential and auto trials of one seed send the same sampling: the
    seed the trial is run on."""
    script = load_script("temperatures")
    with FakeModelServer("openai") as server:
        server.script(*[Stream(script.sequential)] * 4)
        options = StudyOptions(
            tasks=(),
            agents=(),
            trials=1,
            out=tmp_path,
            provider="openai",
            base_url=server.url,
            max_output_tokens=256,
        )
        report, text, _path = run_generate_trial(
            script, "sequential", 1, 1543872679, options, tmp_path
        )
    assert report.error is None and text.strip()
    bodies = [request.body for request in server.requests]
    assert bodies and all((b["temperature"], b["seed"]) == (0, 1543872679) for b in bodies)

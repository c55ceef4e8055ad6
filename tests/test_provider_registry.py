"""The provider registry: one place names the providers, the CLI, the settings, the
validator and the extension follow it; the factory gives each provider its own options.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from codecrdt.agents.providers import make_provider, provider_names, register
from codecrdt.agents.providers.base import (
    AuthError,
    BaseProvider,
    Finished,
    Request,
    StreamEvent,
    TextDelta,
    Usage,
)
from codecrdt.agents.providers.registry import BUILTIN, Registration, unregister
from codecrdt.agents.providers.scripted import ScriptedProvider
from codecrdt.agents.script import Latency
from codecrdt.cli import main
from codecrdt.clock import Clock
from codecrdt.options import ServerOptions
from codecrdt.request import RunRequest
from codecrdt.runs import GenerateCommand

EXTENSION = Path(__file__).resolve().parent.parent / "extension"


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


class EchoProvider(BaseProvider):
    """The provider of docs/agents.md's "Adding a provider": it repeats the prompt."""

    name = "echo"

    def __init__(self, model: str) -> None:
        self.model = model

    async def stream(self, request: Request) -> AsyncIterator[StreamEvent]:
        yield TextDelta(request.prompt)
        yield Finished(Usage())


def _echo(request: object, clock: object) -> EchoProvider:
    """The factory of a provider a test adds: it refuses without a key, like a real one."""
    raise AuthError("echo: no ECHO_KEY: set it to use the echo provider")


@pytest.fixture
def echo() -> Iterator[None]:
    register(Registration("echo", "a test provider", _echo))
    yield
    unregister("echo")


def test_the_builtin_providers() -> None:
    assert provider_names()[:3] == ("anthropic", "openai", "scripted")
    assert [r.name for r in BUILTIN] == ["anthropic", "openai", "scripted"]


def test_a_registered_provider_is_known_everywhere(
    echo: None, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "echo" in provider_names()
    # The validator, over LSP too.
    assert RunRequest.build(spec="x", language="python", provider="echo").provider == "echo"
    command = GenerateCommand.parse(
        {"uri": "file:///w/a.py", "spec": "x", "provider": "echo"},
        ServerOptions().generation_defaults(),
    )
    assert command.request.provider == "echo"
    # The settings.
    options, problems = ServerOptions().updated({"provider": "echo"})
    assert problems == [] and options.provider == "echo"
    # The CLI's choices: accepted, and the factory is what refuses (no key): exit 2.
    monkeypatch.chdir(tmp_path)
    status = main(["generate", "--provider", "echo", "--spec", "x", "--out", "a.py", "--quiet"])
    err = " ".join(capsys.readouterr().err.split())
    assert status == 2
    assert "codecrdt generate: echo: no ECHO_KEY: set it to use the echo provider" in err
    assert not (tmp_path / "a.py").exists()
    with pytest.raises(SystemExit):
        main(["generate", "--provider", "nosuch", "--spec", "x", "--out", "a.py"])
    # Python 3.12.8+ quotes the choices, older ones do not.
    assert re.search(r"\(choose from '?anthropic'?, .*'?echo'?\)", capsys.readouterr().err)


def test_an_unregistered_provider_is_gone() -> None:
    register(Registration("echo", "a test provider", _echo))
    unregister("echo")
    assert "echo" not in provider_names()
    with pytest.raises(ValueError, match="unknown provider 'echo'"):
        make_provider(RunRequest(spec="x", language="python", provider="echo"))


def test_a_provider_name_must_be_a_word() -> None:
    with pytest.raises(ValueError, match="a provider name is letters"):
        register(Registration("no spaces", "bad", _echo))


def test_the_scripted_provider_gets_its_own_options_from_the_request() -> None:
    latency = Latency(ttft_s=0.5)
    request = RunRequest.build(
        script="inventory-cli", provider="scripted", seed=4, time_scale=8, latency=latency
    )
    clock = Clock.real(time_scale=request.time_scale)
    provider = make_provider(request, clock)
    assert isinstance(provider, ScriptedProvider)
    assert (provider.seed, provider.clock, provider.latency) == (4, clock, latency)
    assert provider.clock.time_scale == 8.0
    assert provider.model == "prepared:inventory-cli"


def test_the_network_providers_get_model_and_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    request = RunRequest.build(
        spec="x", language="python", provider="openai", model="qwen", base_url="http://h:1/v1"
    )
    provider = make_provider(request)
    assert (provider.name, provider.model) == ("openai", "qwen")
    with pytest.raises(AuthError, match="ANTHROPIC_API_KEY"):
        make_provider(RunRequest.build(spec="x", language="python", provider="anthropic"))


async def test_the_base_class_prices_closes_and_redacts() -> None:
    class Client:
        closed = False

        async def close(self) -> None:
            self.closed = True

    provider = EchoProvider("claude-sonnet-4-6")
    client = Client()
    provider._client = client
    provider._secrets = ("sk-echo-secret",)
    assert provider.cost(Usage(input_tokens=1_000_000)) == pytest.approx(3.0)
    assert EchoProvider("my-local-model").cost(Usage(input_tokens=10)) is None
    assert provider._redact("bad key sk-echo-secret") == "bad key [redacted]"
    await provider.aclose()
    assert client.closed
    await EchoProvider("m").aclose()  # no client: nothing to close
    asked = Request("implementer", "system", "context", "hello", "todo:a")
    assert [event async for event in provider.stream(asked)] == [
        TextDelta("hello"),
        Finished(Usage()),
    ]


# -- the extension's provider list ----------------------------------------------------------


def test_the_extensions_provider_setting_lists_the_servers_providers() -> None:
    builtin = [r.name for r in BUILTIN]
    package = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    setting = package["contributes"]["configuration"]["properties"]["codecrdt.provider"]
    assert setting["enum"] == [*builtin, None]
    assert len(setting["enumDescriptions"]) == len(setting["enumItemLabels"]) == len(builtin) + 1
    assert setting["enumItemLabels"][:-1] == builtin

    settings_ts = (EXTENSION / "src" / "common" / "settings.ts").read_text(encoding="utf-8")
    declared = re.search(r"export type Provider = ([^;]+);", settings_ts)
    assert declared is not None
    assert re.findall(r"'([^']+)'", declared.group(1)) == builtin

"""The run request: one validator, the same messages on the command line and over LSP.

``RunRequest.build`` is what ``codecrdt generate``, ``codecrdt.generate`` and the study
call; every refusal is a ``RequestError`` whose message names the field as the caller
spells it (``--time-scale`` / ``timeScale``).
"""

from __future__ import annotations

from typing import Any, get_args

import pytest

from codecrdt.agents.run import Mode
from codecrdt.agents.script import Latency, load_script
from codecrdt.options import ServerOptions
from codecrdt.request import (
    FLAGS,
    KEYS,
    MAX_AGENTS,
    MAX_SPEC_CHARS,
    MIN_AGENTS,
    MODES,
    NoProviderError,
    RequestError,
    RunRequest,
)
from codecrdt.runs import GenerateCommand, RunError


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def refused(**values: Any) -> str:
    with pytest.raises(RequestError) as raised:
        RunRequest.build(**values)
    return str(raised.value)


GOOD: dict[str, Any] = {"spec": "a tool", "language": "python", "provider": "scripted"}

# (values changed from GOOD, message with FLAGS, message with KEYS)
REFUSALS = [
    pytest.param(
        {"spec": None},
        "say what to write: --spec TEXT, --spec-file FILE or --script TASK",
        "say what to write: give spec, or script (a task whose spec is used)",
        id="no-spec",
    ),
    pytest.param({"spec": 7}, "--spec must be a string", "spec must be a string", id="spec-type"),
    pytest.param({"spec": " \n"}, "the spec is empty", "the spec is empty", id="empty-spec"),
    pytest.param(
        {"spec": "x" * (MAX_SPEC_CHARS + 1)},
        "the spec is 100,001 characters; the limit is 100,000",
        "the spec is 100,001 characters; the limit is 100,000",
        id="long-spec",
    ),
    pytest.param(
        {"script": 3},
        "--script must be a task name or a path",
        "script must be a task name or a path",
        id="script-type",
    ),
    pytest.param(
        {"script": "nosuch"},
        "no script named 'nosuch' (bundled: ",
        "no script named 'nosuch' (bundled: ",
        id="unknown-script",
    ),
    pytest.param(
        {"language": None},
        "cannot tell the language of notes.txt: pass --language "
        "(python, javascript, typescript, tsx)",
        "cannot tell the language of notes.txt: pass language "
        "(python, javascript, typescript, tsx)",
        id="no-language",
    ),
    pytest.param(
        {"language": "cobol"},
        "unknown language 'cobol' (supported: python, javascript, typescript, tsx)",
        "unknown language 'cobol' (supported: python, javascript, typescript, tsx)",
        id="unknown-language",
    ),
    pytest.param(
        {"provider": "nosuch"},
        "--provider must be one of anthropic, openai, scripted",
        "provider must be one of anthropic, openai, scripted",
        id="unknown-provider",
    ),
    pytest.param(
        {"script": "pomodoro-timer"},
        "the script 'pomodoro-timer' is tsx, but the output is python",
        "the script 'pomodoro-timer' is tsx, but the document is python",
        id="script-language",
    ),
    pytest.param(
        {"agents": "3"},
        "--agents must be an integer",
        "agents must be an integer",
        id="agents-type",
    ),
    pytest.param(
        {"agents": True},
        "--agents must be an integer",
        "agents must be an integer",
        id="agents-bool",
    ),
    pytest.param(
        {"agents": MIN_AGENTS - 1},
        "--agents must be between 1 and 64",
        "agents must be between 1 and 64",
        id="no-agents",
    ),
    pytest.param(
        {"agents": MAX_AGENTS + 1},
        "--agents must be between 1 and 64",
        "agents must be between 1 and 64",
        id="too-many-agents",
    ),
    pytest.param(
        {"time_scale": 0},
        "--time-scale must be a number above 0 and at most 10,000",
        "timeScale must be a number above 0 and at most 10,000",
        id="time-scale-zero",
    ),
    pytest.param(
        {"time_scale": 10_001},
        "--time-scale must be a number above 0 and at most 10,000",
        "timeScale must be a number above 0 and at most 10,000",
        id="time-scale-too-large",
    ),
    pytest.param(
        {"time_scale": "fast"},
        "--time-scale must be a number above 0 and at most 10,000",
        "timeScale must be a number above 0 and at most 10,000",
        id="time-scale-type",
    ),
    pytest.param(
        {"provider": "openai", "time_scale": 2},
        "--time-scale applies to the scripted provider only",
        "timeScale applies to the scripted provider only",
        id="time-scale-of-a-model",
    ),
    pytest.param(
        {"mode": "both"},
        "--mode must be one of auto, parallel, sequential",
        "mode must be one of auto, parallel, sequential",
        id="unknown-mode",
    ),
    pytest.param({"model": 4}, "--model must be a string", "model must be a string", id="model"),
    pytest.param(
        {"base_url": ["x"]}, "--base-url must be a string", "baseUrl must be a string", id="url"
    ),
    pytest.param({"seed": 1.5}, "--seed must be an integer", "seed must be an integer", id="seed"),
    pytest.param(
        {"max_tokens": -1},
        "--max-tokens must be a non-negative integer",
        "maxTokens must be a non-negative integer",
        id="max-tokens",
    ),
    pytest.param(
        {"max_output_tokens": 1.5},
        "--max-output-tokens must be a non-negative integer",
        "maxOutputTokens must be a non-negative integer",
        id="max-output-tokens",
    ),
    pytest.param(
        {"max_cost": "1"},
        "--max-cost must be a non-negative number",
        "maxCost must be a non-negative number",
        id="max-cost",
    ),
]


@pytest.mark.parametrize(("change", "flag_message", "key_message"), REFUSALS)
def test_each_refusal_has_one_message_in_both_spellings(
    change: dict[str, Any], flag_message: str, key_message: str
) -> None:
    values = {**GOOD, **change, "target": "notes.txt"}
    assert flag_message in refused(**values, names=FLAGS)
    assert key_message in refused(**values, names=KEYS)


def test_a_request_error_is_a_value_error() -> None:
    assert issubclass(RequestError, ValueError)
    assert issubclass(RunError, RequestError)


def test_no_bundled_script_for_a_language_says_what_to_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every supported language has a bundled task today: pretend python has none.
    monkeypatch.setattr("codecrdt.request.default_script", lambda language: None)
    assert refused(spec="x", language="python", provider="scripted") == (
        "no bundled script for python: pass --script or another --provider"
    )
    assert refused(spec="x", language="python", provider="scripted", names=KEYS) == (
        "no bundled script for python: pass script or another provider"
    )


def test_a_script_gives_the_spec_and_the_language() -> None:
    request = RunRequest.build(script="inventory-cli", provider="scripted")
    script = load_script("inventory-cli")
    assert request.spec == script.spec
    assert request.language == "python" == request.language_spec.name
    assert request.script is not None and request.script.name == "inventory-cli"


def test_the_scripted_provider_gets_the_languages_bundled_task() -> None:
    request = RunRequest.build(spec="a timer", language="tsx", provider="scripted")
    assert request.script is not None and request.script.language == "tsx"


@pytest.fixture
def no_configuration(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_without_a_configured_provider_the_request_is_refused_never_scripted(
    no_configuration: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(NoProviderError) as refused_cli:
        RunRequest.build(spec="a snake game", language="python")
    assert str(refused_cli.value) == (
        "no model provider is configured: set ANTHROPIC_API_KEY or OPENAI_API_KEY in the "
        "environment, give --base-url URL for a local OpenAI-compatible server (Ollama, "
        "llama.cpp, vLLM, LM Studio), or run `codecrdt demo` for the offline demo (prepared "
        "output that ignores the spec)"
    )
    with pytest.raises(NoProviderError) as refused_lsp:
        RunRequest.build(spec="a snake game", language="python", names=KEYS)
    assert "in the server's environment, give baseUrl URL" in str(refused_lsp.value)
    assert 'set the provider to "scripted" for the offline demo' in str(refused_lsp.value)
    # A script names prepared output, not the provider: still refused.
    with pytest.raises(NoProviderError):
        RunRequest.build(script="inventory-cli")
    # Named, the scripted provider runs.
    assert RunRequest.build(script="inventory-cli", provider="scripted").provider == "scripted"


def test_the_default_provider_is_the_configured_one(
    no_configuration: pytest.MonkeyPatch,
) -> None:
    build = RunRequest.build
    assert build(spec="x", language="python", base_url="http://127.0.0.1:8080/v1").provider == (
        "openai"
    )
    no_configuration.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    assert build(spec="x", language="python").provider == "openai"
    no_configuration.delenv("OPENAI_BASE_URL")
    no_configuration.setenv("OPENAI_API_KEY", "sk-test")
    assert build(spec="x", language="python").provider == "openai"
    no_configuration.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    assert build(spec="x", language="python").provider == "anthropic"


def test_a_good_request_keeps_its_values() -> None:
    latency = Latency(ttft_s=0.1)
    request = RunRequest.build(
        **GOOD,
        agents=MAX_AGENTS,
        mode="sequential",
        seed=9,
        max_tokens=10,
        max_cost=1,
        max_output_tokens=0,
        time_scale=50,
        latency=latency,
    )
    assert (request.agents, request.mode, request.seed) == (64, "sequential", 9)
    assert (request.max_tokens, request.max_cost, request.max_output_tokens) == (10, 1.0, 0)
    assert request.time_scale == 50.0 and request.latency is latency
    assert isinstance(request.max_cost, float)


def test_the_modes_are_auto_and_the_agents_modes() -> None:
    assert ("auto", *get_args(Mode)) == MODES


def test_settings_use_the_same_limits_and_names() -> None:
    _options, problems = ServerOptions().updated({"agents": MAX_AGENTS + 1, "mode": "x"})
    assert problems == [
        "agents must be from 1 to 64; keeping 3",
        "mode must be one of auto, parallel, sequential; keeping 'auto'",
    ]
    _options, problems = ServerOptions().updated({"provider": "nosuch"})
    assert problems == ["provider must be one of anthropic, openai, scripted; keeping None"]


# -- the LSP command around a request ---------------------------------------------------------


def parse(args: dict[str, Any], defaults: dict[str, Any] | None = None) -> GenerateCommand:
    return GenerateCommand.parse(args, defaults or ServerOptions().generation_defaults())


def test_the_lsp_command_wraps_a_request() -> None:
    command = parse(
        {
            "uri": "file:///w/a.py",
            "script": "inventory-cli",
            "provider": "scripted",
            "agents": 2,
            "baseUrl": None,
            "timeScale": 20,
            "wait": True,
        }
    )
    assert command.uri == "file:///w/a.py" and command.wait
    assert command.request.language == "python" and command.request.agents == 2
    assert command.request.time_scale == 20.0 and command.request.provider == "scripted"


def test_the_lsp_command_takes_missing_values_from_the_settings(
    no_configuration: pytest.MonkeyPatch,
) -> None:
    defaults = {
        **ServerOptions().generation_defaults(),
        "agents": 5,
        "maxTokens": 100,
        "provider": "scripted",
    }
    command = parse({"uri": "file:///w/a.py", "spec": "x", "provider": ""}, defaults)
    assert command.request.agents == 5 and command.request.max_tokens == 100
    assert command.request.provider == "scripted"  # an empty provider: the setting's
    # Neither the request nor the settings name one, and none is configured: refused.
    with pytest.raises(NoProviderError, match="no model provider is configured"):
        parse({"uri": "file:///w/a.py", "spec": "x", "provider": ""})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"spec": "x"}, "uri must be the document's URI"),
        ({"uri": "file:///w/notes.txt", "spec": "x"}, "cannot tell the language of"),
        ({"uri": "file:///w/a.py", "spec": "x", "wait": 1}, "wait must be true or false"),
        (
            {"uri": "file:///w/a.py", "spec": "x", "provider": "scripted", "agents": 0},
            "agents must be between 1 and 64",
        ),
        (
            {"uri": "file:///w/a.py", "spec": "x", "provider": "openai", "timeScale": 3},
            "timeScale applies to the scripted provider only",
        ),
    ],
)
def test_the_lsp_command_refuses_bad_arguments(args: dict[str, Any], message: str) -> None:
    with pytest.raises(RequestError, match=message):
        parse(args)


def test_the_lsp_command_uses_the_documents_language_when_given() -> None:
    command = GenerateCommand.parse(
        {"uri": "untitled:Untitled-1", "spec": "x", "provider": "scripted"},
        ServerOptions().generation_defaults(),
        language="tsx",
    )
    assert command.request.language == "tsx"

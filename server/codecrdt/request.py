"""The run request: what a generation run is asked to do, checked in one place.

``codecrdt generate`` (flags), the language server's ``codecrdt.generate`` and
``codecrdt.evaluate`` (JSON keys) and the benchmark study all build a :class:`RunRequest`
with :meth:`RunRequest.build`, the one validator: the same rules and the same messages
everywhere, with the field named the way the caller spells it (``--max-tokens`` on the
command line, ``maxTokens`` over LSP; see :class:`Spelling`). Every failure is a
:class:`RequestError`; the CLI turns it into exit status 2, the server into InvalidParams.

The limits (agents, spec length, time scale) and the mode names are defined here; the
provider names come from the provider registry.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from codecrdt.agents.providers import default_provider, provider_names
from codecrdt.agents.script import Latency, Script, ScriptError, default_script, load_script
from codecrdt.analysis.languages import LANGUAGES, LanguageSpec, language_named

if TYPE_CHECKING:  # the agents' run is not loaded to check a request (`codecrdt check`
    # reads options, which read the limits here)
    from codecrdt.agents.run import Mode

__all__ = [
    "DEFAULT_AGENTS",
    "DEFAULT_MODE",
    "DEFAULT_TEMPERATURE",
    "FLAGS",
    "KEYS",
    "MAX_AGENTS",
    "MAX_SPEC_CHARS",
    "MAX_TEMPERATURE",
    "MAX_TIME_SCALE",
    "MIN_AGENTS",
    "MODES",
    "NO_TEMPERATURE",
    "NoProviderError",
    "RequestError",
    "RunRequest",
    "Spelling",
]

MIN_AGENTS = 1
MAX_AGENTS = 64
DEFAULT_AGENTS = 3
#: The longest spec, in characters.
MAX_SPEC_CHARS = 100_000
#: The fastest a scripted run's modelled delays may be played.
MAX_TIME_SCALE = 10_000.0
#: The modes a request may ask for: ``auto`` (the default: the faster of the two by an
#: estimate, :mod:`codecrdt.agents.automode`) and the run modes
#: (:data:`codecrdt.agents.run.Mode`; a test keeps them the same).
MODES: tuple[str, ...] = ("auto", "parallel", "sequential")
DEFAULT_MODE = "auto"
#: The sampling temperature an OpenAI-compatible provider sends when none is given: 0,
#: the likeliest token.
DEFAULT_TEMPERATURE = 0.0
#: The highest temperature a request may ask for.
MAX_TEMPERATURE = 2.0
#: Providers whose API takes no sampling temperature: Anthropic's Messages API refuses
#: ``temperature`` (HTTP 400) since API version 2026-10-21, which its SDK 2.x sends, and
#: that SDK has no such parameter.
NO_TEMPERATURE = frozenset({"anthropic"})


class RequestError(ValueError):
    """A request that cannot be carried out; the message says what to change."""


class NoProviderError(RequestError):
    """No provider was named and none is configured (no key, no base URL): the message
    says how to configure one. The scripted provider is never chosen in its place."""


@dataclass(frozen=True)
class Spelling:
    """How one front end names the request's fields in its messages.

    ``flags``: ``--max-tokens`` (the CLI), else ``maxTokens`` (JSON). ``spec_sources``: how
    to give a spec, for the message when there is none. ``written``: what the run writes
    into, for the message when a script's language is not that file's.
    """

    flags: bool
    spec_sources: str
    written: str

    def __call__(self, field: str) -> str:
        if self.flags:
            return "--" + field.replace("_", "-")
        return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), field)


FLAGS = Spelling(True, "--spec TEXT, --spec-file FILE or --script TASK", "the output")
KEYS = Spelling(False, "give spec, or script (a task whose spec is used)", "the document")


@dataclass(frozen=True)
class RunRequest:
    """A checked request for one generation run (make one with :meth:`build`)."""

    spec: str
    #: The name of the language written (``python``, ``tsx``…).
    language: str
    provider: str
    agents: int = DEFAULT_AGENTS
    #: ``auto`` is resolved to a run mode before the run starts (``choose_mode``).
    mode: Mode | Literal["auto"] = "auto"
    model: str | None = None
    base_url: str | None = None
    #: The base URLs the user configured (command line, environment, machine settings):
    #: a key from the environment may go to ``base_url`` only when it is one of these
    #: (or the provider's official endpoint); see :mod:`codecrdt.agents.providers.keys`.
    user_urls: frozenset[str] = frozenset()
    #: The scripted provider's prepared output (any provider: the spec and language when
    #: those were not given).
    script: Script | None = None
    #: Seeds the scripted latencies and the run's random choices; an OpenAI-compatible
    #: provider sends it as every request's sampling ``seed``.
    seed: int = 0
    #: The sampling temperature every request of an OpenAI-compatible provider carries
    #: (None: :data:`DEFAULT_TEMPERATURE`, the likeliest token, so that runs on one seed
    #: can be compared). Anthropic's API takes none (:data:`NO_TEMPERATURE`).
    temperature: float | None = None
    max_tokens: int | None = None
    max_cost: float | None = None
    #: Caps every answer's length.
    max_output_tokens: int | None = None
    #: Scripted runs only: play modelled delays this many times faster (demos, tests).
    time_scale: float = 1.0
    #: Scripted runs only: another latency model than the script's.
    latency: Latency | None = None

    @property
    def language_spec(self) -> LanguageSpec:
        spec = language_named(self.language)
        assert spec is not None  # build() checked it
        return spec

    @classmethod
    def build(
        cls,
        *,
        spec: Any = None,
        language: Any = None,
        provider: Any = None,
        agents: Any = DEFAULT_AGENTS,
        mode: Any = DEFAULT_MODE,
        model: Any = None,
        base_url: Any = None,
        user_urls: Iterable[str] = (),
        script: Any = None,
        seed: Any = 0,
        temperature: Any = None,
        max_tokens: Any = None,
        max_cost: Any = None,
        max_output_tokens: Any = None,
        time_scale: Any = 1.0,
        latency: Latency | None = None,
        target: str = "the file",
        names: Spelling = FLAGS,
    ) -> RunRequest:
        """The checked request for these values, or :class:`RequestError`.

        Values may come straight from JSON, so every type is checked. ``script`` is a task
        name, a path or a :class:`Script`; without ``spec`` the script's spec is used,
        without ``language`` the script's language. ``provider`` None: the default
        provider (:func:`~codecrdt.agents.providers.default_provider`), or
        :class:`NoProviderError` when none is configured; the scripted provider without
        a script gets the language's bundled task. ``target`` names the file written, for
        the message when its language is unknown. ``user_urls``: the base URLs the user
        configured (not a client), to which a key from the environment may be sent.
        """
        loaded = _script(script, names)
        if spec is None and loaded is not None:
            spec = loaded.spec
        spec = _spec(spec, names)

        if language is None and loaded is not None:
            language = loaded.language
        known = ", ".join(s.name for s in LANGUAGES)
        if language is None:
            raise RequestError(
                f"cannot tell the language of {target}: pass {names('language')} ({known})"
            )
        if not isinstance(language, str) or language_named(language) is None:
            raise RequestError(f"unknown language {language!r} (supported: {known})")

        if provider is None:
            provider = default_provider(base_url if isinstance(base_url, str) else None)
            if provider is None:
                raise NoProviderError(_no_provider(names))
        if provider not in provider_names():
            raise RequestError(f"{names('provider')} must be one of {', '.join(provider_names())}")
        if provider == "scripted" and loaded is None:
            task = default_script(language)
            if task is None:
                raise RequestError(
                    f"no bundled script for {language}: pass {names('script')} "
                    f"or another {names('provider')}"
                )
            loaded = load_script(task)
        if provider == "scripted" and loaded is not None and loaded.language != language:
            raise RequestError(
                f"the script {loaded.name!r} is {loaded.language}, "
                f"but {names.written} is {language}"
            )

        if _not_int(agents):
            raise RequestError(f"{names('agents')} must be an integer")
        if not MIN_AGENTS <= agents <= MAX_AGENTS:
            raise RequestError(f"{names('agents')} must be between {MIN_AGENTS} and {MAX_AGENTS}")
        if _not_number(time_scale) or not 0 < time_scale <= MAX_TIME_SCALE:
            raise RequestError(
                f"{names('time_scale')} must be a number above 0 and at most {MAX_TIME_SCALE:,.0f}"
            )
        if time_scale != 1.0 and provider != "scripted":
            raise RequestError(f"{names('time_scale')} applies to the scripted provider only")
        if mode not in MODES:
            raise RequestError(f"{names('mode')} must be one of {', '.join(MODES)}")
        for field, value in (("model", model), ("base_url", base_url)):
            if value is not None and not isinstance(value, str):
                raise RequestError(f"{names(field)} must be a string")
        if _not_int(seed):
            raise RequestError(f"{names('seed')} must be an integer")
        if temperature is not None:
            if _not_number(temperature) or not 0 <= temperature <= MAX_TEMPERATURE:
                raise RequestError(
                    f"{names('temperature')} must be a number from 0 to {MAX_TEMPERATURE:g}"
                )
            if provider in NO_TEMPERATURE:
                raise RequestError(
                    f"the {provider} provider takes no {names('temperature')}: its API "
                    "refuses sampling parameters (and has no seed)"
                )
        for field, value in (("max_tokens", max_tokens), ("max_output_tokens", max_output_tokens)):
            if value is not None and (_not_int(value) or value < 0):
                raise RequestError(f"{names(field)} must be a non-negative integer")
        if max_cost is not None and (
            _not_number(max_cost) or not math.isfinite(max_cost) or max_cost < 0
        ):
            raise RequestError(f"{names('max_cost')} must be a non-negative number")

        return cls(
            spec=spec,
            language=language,
            provider=provider,
            agents=agents,
            mode=mode,
            model=model,
            base_url=base_url,
            user_urls=frozenset(user_urls),
            script=loaded,
            seed=seed,
            temperature=None if temperature is None else float(temperature),
            max_tokens=max_tokens,
            max_cost=None if max_cost is None else float(max_cost),
            max_output_tokens=max_output_tokens,
            time_scale=float(time_scale),
            latency=latency,
        )


def _no_provider(names: Spelling) -> str:
    demo = (
        "or run `codecrdt demo` for the offline demo (prepared output that ignores the spec)"
        if names.flags
        else 'or set the provider to "scripted" for the offline demo (prepared output that '
        "ignores the spec)"
    )
    where = "the environment" if names.flags else "the server's environment"
    return (
        "no model provider is configured: set ANTHROPIC_API_KEY or OPENAI_API_KEY in "
        f"{where}, give {names('base_url')} URL for a local OpenAI-compatible server "
        f"(Ollama, llama.cpp, vLLM, LM Studio), {demo}"
    )


def _script(script: Any, names: Spelling) -> Script | None:
    if script is None or isinstance(script, Script):
        return script
    if not isinstance(script, str):
        raise RequestError(f"{names('script')} must be a task name or a path")
    try:
        return load_script(script)
    except ScriptError as error:
        raise RequestError(str(error)) from None


def _spec(spec: Any, names: Spelling) -> str:
    if spec is None:
        raise RequestError(f"say what to write: {names.spec_sources}")
    if not isinstance(spec, str):
        raise RequestError(f"{names('spec')} must be a string")
    if not spec.strip():
        raise RequestError("the spec is empty")
    if len(spec) > MAX_SPEC_CHARS:
        raise RequestError(f"the spec is {len(spec):,} characters; the limit is {MAX_SPEC_CHARS:,}")
    return spec


def _not_int(value: Any) -> bool:
    return isinstance(value, bool) or not isinstance(value, int)


def _not_number(value: Any) -> bool:
    return isinstance(value, bool) or not isinstance(value, int | float)

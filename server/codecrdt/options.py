"""Typed server options: from ``initializationOptions`` and ``workspace/didChangeConfiguration``.

Keys are camelCase (``batchDelayMs``, ``agents``, ``baseUrl``…). Every value is checked
against its field's type; a wrong one is reported (the server shows the message) and the
previous value stays. Unknown keys are ignored: they may belong to other features or later
versions.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any

from codecrdt.agents.providers import provider_names
from codecrdt.request import DEFAULT_AGENTS, DEFAULT_MODE, MAX_AGENTS, MIN_AGENTS, MODES
from codecrdt.sourcefile import MAX_FILE_BYTES

__all__ = ["MAX_FILE_BYTES", "ServerOptions"]


#: Bounds of the integer options (others: any non-negative value). The bridge's timers
#: have minimums: at 0 a client that never answers gets a new ``applyEdit`` on every tick.
_RANGES: dict[str, tuple[int, int]] = {
    "agents": (MIN_AGENTS, MAX_AGENTS),
    "batch_delay_ms": (0, 10_000),
    "answer_timeout_ms": (100, 600_000),
    "resend_after_ms": (50, 600_000),
    "max_diagnostics": (1, 100_000),
}


@dataclass(frozen=True)
class ServerOptions:
    #: How long agent edits are gathered before one ``applyEdit`` goes out.
    batch_delay_ms: int = 20
    #: How long to wait for an answer to ``applyEdit`` before treating it as lost.
    answer_timeout_ms: int = 5000
    #: How long after an answer without a matching ``didChange`` an edit is sent again.
    resend_after_ms: int = 1000
    #: Larger documents are refused with a message (UTF-8 bytes).
    max_file_bytes: int = MAX_FILE_BYTES
    #: At most this many diagnostics are published per document (the first ones).
    max_diagnostics: int = 1000
    # -- generation defaults (each ``codecrdt.generate`` may override them) -------------
    #: ``anthropic``, ``openai`` or ``scripted``; None: the configured one (a key or a base
    #: URL), never ``scripted`` (:func:`codecrdt.agents.providers.default_provider`).
    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    agents: int = DEFAULT_AGENTS
    mode: str = DEFAULT_MODE
    #: The scripted provider's task (a bundled name or a path).
    script: str | None = None
    max_tokens: int | None = None
    max_cost: float | None = None

    @classmethod
    def from_json(cls, data: Any) -> tuple[ServerOptions, list[str]]:
        """Options from a JSON object, and a message for each value that was ignored."""
        return cls().updated(data, source="initializationOptions")

    def updated(self, data: Any, source: str = "settings") -> tuple[ServerOptions, list[str]]:
        """These options with ``data``'s valid values applied; a message per bad value.

        ``data`` may also be ``{"codecrdt": {...}}`` (VS Code's settings section).
        """
        if data is None:
            return self, []
        if not isinstance(data, dict):
            return self, [f"{source} must be an object, not {type(data).__name__}"]
        if isinstance(data.get("codecrdt"), dict):
            data = data["codecrdt"]
        fields = {_camel(f.name): f for f in dataclasses.fields(self)}
        values: dict[str, Any] = {}
        problems: list[str] = []
        for key, value in data.items():
            field = fields.get(key)
            if field is None:
                continue
            problem = _problem(field.name, str(field.type), value)
            if problem:
                current = getattr(self, field.name)
                problems.append(f"{key} {problem}; keeping {current!r}")
                continue
            values[field.name] = value
        return dataclasses.replace(self, **values), problems

    def generation_defaults(self) -> dict[str, Any]:
        """The defaults a ``codecrdt.generate`` request falls back to (camelCase keys)."""
        return {
            "provider": self.provider,
            "model": self.model,
            "baseUrl": self.base_url,
            "agents": self.agents,
            "mode": self.mode,
            "script": self.script,
            "maxTokens": self.max_tokens,
            "maxCost": self.max_cost,
        }


def _problem(name: str, kind: str, value: Any) -> str | None:
    optional = "None" in kind
    if value is None:
        return None if optional else "must not be null"
    if kind.startswith("int"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return "must be a non-negative integer"
        low, high = _RANGES.get(name, (0, 2**63))
        if not low <= value <= high:
            return f"must be from {low} to {high}"
        return None
    if kind.startswith("float"):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            return "must be a non-negative number"
        return None
    if not isinstance(value, str):
        return "must be a string"
    choices = _choices(name)
    if choices and value not in choices:
        return f"must be one of {', '.join(choices)}"
    return None


def _choices(name: str) -> tuple[str, ...] | None:
    """The values a string option may take (the registry's providers are read each time:
    one may be registered after this module is imported)."""
    if name == "provider":
        return provider_names()
    if name == "mode":
        return MODES
    return None


def _camel(name: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)

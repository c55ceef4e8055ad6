"""Prepared scripts for the ``scripted`` provider: one TOML file per task.

A script holds what a scripted run streams — the outline, one body per TODO, the whole
file for sequential mode, the answers to the Evaluator's requests — plus the latency model
and injectable faults. The format is documented in docs/scripts.md. Bundled scripts live
in ``codecrdt/agents/scripts/``; ``--script`` takes a bundled task's name or a path.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from codecrdt.markers import scan_markers

__all__ = [
    "LATENCY_PRESETS",
    "Fault",
    "Latency",
    "Script",
    "ScriptError",
    "assemble",
    "bundled_scripts",
    "default_script",
    "describe_growth",
    "draw_growth",
    "load_script",
    "parse_growth",
]

FAULT_KINDS = ("rate_limit", "overloaded", "server_error", "disconnect", "stall", "auth")


class ScriptError(ValueError):
    """A script that cannot be loaded; the message says which file and what is wrong."""


@dataclass(frozen=True, slots=True)
class Latency:
    """A seeded model of a model server, in the terms its users know it by.

    First token after ``ttft_s + uncached input tokens / prefill_tokens_per_s + cached
    input tokens / cached_tokens_per_s`` (a rate of 0 leaves that term out); then tokens at
    ``min(chars_per_s / chars_per_token, capacity_tokens_per_s / active streams)`` per
    stream (a capacity of 0: unlimited). A request beyond ``max_streams`` concurrent ones
    (0: unlimited) is refused with a 429 whose ``retry-after`` is the time until a stream
    is expected to end. Implementer requests (the parallel TODOs) generate ``growth``
    times more output tokens than their prepared text (see :func:`parse_growth`): the
    extra tokens cost streaming time, capacity and usage; the text written stays the
    prepared, valid code. Every delay is jittered by ±``jitter``.
    """

    ttft_s: float = 1.8
    chars_per_s: float = 280.0
    jitter: float = 0.25
    chars_per_token: float = 4.0
    #: Tokens per streamed event (1 = one event per token, like the real APIs).
    tokens_per_event: int = 1
    prefill_tokens_per_s: float = 0.0
    cached_tokens_per_s: float = 0.0
    #: Concurrent requests share the prefill rate (a local server's one batch).
    shared_prefill: bool = False
    capacity_tokens_per_s: float = 0.0
    max_streams: int = 0
    growth: str = "0"

    def __post_init__(self) -> None:
        parse_growth(self.growth)
        if self.chars_per_s <= 0:
            raise ValueError("chars_per_s must be positive")

    @property
    def tokens_per_s(self) -> float:
        """The per-stream output rate in tokens per second."""
        return self.chars_per_s / max(self.chars_per_token, 1.0)

    def describe(self) -> str:
        """The model in one line, every parameter named."""

        def rate(value: float, unit: str = "tokens/s") -> str:
            return "not modelled" if value <= 0 else f"{value:g} {unit}"

        capacity = self.capacity_tokens_per_s
        return (
            f"first token after {self.ttft_s:g} s + input tokens ÷ prefill "
            f"({rate(self.prefill_tokens_per_s)}"
            f"{', shared by concurrent requests' if self.shared_prefill else ''}; cached "
            f"prefix {rate(self.cached_tokens_per_s)}); output "
            f"{self.tokens_per_s:g} tokens/s per stream ({self.chars_per_s:g} characters/s at "
            f"{self.chars_per_token:g} characters/token), provider capacity "
            f"{'unlimited' if capacity <= 0 else rate(capacity)}"
            f", {self.max_streams or 'unlimited'} concurrent streams"
            f"{' (429 with retry-after beyond)' if self.max_streams else ''}; parallel TODOs' "
            f"output growth {describe_growth(self.growth)}"
            f"; ±{self.jitter:.0%} jitter"
        )


def parse_growth(spec: str) -> tuple[str, float, float]:
    """A growth distribution: ``X`` (fixed, e.g. ``0.5`` = 50 % more output),
    ``uniform:LO,HI`` or ``normal:MEAN,SD`` (clipped at 0). ValueError when malformed."""
    kind, _, args = spec.partition(":")
    try:
        if not args:
            value = float(kind)
            if value < 0:
                raise ValueError
            return ("fixed", value, value)
        low, high = (float(part) for part in args.split(","))
    except ValueError:
        raise ValueError(
            f"growth {spec!r}: expected X, uniform:LO,HI or normal:MEAN,SD (X, LO, HI ≥ 0)"
        ) from None
    if kind == "uniform" and 0 <= low <= high:
        return ("uniform", low, high)
    if kind == "normal" and high >= 0:
        return ("normal", low, high)
    raise ValueError(f"growth {spec!r}: expected X, uniform:LO,HI or normal:MEAN,SD")


def describe_growth(spec: str) -> str:
    kind, a, b = parse_growth(spec)
    if kind == "fixed":
        return "none" if a == 0 else f"+{a:.0%}"
    if kind == "uniform":
        return f"uniform +{a:.0%} to +{b:.0%}"
    return f"normal, mean +{a:.0%}, sd {b:.0%} (at least 0)"


def draw_growth(spec: str, rng: random.Random) -> float:
    """One draw of the growth distribution ``spec`` (extra output ÷ prepared output)."""
    kind, a, b = parse_growth(spec)
    if kind == "fixed":
        return a
    if kind == "uniform":
        return rng.uniform(a, b)
    return max(0.0, rng.gauss(a, b))


#: Latency presets (``--latency-preset``); the assumptions behind each are in
#: docs/benchmarks.md ("The latency model").
LATENCY_PRESETS: dict[str, Latency] = {
    # A hosted API (Anthropic/OpenAI class): ~0.6 s base first-token time, prefill at
    # thousands of tokens/s, a prefix cache ten times faster, 70 tokens/s per stream
    # (the CodeCRDT paper's 280 characters/s), capacity and streams not the bottleneck.
    "hosted": Latency(
        ttft_s=0.6,
        chars_per_s=280.0,
        prefill_tokens_per_s=4000.0,
        cached_tokens_per_s=40000.0,
    ),
    # A 7B coder model on one consumer GPU (llama.cpp / vLLM, 8 slots): batched decoding
    # gives ~300 tokens/s in all, ~80 per stream; prefill ~3000 tokens/s, shared.
    "local-gpu": Latency(
        ttft_s=0.1,
        chars_per_s=320.0,
        prefill_tokens_per_s=3000.0,
        cached_tokens_per_s=30000.0,
        shared_prefill=True,
        capacity_tokens_per_s=300.0,
        max_streams=8,
    ),
    # A 0.5B model on 2 CPU cores (llama.cpp server, 3 slots): prefill ≈ 40 tokens/s,
    # output ≈ 30 tokens/s in all (≈ 20 for one stream), a reused prefix nearly free.
    "local-cpu": Latency(
        ttft_s=0.2,
        chars_per_s=80.0,
        prefill_tokens_per_s=40.0,
        cached_tokens_per_s=2000.0,
        shared_prefill=True,
        capacity_tokens_per_s=30.0,
        max_streams=3,
    ),
}


@dataclass(frozen=True, slots=True)
class Fault:
    key: str  # outline, todo:<name>, sequential, fix:<code>:<name> (any request with it)
    kind: str
    at_token: int = 0
    attempts: tuple[int, ...] = (1,)
    retry_after_s: float | None = None
    stall_s: float = 3600.0


@dataclass(frozen=True)
class Script:
    name: str
    title: str
    language: str
    file: str
    spec: str
    outline: str
    todos: dict[str, str]
    sequential: str
    evaluator: dict[tuple[str, str], str]
    latency: Latency = Latency()
    faults: tuple[Fault, ...] = ()
    path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def answer(self, key: str) -> str | None:
        """The prepared text for a request key, or None."""
        if key == "outline":
            return self.outline
        if key == "sequential":
            return self.sequential
        if key.startswith("todo:"):
            return self.todos.get(key[5:])
        if key.startswith("fix:"):
            return self._fixes(key)
        return None

    def _fixes(self, key: str) -> str | None:
        """The answer to a batched Evaluator request (``fix:<code>:<name> …``, its places
        numbered 1, 2, … in that order, the conflicts of one place joined by ``+``): a
        ``FIX n`` block for each place the script has an answer for (the answer to its
        first conflict that has one); None when it has none."""
        blocks = []
        for number, place in enumerate(key.removeprefix("fix:").split(" "), start=1):
            for conflict in place.split("+"):
                code, _colon, name = conflict.partition(":")
                text = self.evaluator.get((code, name))
                if text is not None:
                    blocks.append(f"FIX {number}\n```\n{text}```\n")
                    break
        return "".join(blocks) or None

    def faulted(self, fault_key: str, key: str) -> bool:
        """Whether a fault for ``fault_key`` hits the request ``key``: the same key, or
        one conflict's ``fix:<code>:<name>`` in a batched Evaluator request."""
        if fault_key == key:
            return True
        if not (fault_key.startswith("fix:") and key.startswith("fix:")):
            return False
        places = key.removeprefix("fix:").split(" ")
        return fault_key.removeprefix("fix:") in {c for p in places for c in p.split("+")}


def assemble(outline: str, todos: dict[str, str]) -> str:
    """The outline with every marker replaced by its body, at the marker's indentation."""
    parts: list[str] = []
    position = 0
    for marker in scan_markers(outline):
        body = todos.get(marker.name)
        if body is None:
            continue
        parts.append(outline[position : marker.start])
        parts.extend(
            f"{marker.indent}{line}" if line.strip() else "\n"
            for line in body.splitlines(keepends=True)
        )
        position = marker.end
    parts.append(outline[position:])
    return "".join(parts)


def _text(table: Any, where: str, path: str) -> str:
    if not isinstance(table, dict) or not isinstance(table.get("text"), str):
        raise ScriptError(f"{path}: [{where}] needs a string 'text'")
    text: str = table["text"]
    return text if text.endswith("\n") or not text else text + "\n"


def parse_script(data: dict[str, Any], path: str) -> Script:
    if data.get("format", 1) != 1:
        raise ScriptError(f"{path}: unsupported script format {data.get('format')!r}")
    task = data.get("task")
    if not isinstance(task, dict):
        raise ScriptError(f"{path}: missing [task]")
    for key in ("name", "language", "spec"):
        if not isinstance(task.get(key), str) or not task[key].strip():
            raise ScriptError(f"{path}: [task] needs a non-empty '{key}'")
    outline = _text(data.get("outline"), "outline", path)
    todos_table = data.get("todos", {})
    if not isinstance(todos_table, dict):
        raise ScriptError(f"{path}: [todos] must be a table of tables")
    todos = {name: _text(body, f"todos.{name}", path) for name, body in todos_table.items()}
    names = [m.name for m in scan_markers(outline)]
    missing = [n for n in names if n not in todos]
    if missing:
        raise ScriptError(f"{path}: the outline's markers {missing} have no [todos.NAME] body")
    sequential = (
        _text(data["sequential"], "sequential", path)
        if "sequential" in data
        else assemble(outline, todos)
    )
    evaluator: dict[tuple[str, str], str] = {}
    for index, answer in enumerate(data.get("evaluator", [])):
        if not isinstance(answer, dict) or "code" not in answer or "text" not in answer:
            raise ScriptError(f"{path}: [[evaluator]] #{index + 1} needs 'code' and 'text'")
        evaluator[(str(answer["code"]), str(answer.get("name", "")))] = str(answer["text"])
    latency_table = data.get("latency", {})
    try:
        latency = Latency(**latency_table)
    except (TypeError, ValueError) as error:
        raise ScriptError(f"{path}: [latency]: {error}") from None
    faults: list[Fault] = []
    for index, fault in enumerate(data.get("faults", [])):
        if fault.get("kind") not in FAULT_KINDS:
            raise ScriptError(
                f"{path}: [[faults]] #{index + 1}: kind must be one of {', '.join(FAULT_KINDS)}"
            )
        attempts = fault.get("attempts", [1])
        faults.append(
            Fault(
                key=str(fault.get("key", "")),
                kind=fault["kind"],
                at_token=int(fault.get("at_token", 0)),
                attempts=tuple(int(a) for a in attempts),
                retry_after_s=fault.get("retry_after_s"),
                stall_s=float(fault.get("stall_s", 3600.0)),
            )
        )
    return Script(
        name=task["name"],
        title=str(task.get("title", task["name"])),
        language=task["language"],
        file=str(task.get("file", "")),
        spec=task["spec"].strip(),
        outline=outline,
        todos=todos,
        sequential=sequential,
        evaluator=evaluator,
        latency=latency,
        faults=tuple(faults),
        path=path,
    )


#: The bundled task a scripted run of each language falls back to when none is named.
_DEFAULT_TASKS = {"python": "inventory-cli", "tsx": "pomodoro-timer"}


def default_script(language: str) -> str | None:
    """The bundled task's name for ``language``, or None when there is none."""
    return _DEFAULT_TASKS.get(language)


def _bundled_dir() -> Path:
    return Path(str(resources.files("codecrdt.agents") / "scripts"))


def bundled_scripts() -> list[Script]:
    return [load_script(str(p)) for p in sorted(_bundled_dir().glob("*.toml"))]


def load_script(name_or_path: str) -> Script:
    """A bundled task by name, or a script file by path."""
    path = Path(name_or_path)
    if path.suffix != ".toml" or not path.exists():
        for candidate in sorted(_bundled_dir().glob("*.toml")):
            if candidate.name.split(".")[0] == name_or_path:
                path = candidate
                break
        else:
            names = ", ".join(p.name.split(".")[0] for p in sorted(_bundled_dir().glob("*.toml")))
            raise ScriptError(f"no script named {name_or_path!r} (bundled: {names})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ScriptError(f"{path}: {error}") from None
    return parse_script(data, str(path))

"""``--mode auto``: estimate how long each mode would take, and run the faster.

Before anything is written, two makespans are estimated from the provider's speed and the
task's expected size (docs/agents.md, "Auto mode"):

- sequential ≈ one request: first token of its prompt + the whole file at the stream rate;
- parallel ≈ the outline request + ⌈TODOs ÷ k⌉ rounds of (first token of an implementer's
  prompt + one TODO's share of the output) + one Evaluator request over the whole file.

A first token takes ``base + input tokens ÷ prefill rate`` (a server that prefills
concurrent requests in one batch shares that rate among them; later rounds reuse the
cached prefix where the server caches); a stream's rate is ``min(rate, capacity ÷ streams)``
and at most ``max_streams`` stream at once.

The provider's speed (:class:`Speeds`) comes from its measured requests
(:mod:`codecrdt.agents.measurements`) where there are any, else from the latency presets of
:data:`~codecrdt.agents.script.LATENCY_PRESETS` (a hosted API: ``hosted``; a server on this
machine or the local network, of unknown speed: ``local-cpu``, the cautious guess), and for
the scripted provider its own latency model. The task's size (:class:`TaskSize`) comes from
the script (scripted provider), else from this task's earlier runs, else from the spec's
length at the bundled tasks' ratio. The :class:`ModeChoice` says which mode, why, and
every input.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from codecrdt.agents.measurements import (
    MeasurementStore,
    ProviderKey,
    RequestTiming,
    TaskRecord,
    task_key,
)
from codecrdt.agents.prompts import outline_request, sequential_request
from codecrdt.agents.providers.base import Request
from codecrdt.agents.script import LATENCY_PRESETS, Latency, Script, bundled_scripts, parse_growth

__all__ = [
    "CHARS_PER_TOKEN",
    "Estimate",
    "ModeChoice",
    "Speeds",
    "TaskSize",
    "choose",
    "choose_mode",
    "estimate",
    "measured_speeds",
    "preset_for",
    "task_size",
]

Chosen = Literal["parallel", "sequential"]
#: Characters per token where a provider's own count is not at hand (as elsewhere).
CHARS_PER_TOKEN = 4.0
#: A concurrent request whose stream ran below this share of a lone stream's rate was
#: slowed by the server's capacity (its per-stream rate × streams measures the capacity).
_SLOWED = 0.8
#: The fewest output tokens of a request whose rate counts (shorter ones are mostly noise).
_MIN_RATE_TOKENS = 8


@dataclass(frozen=True)
class Speeds:
    """A server's speed, as the estimate uses it. A rate of 0: not a cost (free)."""

    first_token_s: float
    prefill_tokens_per_s: float
    cached_tokens_per_s: float
    tokens_per_s: float
    capacity_tokens_per_s: float = 0.0
    max_streams: int = 0
    shared_prefill: bool = False
    #: Where the figures come from, in words.
    source: str = ""
    #: How many measured requests they rest on (0: none: a preset or a latency model).
    samples: int = 0

    @classmethod
    def from_latency(cls, latency: Latency, source: str) -> Speeds:
        return cls(
            first_token_s=latency.ttft_s,
            prefill_tokens_per_s=latency.prefill_tokens_per_s,
            cached_tokens_per_s=latency.cached_tokens_per_s,
            tokens_per_s=latency.tokens_per_s,
            capacity_tokens_per_s=latency.capacity_tokens_per_s,
            max_streams=latency.max_streams,
            shared_prefill=latency.shared_prefill,
            source=source,
        )

    def first_token(self, tokens: float, together: int = 1, cached: bool = False) -> float:
        """Seconds to the first token of a prompt of ``tokens``, ``together`` requests
        being prefilled at once; ``cached``: the prompt is a prefix the server has cached."""
        rate = self.cached_tokens_per_s if cached and self.cached_tokens_per_s > 0 else None
        rate = rate if rate is not None else self.prefill_tokens_per_s
        if rate <= 0:
            return self.first_token_s
        share = together if self.shared_prefill else 1
        return self.first_token_s + tokens * share / rate

    def stream_rate(self, streams: int = 1) -> float:
        """Output tokens/s of each of ``streams`` concurrent streams."""
        if self.capacity_tokens_per_s > 0:
            return min(self.tokens_per_s, self.capacity_tokens_per_s / max(streams, 1))
        return self.tokens_per_s

    def describe(self) -> str:
        prefill = (
            "free"
            if self.prefill_tokens_per_s <= 0
            else f"{self.prefill_tokens_per_s:.4g} tokens/s"
            + (", shared by concurrent requests" if self.shared_prefill else "")
        )
        capacity = (
            "unlimited" if self.capacity_tokens_per_s <= 0 else f"{self.capacity_tokens_per_s:.4g}"
        )
        return (
            f"first token {self.first_token_s:.3g} s + input ÷ prefill ({prefill}); "
            f"{self.tokens_per_s:.4g} tokens/s per stream, capacity {capacity}"
            f"{' tokens/s' if self.capacity_tokens_per_s > 0 else ''}, "
            f"{self.max_streams or 'unlimited'} streams"
        )


@dataclass(frozen=True)
class TaskSize:
    """What the task is expected to write, in tokens, and its prompts' sizes."""

    output_tokens: float
    outline_tokens: float
    todos: int
    #: The sequential writer's and the Outliner's prompts (system, task and file).
    sequential_prompt_tokens: float
    outline_prompt_tokens: float
    #: Extra output of parallel TODOs over their share (0.5: half again as much).
    growth: float = 0.0
    source: str = ""

    def describe(self) -> str:
        growth = f", parallel TODOs +{self.growth:.0%} output" if self.growth > 0 else ""
        return (
            f"~{self.output_tokens:,.0f} output tokens, {self.todos} TODO(s), outline "
            f"~{self.outline_tokens:,.0f} tokens{growth}"
        )


@dataclass(frozen=True)
class Estimate:
    """The two makespans (seconds) and the parts of the parallel one."""

    sequential_s: float
    parallel_s: float
    agents: int
    #: Implementers writing at once: min(agents, TODOs, the server's stream limit).
    streams: int
    rounds: int
    outline_s: float
    first_round_s: float
    later_round_s: float
    evaluator_s: float


@dataclass(frozen=True)
class ModeChoice:
    """What ``--mode auto`` chose, why, and every input of the estimate."""

    mode: Chosen
    reason: str
    estimate: Estimate
    speeds: Speeds
    size: TaskSize
    #: Anything the user should know about the inputs (an unreadable measurements file).
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "requested": "auto",
            "mode": self.mode,
            "reason": self.reason,
            "estimate": {
                k: round(v, 3) if isinstance(v, float) else v
                for k, v in asdict(self.estimate).items()
            },
            "speeds": asdict(self.speeds),
            "size": asdict(self.size),
            "notes": list(self.notes),
        }


# -- the estimate ----------------------------------------------------------------------------


def estimate(speeds: Speeds, size: TaskSize, agents: int) -> Estimate:
    """Both makespans of a task of ``size`` on a server of ``speeds`` with ``agents``."""
    output = max(size.output_tokens, 1.0)
    sequential = speeds.first_token(size.sequential_prompt_tokens) + output / speeds.stream_rate()
    todos = max(size.todos, 1)
    limit = speeds.max_streams or agents
    streams = max(1, min(agents, todos, limit))
    rounds = math.ceil(todos / streams)
    outline = min(size.outline_tokens, output)
    share = (output - outline) / todos * (1 + size.growth)
    # An implementer's prompt: the Outliner's (system, task) and the outline it wrote.
    implementer_prompt = size.outline_prompt_tokens + outline
    outline_s = speeds.first_token(size.outline_prompt_tokens) + outline / speeds.stream_rate()
    writing = share / speeds.stream_rate(streams)
    first_round = speeds.first_token(implementer_prompt, streams) + writing
    later_round = speeds.first_token(implementer_prompt, streams, cached=True) + writing
    # One Evaluator request over the whole file, answering one TODO's share.
    evaluator = speeds.first_token(size.outline_prompt_tokens + output) + (
        share / speeds.stream_rate()
    )
    parallel = outline_s + first_round + (rounds - 1) * later_round + evaluator
    return Estimate(
        sequential_s=sequential,
        parallel_s=parallel,
        agents=agents,
        streams=streams,
        rounds=rounds,
        outline_s=outline_s,
        first_round_s=first_round,
        later_round_s=later_round,
        evaluator_s=evaluator,
    )


def choose(speeds: Speeds, size: TaskSize, agents: int, notes: tuple[str, ...] = ()) -> ModeChoice:
    """The faster mode by :func:`estimate` (a tie goes to sequential: fewer tokens)."""
    figures = estimate(speeds, size, agents)
    mode: Chosen = "parallel" if figures.parallel_s < figures.sequential_s else "sequential"
    reason = (
        f"auto chose {mode}: estimated {figures.sequential_s:.1f} s sequential, "
        f"{figures.parallel_s:.1f} s parallel with {agents} agent(s) "
        f"({figures.rounds} round(s) of {figures.streams}); speed: {speeds.source}: "
        f"{speeds.describe()}; task: {size.source}: {size.describe()}"
    )
    return ModeChoice(mode, reason, figures, speeds, size, notes)


# -- the provider's speed ------------------------------------------------------------------


def _is_local(endpoint: str) -> bool:
    host = urlsplit(endpoint).hostname or ""
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def preset_for(endpoint: str) -> str:
    """The latency preset assumed for a server with nothing measured: ``local-cpu`` for
    an endpoint on this machine or the local network (of unknown speed: the cautious
    guess), else ``hosted`` (a provider's own API, or any remote endpoint)."""
    return "local-cpu" if endpoint and _is_local(endpoint) else "hosted"


def measured_speeds(
    timings: list[RequestTiming], fallback: Latency, fallback_name: str
) -> Speeds | None:
    """The speed ``timings`` show; what they cannot show (the prefix cache, whether
    prefill is shared, the stream limit, a capacity never reached) from ``fallback``.
    None when no timing has output to measure."""
    usable = [t for t in timings if t.output_tokens > 0 and t.first_token_s > 0]
    if not usable:
        return None
    alone = [t for t in usable if t.streams < 1.5]
    together = [t for t in usable if t.streams >= 1.5]
    # Output rate: requests that streamed alone; else the least slowed concurrent one.
    timed = [t for t in alone if t.output_s > 0 and t.output_tokens >= _MIN_RATE_TOKENS]
    kept: list[str] = []
    if timed:
        rate = sum(t.output_tokens for t in timed) / sum(t.output_s for t in timed)
    else:
        rates = [
            t.output_tokens / t.output_s
            for t in together
            if t.output_s > 0 and t.output_tokens >= _MIN_RATE_TOKENS
        ]
        if not rates:
            rate = fallback.tokens_per_s
            kept.append("output rate")
        else:
            rate = max(rates)
    # Capacity: concurrent streams slowed below a lone one's rate show it.
    capacity = fallback.capacity_tokens_per_s
    slowed = [
        t.output_tokens / t.output_s * t.streams
        for t in together
        if t.output_s > 0
        and t.output_tokens >= _MIN_RATE_TOKENS
        and t.output_tokens / t.output_s < _SLOWED * rate
    ]
    if slowed:
        # All streams together decode at least as fast as one alone (a server whose
        # concurrent streams add up to less is read as having no gain from them).
        capacity = max(statistics.median(slowed), rate)
    else:
        kept.append("capacity")
    base, prefill = _fit_first_token(alone if len(alone) >= 2 else usable, fallback)
    kept += ["prefix cache", "shared prefill", "stream limit"]
    source = (
        f"measured: {len(usable)} request(s) of earlier runs "
        f"({', '.join(kept)} from the {fallback_name} preset)"
    )
    return Speeds(
        first_token_s=base,
        prefill_tokens_per_s=prefill,
        cached_tokens_per_s=fallback.cached_tokens_per_s,
        tokens_per_s=rate,
        capacity_tokens_per_s=capacity,
        max_streams=fallback.max_streams,
        shared_prefill=fallback.shared_prefill,
        source=source,
        samples=len(usable),
    )


def _fit_first_token(timings: list[RequestTiming], fallback: Latency) -> tuple[float, float]:
    """(base s, prefill tokens/s) of ``first token = base + input ÷ prefill``, by least
    squares over ``timings``; with one prompt size only, the base is the fallback's
    (at most the fastest first token) and the prefill rate what is left."""
    xs = [float(t.input_tokens) for t in timings]
    ys = [t.first_token_s for t in timings]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if len(xs) >= 2 and spread > 0:
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
        base = mean_y - slope * mean_x
        if slope <= 0:  # prompt size does not show in the first-token time
            return mean_y, 0.0
        if base >= 0:
            return base, 1 / slope
        through_origin = sum(x * y for x, y in zip(xs, ys, strict=True)) / sum(x * x for x in xs)
        return 0.0, 1 / through_origin
    base = min(fallback.ttft_s, min(ys))
    waited = sum(ys) - base * len(ys)
    if waited <= 0 or sum(xs) <= 0:
        return base, 0.0
    return base, sum(xs) / waited


# -- the task's size -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Ratios:
    """The bundled tasks' medians: output chars per spec char, outline share, chars/TODO."""

    output_per_spec_char: float
    outline_share: float
    chars_per_todo: float


@functools.cache
def _bundled_ratios() -> _Ratios:
    scripts = bundled_scripts()
    return _Ratios(
        output_per_spec_char=statistics.median(len(s.sequential) / len(s.spec) for s in scripts),
        outline_share=statistics.median(len(s.outline) / len(s.sequential) for s in scripts),
        chars_per_todo=statistics.median(
            (len(s.sequential) - len(s.outline)) / max(len(s.todos), 1) for s in scripts
        ),
    )


def _tokens(request: Request, per_token: float) -> float:
    return (len(request.system) + len(request.context) + len(request.prompt)) / per_token


def growth_mean(spec: str) -> float:
    """The mean of a growth distribution (:func:`~codecrdt.agents.script.parse_growth`)."""
    kind, a, b = parse_growth(spec)
    return (a + b) / 2 if kind == "uniform" else a


def task_size(
    spec: str,
    language: str,
    document: str = "",
    *,
    script: Script | None = None,
    history: TaskRecord | None = None,
    chars_per_token: float = CHARS_PER_TOKEN,
    growth: float = 0.0,
) -> TaskSize:
    """The task's expected size: ``script``'s prepared output, else ``history`` (this
    task's earlier runs), else the spec's length at the bundled tasks' ratios."""
    per_token = max(chars_per_token, 1.0)
    prompts = {
        "sequential_prompt_tokens": _tokens(
            sequential_request(language, spec, document, "writer"), per_token
        ),
        "outline_prompt_tokens": _tokens(
            outline_request(language, spec, document, "outliner"), per_token
        ),
    }
    ratios = _bundled_ratios()
    if script is not None:
        return TaskSize(
            output_tokens=len(script.sequential) / per_token,
            outline_tokens=len(script.outline) / per_token,
            todos=max(len(script.todos), 1),
            growth=growth,
            source=f"the script {script.name!r} (its prepared output)",
            **prompts,
        )
    if history is not None and (history.sequential_chars or history.parallel_chars):
        chars = history.sequential_chars or history.parallel_chars or 0.0
        if history.sequential_chars and history.parallel_chars:
            growth = max(0.0, history.parallel_chars / history.sequential_chars - 1)
        outline = history.outline_chars or chars * ratios.outline_share
        todos = history.todos or (chars - outline) / ratios.chars_per_todo
        return TaskSize(
            output_tokens=chars / per_token,
            outline_tokens=outline / per_token,
            todos=max(1, round(todos)),
            growth=growth,
            source=f"this task's {history.runs} earlier run(s)",
            **prompts,
        )
    chars = len(spec.strip()) * ratios.output_per_spec_char
    outline = chars * ratios.outline_share
    return TaskSize(
        output_tokens=chars / per_token,
        outline_tokens=outline / per_token,
        todos=max(1, round((chars - outline) / ratios.chars_per_todo)),
        growth=growth,
        source=(
            f"the spec's length ({len(spec.strip()):,} characters × "
            f"{ratios.output_per_spec_char:.1f}, the bundled tasks' median; one TODO per "
            f"{ratios.chars_per_todo:,.0f} characters)"
        ),
        **prompts,
    )


# -- the choice ------------------------------------------------------------------------------


def choose_mode(
    *,
    key: ProviderKey,
    spec: str,
    language: str,
    agents: int,
    document: str = "",
    script: Script | None = None,
    latency: Latency | None = None,
    store: MeasurementStore | None = None,
) -> ModeChoice:
    """The mode ``--mode auto`` runs for this request.

    ``latency``: the scripted provider's latency model (its speed is then known exactly,
    and ``script`` its output); otherwise the provider's speed is measured from ``store``
    or assumed from a preset (:func:`preset_for`), and the size comes from ``store``'s
    record of this task or the spec.
    """
    notes: list[str] = []
    if latency is not None:
        speeds = Speeds.from_latency(latency, "the scripted provider's latency model")
        size = task_size(
            spec,
            language,
            document,
            script=script,
            chars_per_token=latency.chars_per_token,
            growth=growth_mean(latency.growth),
        )
        return choose(speeds, size, agents)
    store = store or MeasurementStore()
    name = preset_for(key.endpoint)
    preset = LATENCY_PRESETS[name]
    measured = measured_speeds(store.requests(key), preset, name)
    speeds = measured or Speeds.from_latency(
        preset, f"no measurement of {key.describe()} yet: the {name} preset's figures"
    )
    history = store.task(task_key(language, spec))
    if store.problem:
        notes.append(store.problem)
    size = task_size(spec, language, document, history=history)
    return choose(speeds, size, agents, tuple(notes))

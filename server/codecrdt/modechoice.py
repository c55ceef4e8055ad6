"""A request's mode, resolved before its run, and what the run measured, kept after it.

``codecrdt generate`` and the language server's runs call :func:`resolve` with the
request and its provider: ``parallel`` and ``sequential`` stay as asked; ``auto`` becomes
the faster of the two by :func:`codecrdt.agents.automode.choose_mode`, with the reason
the report carries. After the run, :func:`remember` adds the run's request timings and
the size of what it wrote to the measurements file
(:mod:`codecrdt.agents.measurements`) — not for the scripted provider, whose speed is
its latency model and whose output is prepared.
"""

from __future__ import annotations

import dataclasses
import logging

from codecrdt.agents.automode import ModeChoice, choose_mode
from codecrdt.agents.context import RunContext
from codecrdt.agents.measurements import MeasurementStore, ProviderKey, safe_endpoint, task_key
from codecrdt.agents.providers.base import Provider
from codecrdt.agents.run import Report
from codecrdt.agents.script import Latency
from codecrdt.request import RunRequest

__all__ = ["provider_key", "remember", "resolve"]

logger = logging.getLogger(__name__)


def provider_key(provider: Provider) -> ProviderKey:
    """Whose speed the run measures: the provider, its model, its endpoint's origin."""
    endpoint = getattr(provider, "endpoint", None)
    return ProviderKey(provider.name, provider.model, safe_endpoint(endpoint))


def resolve(
    request: RunRequest,
    provider: Provider,
    document: str = "",
    store: MeasurementStore | None = None,
) -> tuple[RunRequest, ModeChoice | None]:
    """``request`` with its run mode on ``provider`` writing into ``document``, and for
    ``auto`` the choice with its reason (None when the request named its mode)."""
    if request.mode != "auto":
        return request, None
    latency = getattr(provider, "latency", None) if request.provider == "scripted" else None
    choice = choose_mode(
        key=provider_key(provider),
        spec=request.spec,
        language=request.language,
        agents=request.agents,
        document=document,
        script=request.script if latency is not None else None,
        latency=latency if isinstance(latency, Latency) else None,
        store=store,
    )
    return dataclasses.replace(request, mode=choice.mode), choice


def remember(
    request: RunRequest,
    provider: Provider,
    ctx: RunContext,
    report: Report,
    *,
    fresh: bool,
    store: MeasurementStore | None = None,
) -> None:
    """Keep what the run measured: its request timings, and (``fresh``: an Outliner or
    sequential run on an empty file that finished) the size of what it wrote. Never
    raises: a run's end does not depend on the cache."""
    if request.provider == "scripted" or not ctx.timings:
        return
    chars: dict[str, float] = {}
    for timing in ctx.timings:
        chars[timing.role] = chars.get(timing.role, 0.0) + timing.chars
    finished = fresh and report.stopped_by is None
    try:
        (store or MeasurementStore()).record(
            provider_key(provider),
            list(ctx.timings),
            task=task_key(request.language, request.spec) if finished else None,
            mode=report.mode,
            chars=chars,
            todos=len(report.todos) if report.mode == "parallel" else None,
        )
    except Exception:  # a cache that cannot be kept is no failed run
        logger.exception("the run's measurements were not kept")

"""Generation runs inside the language server: start, watch, cancel, evaluate, undo.

The LSP handlers in :mod:`codecrdt.server` stay thin: they parse arguments into a
:class:`RunRequest` and hand it to the :class:`RunManager`, which runs the agents on the
document's shared document (so their edits reach every editor through the editor bridge),
reports progress and activity through callbacks, and keeps each run's report. A run's
agent edits can be undone afterwards (pycrdt's undo manager, scoped to the run's agent
origins): what users typed meanwhile stays.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from pycrdt import UndoManager

from codecrdt.agents.board import Board
from codecrdt.agents.context import RunContext, RunEvent
from codecrdt.agents.evaluator import Evaluator
from codecrdt.agents.hub import Hub, HubOptions
from codecrdt.agents.providers import PROVIDERS, default_provider, make_provider
from codecrdt.agents.providers.base import Provider
from codecrdt.agents.run import Mode, Report, RunOptions, generate
from codecrdt.agents.script import Script, ScriptError, default_script, load_script
from codecrdt.analysis.languages import LanguageSpec
from codecrdt.document import Origin, SharedDocument

__all__ = ["Run", "RunError", "RunManager", "RunRequest"]

MAX_SPEC_CHARS = 100_000
#: The origin of an undone run's changes (not the editor's: they must reach every editor).
UNDO_ORIGIN = "undo-run"
_ids = itertools.count(1)


class RunError(ValueError):
    """A request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class RunRequest:
    uri: str
    spec: str
    agents: int = 3
    mode: str = "parallel"
    provider: str = "scripted"
    model: str | None = None
    base_url: str | None = None
    script: Script | None = None
    wait: bool = False
    max_tokens: int | None = None
    max_cost: float | None = None
    #: Scripted runs only: play modelled delays this many times faster (demos, tests).
    time_scale: float = 1.0

    @classmethod
    def parse(cls, args: dict[str, Any], defaults: dict[str, Any]) -> RunRequest:
        """Read ``codecrdt.generate``'s argument object; ``defaults`` from the settings."""
        uri = args.get("uri")
        if not isinstance(uri, str) or not uri:
            raise RunError("uri must be the document's URI")

        def pick(key: str) -> Any:
            value = args.get(key)
            return defaults.get(key) if value is None else value

        script: Script | None = None
        script_name = pick("script")
        if script_name is not None:
            if not isinstance(script_name, str):
                raise RunError("script must be a task name or a path")
            try:
                script = load_script(script_name)
            except ScriptError as error:
                raise RunError(str(error)) from None
        spec = args.get("spec")
        if spec is None and script is not None:
            spec = script.spec
        if spec is None:
            raise RunError("say what to write: give spec, or script (a task whose spec is used)")
        if not isinstance(spec, str) or not spec.strip():
            raise RunError("spec must be a non-empty string")
        if len(spec) > MAX_SPEC_CHARS:
            raise RunError(f"spec is {len(spec):,} characters; the limit is {MAX_SPEC_CHARS:,}")
        agents = pick("agents")
        if isinstance(agents, bool) or not isinstance(agents, int) or not 1 <= agents <= 64:
            raise RunError("agents must be an integer from 1 to 64")
        mode = pick("mode") or "parallel"
        if mode not in ("parallel", "sequential"):
            raise RunError("mode must be 'parallel' or 'sequential'")
        provider = pick("provider") or default_provider()
        if provider not in PROVIDERS:
            raise RunError(f"provider must be one of {', '.join(PROVIDERS)}")
        model, base_url = pick("model"), pick("baseUrl")
        for name, value in (("model", model), ("baseUrl", base_url)):
            if value is not None and not isinstance(value, str):
                raise RunError(f"{name} must be a string")
        wait = args.get("wait", False)
        if not isinstance(wait, bool):
            raise RunError("wait must be true or false")
        time_scale = args.get("timeScale", 1.0)
        if (
            isinstance(time_scale, bool)
            or not isinstance(time_scale, int | float)
            or not (0 < time_scale <= 10_000)
        ):
            raise RunError("timeScale must be a number above 0")
        if time_scale != 1.0 and provider != "scripted":
            raise RunError("timeScale applies to the scripted provider only")
        return cls(
            uri=uri,
            spec=spec,
            agents=agents,
            mode=mode,
            provider=provider,
            model=model,
            base_url=base_url,
            script=script,
            wait=wait,
            max_tokens=defaults.get("maxTokens"),
            max_cost=defaults.get("maxCost"),
            time_scale=float(time_scale),
        )


@dataclass(eq=False)
class Run:
    id: str
    uri: str
    mode: str
    agents: int
    document: SharedDocument
    state: str = "running"  # running | finished | cancelled | failed
    report: Report | None = None
    task: asyncio.Task[Report] | None = None
    undo: UndoManager | None = None
    activity: dict[str, dict[str, Any]] = field(default_factory=dict)

    def status(self) -> dict[str, Any]:
        return {
            "runId": self.id,
            "uri": self.uri,
            "state": self.state,
            "report": self.report.to_json() if self.report is not None else None,
        }


class RunListener:
    """What the manager tells the server about a run (all optional)."""

    def started(self, run: Run) -> None: ...
    def activity(self, run: Run, event: RunEvent) -> None: ...
    def finished(self, run: Run) -> None: ...


class RunManager:
    def __init__(self, listener: RunListener | None = None) -> None:
        self.listener = listener or RunListener()
        self.runs: dict[str, Run] = {}

    def active_for(self, uri: str) -> Run | None:
        return next((r for r in self.runs.values() if r.uri == uri and r.state == "running"), None)

    def get(self, run_id: Any) -> Run:
        if not isinstance(run_id, str) or run_id not in self.runs:
            raise RunError(f"no run with id {run_id!r}")
        return self.runs[run_id]

    # -- starting -------------------------------------------------------------------

    def provider_for(self, request: RunRequest, language: LanguageSpec) -> Provider:
        script = request.script
        if request.provider == "scripted" and script is None:
            default = default_script(language.name)
            if default is None:
                raise RunError(f"no bundled script for {language.name}: give script")
            script = load_script(default)
        if (
            request.provider == "scripted"
            and script is not None
            and (script.language != language.name)
        ):
            raise RunError(
                f"the script {script.name!r} is {script.language}, the document is {language.name}"
            )
        try:
            return make_provider(
                request.provider,
                model=request.model,
                base_url=request.base_url,
                script=script,
                time_scale=request.time_scale,
            )
        except Exception as error:  # a missing key, an unknown provider: say so
            raise RunError(str(error)) from None

    def start(self, request: RunRequest, document: SharedDocument, language: LanguageSpec) -> Run:
        if self.active_for(request.uri) is not None:
            raise RunError(f"a run is already writing {request.uri}; cancel it first")
        provider = self.provider_for(request, language)
        run = Run(f"run-{next(_ids)}", request.uri, request.mode, request.agents, document)
        run.undo = UndoManager(scopes=[document.source], capture_timeout_millis=2**31 - 1)
        ctx = RunContext(
            provider,
            language,
            request.spec,
            max_tokens=request.max_tokens,
            max_cost=request.max_cost,
            rng=random.Random(),
            on_event=lambda event: self._on_event(run, event),
            time_scale=request.time_scale,
        )
        mode: Mode = "sequential" if request.mode == "sequential" else "parallel"
        options = RunOptions(mode=mode, agents=request.agents)

        def connected(agent: str) -> None:
            assert run.undo is not None
            run.undo.include_origin(Origin.agent(agent))

        async def main() -> Report:
            try:
                report = await generate(document, ctx, options, on_connect=connected)
            except BaseException:
                run.state = "failed"
                raise
            finally:
                await provider.aclose()
            run.report = report
            run.state = "cancelled" if report.stopped_by == "cancel" else "finished"
            self.listener.finished(run)
            return report

        self.runs[run.id] = run
        run.task = asyncio.get_running_loop().create_task(main(), name=run.id)
        self.listener.started(run)
        return run

    def _on_event(self, run: Run, event: RunEvent) -> None:
        if event.kind == "agent":
            entry = run.activity.setdefault(event.agent, {"id": event.agent})
            entry["role"] = event.details.get("role", entry.get("role", ""))
            entry["state"] = event.details.get("state")
            entry["todo"] = event.details.get("todo")
        self.listener.activity(run, event)

    # -- the other commands -----------------------------------------------------------

    def cancel(self, run_id: Any) -> Run:
        run = self.get(run_id)
        if run.task is not None and not run.task.done():
            run.task.cancel()
        return run

    def undo_run(self, run_id: Any) -> int:
        """Remove what the run's agents wrote; returns the number of undo steps."""
        run = self.get(run_id)
        if run.state == "running":
            raise RunError(f"{run.id} is still running; cancel it first")
        steps = 0
        while run.undo is not None and run.undo.can_undo():
            run.document.undo(run.undo, UNDO_ORIGIN)
            steps += 1
        return steps

    async def evaluate(
        self, document: SharedDocument, language: LanguageSpec, request: RunRequest
    ) -> dict[str, Any]:
        """The Evaluator alone, on the document's current conflicts."""
        if self.active_for(request.uri) is not None:
            raise RunError(f"a run is writing {request.uri}; the Evaluator runs as part of it")
        provider = self.provider_for(request, language)
        ctx = RunContext(provider, language, request.spec)
        ctx.started = asyncio.get_running_loop().time()
        hub = Hub(document, HubOptions())
        try:
            evaluator = Evaluator("evaluator", hub.connect("evaluator", "evaluator"), ctx)
            report = await evaluator.final()
            for _ in range(200):  # let the fixes reach the document
                if hub.settled():
                    break
                await asyncio.sleep(0.01)
        finally:
            hub.close()
            await provider.aclose()
        return {
            "uri": request.uri,
            "found": len(report.found),
            "fixedDeterministic": report.fixed_deterministic,
            "fixedModel": report.fixed_model,
            "left": report.left,
            "errors": report.errors,
        }

    # -- activity with ranges ---------------------------------------------------------

    def agent_regions(self, run: Run, text: str) -> dict[str, tuple[int, int] | None]:
        """Each writing agent's region as (first line, end line) in ``text``.

        ``text`` is the editor's: an agent writes just above its TODO's marker line, so
        its region ends at that line in whatever text the editor holds.
        """
        return Board(run.document).regions(text)

    async def close(self) -> None:
        tasks = [r.task for r in self.runs.values() if r.task is not None and not r.task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

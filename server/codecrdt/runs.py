"""Generation runs inside the language server: start, watch, cancel, evaluate, undo.

The LSP handlers in :mod:`codecrdt.lsp.runs` stay thin: they parse arguments into a
:class:`GenerateCommand` (the document, whether to wait, and the checked
:class:`~codecrdt.request.RunRequest`) and hand it to the :class:`RunManager`, which runs
the agents on the document's shared document (so their edits reach every editor through
the editor bridge), reports progress and activity through callbacks, and keeps each run's
report. A run's agent edits can be undone afterwards (pycrdt's undo manager, scoped to the
run's agent origins): what users typed meanwhile stays.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pycrdt import UndoManager

from codecrdt.agents.board import Board
from codecrdt.agents.context import RunContext, RunEvent
from codecrdt.agents.evaluator import Evaluator
from codecrdt.agents.hub import Hub, HubOptions
from codecrdt.agents.providers import make_provider
from codecrdt.agents.providers.base import Provider
from codecrdt.agents.run import Report, RunOptions, generate
from codecrdt.analysis.languages import LanguageSpec, language_for_path
from codecrdt.clock import Clock
from codecrdt.document import Origin, SharedDocument
from codecrdt.fileuri import file_key
from codecrdt.request import KEYS, RequestError, RunRequest

__all__ = ["GenerateCommand", "Run", "RunError", "RunManager"]

#: The origin of an undone run's changes (not the editor's: they must reach every editor).
UNDO_ORIGIN = "undo-run"
logger = logging.getLogger(__name__)
_ids = itertools.count(1)


class RunError(RequestError):
    """A run command that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class GenerateCommand:
    """``codecrdt.generate``'s arguments: the document, whether to wait, the run request."""

    uri: str
    request: RunRequest
    wait: bool = False

    @classmethod
    def parse(
        cls,
        args: dict[str, Any],
        defaults: dict[str, Any],
        language: str | None = None,
        user_urls: Iterable[str] = (),
    ) -> GenerateCommand:
        """Read the argument object; ``defaults`` from the settings (camelCase keys).

        ``language``: the document's, when the server knows it; else the URI's suffix
        tells it. ``user_urls``: the base URLs the server's user configured (a client's
        ``baseUrl`` gets a key only when it is one of them). The run request's fields are
        checked by :meth:`RunRequest.build`.
        """
        uri = args.get("uri")
        if not isinstance(uri, str) or not uri:
            raise RunError("uri must be the document's URI")
        if language is None:
            by_suffix = language_for_path(uri.split("?", 1)[0])
            if by_suffix is None:
                raise RunError(f"cannot tell the language of {uri} from its name")
            language = by_suffix.name

        def pick(key: str) -> Any:  # absent, null or "": the setting's
            value = args.get(key)
            return defaults.get(key) if value is None or value == "" else value

        wait = args.get("wait", False)
        if not isinstance(wait, bool):
            raise RunError("wait must be true or false")
        request = RunRequest.build(
            spec=args.get("spec"),
            language=language,
            provider=pick("provider") or None,
            agents=pick("agents"),
            mode=pick("mode") or "parallel",
            model=pick("model"),
            base_url=pick("baseUrl"),
            user_urls=user_urls,
            script=pick("script"),
            # The budgets come from the settings only.
            max_tokens=defaults.get("maxTokens"),
            max_cost=defaults.get("maxCost"),
            time_scale=args.get("timeScale", 1.0),
            target=uri,
            names=KEYS,
        )
        return cls(uri=uri, request=request, wait=wait)


@dataclass(eq=False)
class Run:
    id: str
    uri: str
    mode: str
    agents: int
    document: SharedDocument
    #: running | finished | cancelled | failed (stopped by an error: report.error says why)
    state: str = "running"
    report: Report | None = None
    task: asyncio.Task[Report] | None = None
    undo: UndoManager | None = None
    activity: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The file the run writes, however its URI was spelled (:func:`file_key`).
    key: str = ""

    def __post_init__(self) -> None:
        self.key = self.key or file_key(self.uri)

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
    async def ending(self, run: Run) -> None:
        """The run has its report; still "running" (its file is not yet free): write it."""

    def finished(self, run: Run) -> None: ...
    def document_closed(self, uri: str) -> None:
        """The editor closed (or reopened) ``uri``: a run writing it must not be lost."""


class RunManager:
    def __init__(self, listener: RunListener | None = None) -> None:
        self.listener = listener or RunListener()
        self.runs: dict[str, Run] = {}

    def active_for(self, uri: str) -> Run | None:
        """The run writing the file ``uri`` names, whichever way either URI spells it."""
        key = file_key(uri)
        return next((r for r in self.runs.values() if r.key == key and r.state == "running"), None)

    def get(self, run_id: Any) -> Run:
        if not isinstance(run_id, str) or run_id not in self.runs:
            raise RunError(f"no run with id {run_id!r}")
        return self.runs[run_id]

    # -- starting -------------------------------------------------------------------

    def provider_for(self, request: RunRequest, clock: Clock | None = None) -> Provider:
        try:
            return make_provider(request, clock)
        except Exception as error:  # a missing key, an unknown provider: say so
            raise RunError(str(error)) from None

    def start(
        self,
        command: GenerateCommand,
        document: SharedDocument,
        language: LanguageSpec,
        *,
        todos: frozenset[str] | None = None,
    ) -> Run:
        """Start the agents on ``document``. ``todos``: an implement run, whose outline is
        the file and whose TODOs are these markers (no Outliner)."""
        if self.active_for(command.uri) is not None:
            raise RunError(f"a run is already writing {command.uri}; cancel it first")
        request = command.request
        clock = Clock.real(time_scale=request.time_scale)
        provider = self.provider_for(request, clock)
        run = Run(f"run-{next(_ids)}", command.uri, request.mode, request.agents, document)
        run.undo = UndoManager(scopes=[document.source], capture_timeout_millis=2**31 - 1)
        ctx = RunContext(
            provider,
            language,
            request.spec,
            max_tokens=request.max_tokens,
            max_cost=request.max_cost,
            rng=random.Random(),
            on_event=lambda event: self._on_event(run, event),
            clock=clock,
        )
        options = RunOptions(
            mode=request.mode,
            agents=request.agents,
            outline="outliner" if todos is None else "file",
            todos=todos,
            run_id=run.id,
        )

        def connected(agent: str) -> None:
            assert run.undo is not None
            run.undo.include_origin(Origin.agent(agent))

        async def main() -> Report:
            try:
                report = await generate(document, ctx, options, on_connect=connected)
            except Exception as error:  # past the run's own handling (e.g. in its report)
                logger.exception("%s failed", run.id)
                report = Report(
                    mode=request.mode,
                    agents=request.agents,
                    provider=provider.name,
                    model=provider.model,
                    stopped_by="error",
                    error=f"{type(error).__name__}: {error}",
                )
            except BaseException:
                run.state = "failed"
                self._finish(run)
                raise
            finally:
                try:
                    await provider.aclose()
                except Exception:
                    logger.exception("%s: closing the provider failed", run.id)
            run.report = report
            try:
                await self.listener.ending(run)
            except Exception:
                logger.exception("%s: ending failed", run.id)
            run.state = {"cancel": "cancelled", "error": "failed"}.get(
                report.stopped_by or "", "finished"
            )
            self._finish(run)
            return report

        self.runs[run.id] = run
        run.task = asyncio.get_running_loop().create_task(main(), name=run.id)
        self.listener.started(run)
        return run

    def _finish(self, run: Run) -> None:
        try:
            self.listener.finished(run)
        except Exception:
            logger.exception("%s: reporting its end failed", run.id)

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
        self,
        document: SharedDocument,
        language: LanguageSpec,
        command: GenerateCommand,
        provider: Provider | None = None,
    ) -> dict[str, Any]:
        """The Evaluator alone, on the document's current conflicts; ``provider``: the one
        to ask for model fixes (default: the request's)."""
        if self.active_for(command.uri) is not None:
            raise RunError(f"a run is writing {command.uri}; the Evaluator runs as part of it")
        if provider is None:
            provider = self.provider_for(command.request)
        ctx = RunContext(provider, language, command.request.spec)
        ctx.clock.start()
        hub = Hub(document, HubOptions(), clock=ctx.clock)
        try:
            evaluator = Evaluator("evaluator", hub.connect("evaluator", "evaluator"), ctx)
            evaluator.keep_users_text = False  # the user asked for these fixes
            report = await evaluator.final()
            for _ in range(200):  # let the fixes reach the document
                if hub.settled():
                    break
                await asyncio.sleep(0.01)
        finally:
            hub.close()
            await provider.aclose()
        return {
            "uri": command.uri,
            "found": len(report.found),
            "fixedDeterministic": report.fixed_deterministic,
            "fixedModel": report.fixed_model,
            "left": report.left,
            "errors": report.errors,
            "modelFixes": report.model_summary(),
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

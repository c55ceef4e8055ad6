"""One generation run: the hub, the agents, their supervision, and the report.

:func:`generate` writes into a :class:`SharedDocument` — a fresh one for the command line,
the open file's for the language server — and returns a :class:`Report`. Parallel mode:
an Outliner, ``agents`` Implementers and an Evaluator, each on its own replica joined
through the hub. Sequential mode: one writer, then the Evaluator.

Stopping (cancel, budget, error — a provider's, or any unexpected exception, reported
as ``stopped_by: "error"`` with its type and message) never leaves half a TODO in the
file: the hub reverts what unfinished implementers wrote, so the file holds the outline,
every finished TODO and the markers of the others, and the report says why the run
stopped.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pycrdt import UndoManager

from codecrdt.agents import authors, board
from codecrdt.agents.context import BudgetExceeded, RunContext
from codecrdt.agents.evaluator import EVALUATED_CODES, Evaluator, EvaluatorReport
from codecrdt.agents.hub import Hub, HubOptions
from codecrdt.agents.implementer import Implementer, ImplementerOptions
from codecrdt.agents.network import NetworkModel
from codecrdt.agents.onspec import off_spec
from codecrdt.agents.outliner import FileOutline, Outliner, SequentialWriter
from codecrdt.agents.providers.base import ProviderError
from codecrdt.agents.replica import Fenced, Replica
from codecrdt.analysis.tree import analyze_text
from codecrdt.document import Origin, SharedDocument
from codecrdt.markers import find_marker, scan_markers

__all__ = ["AgentFault", "Report", "RunOptions", "generate"]

logger = logging.getLogger(__name__)

Mode = Literal["parallel", "sequential"]
#: Where a parallel run's TODOs come from: an Outliner's skeleton, or the markers already
#: in the file (``codecrdt implement``).
OutlineSource = Literal["outliner", "file"]


@dataclass(frozen=True, slots=True)
class AgentFault:
    """A fault injected into an implementer (simulations and tests)."""

    agent: str
    kind: Literal["crash", "stall"]
    at_s: float
    duration_s: float = 0.0


@dataclass(frozen=True, slots=True)
class RunOptions:
    mode: Mode = "parallel"
    agents: int = 3
    lease_s: float = 10.0
    resync_s: float = 0.05
    network: NetworkModel = field(default_factory=NetworkModel)
    evaluator_rounds: int = 3
    implementer: ImplementerOptions = field(default_factory=ImplementerOptions)
    faults: tuple[AgentFault, ...] = ()
    #: Replacements started for implementers that crashed or were fenced.
    max_restarts: int = 8
    settle_timeout_s: float = 30.0
    seed: int = 0
    outline: OutlineSource = "outliner"
    #: The marker names that become TODOs (None: every marker in the file).
    todos: frozenset[str] | None = None
    #: Names the run's agents in the document's authors map (``codecrdt.agents.authors``).
    run_id: str = "run"


@dataclass
class Report:
    mode: str
    agents: int
    provider: str
    model: str
    wall_s: float = 0.0
    ttft_s: float | None = None
    chars: int = 0
    tokens: int = 0
    usage: dict[str, int] = field(default_factory=dict)
    todos: list[dict[str, Any]] = field(default_factory=list)
    double_claims: int = 0
    lost_todos: int = 0
    conflicts: dict[str, int] = field(default_factory=dict)
    conflicts_left: list[dict[str, Any]] = field(default_factory=list)
    evaluator_rounds: int = 0
    #: The Evaluator's model requests: how many, the conflicts each carried, the fixes
    #: that held and did not, the edits not applied and the conflicts given up
    #: (``EvaluatorReport.model_summary``).
    model_fixes: dict[str, Any] = field(default_factory=dict)
    converged: bool = False
    replica_hashes: dict[str, str] = field(default_factory=dict)
    cost_usd: float | None = 0.0
    stopped_by: str | None = None
    error: str | None = None
    #: False when the run stopped before the outline (or sequential file) was finished;
    #: then everything the run wrote was taken back.
    outline_complete: bool = True
    retries: int = 0
    fenced: list[str] = field(default_factory=list)
    rejected_updates: int = 0
    final_text_sha256: str = ""
    timeline: dict[str, Any] = field(default_factory=dict)
    #: "outliner", or "file" when the file's own markers were the outline.
    outline: str = "outliner"
    #: Every region the run's agents wrote in the final text: 0-based inclusive lines,
    #: with the agents and TODOs (``codecrdt.agents.authors.summary``).
    touched: list[dict[str, Any]] = field(default_factory=list)
    #: On a file that held code: each placement line of the outline, where its block
    #: went, and whether it was written.
    placements: list[dict[str, Any]] = field(default_factory=list)
    #: With ``--mode auto``: the mode chosen, why, and the estimate's inputs
    #: (:meth:`codecrdt.agents.automode.ModeChoice.to_json`); None when a mode was named.
    mode_choice: dict[str, Any] | None = None
    #: Top-level declarations implementers' answers held that were not written as they
    #: came (``codecrdt.agents.lanes``): the total, per agent, and each one.
    prevented: int = 0
    prevented_by_agent: dict[str, int] = field(default_factory=dict)
    prevented_declarations: list[dict[str, Any]] = field(default_factory=list)
    #: Lines of answers that echoed their request and were not written
    #: (``codecrdt.agents.echo``): the total, per agent, and each answer's (agent, TODO or
    #: None, lines).
    echo_dropped: int = 0
    echo_dropped_by_agent: dict[str, int] = field(default_factory=dict)
    echo_dropped_answers: list[dict[str, Any]] = field(default_factory=list)
    #: The Outliner's TODOs whose name and description share no word with the spec.
    plan_off_spec: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class _Run:
    def __init__(self, document: SharedDocument, ctx: RunContext, options: RunOptions) -> None:
        self.document = document
        self.ctx = ctx
        self.options = options
        self.loop = asyncio.get_running_loop()
        self.hub = Hub(
            document,
            HubOptions(
                lease_s=options.lease_s,
                resync_s=options.resync_s,
                network=options.network,
                todos=options.todos,
                run_id=options.run_id,
                ignore=frozenset()
                if options.outline == "file"
                else frozenset(m.name for m in scan_markers(document.text)),
            ),
            rng=random.Random(options.seed),
            clock=ctx.clock,
        )
        self.board = board.Board(document)
        self.hub.on_event = lambda kind, details: ctx.emit(
            kind, str(details.pop("agent", "hub")), **details
        )
        self.outline_done = asyncio.Event()
        self.writers_done = asyncio.Event()
        self.implementers: dict[str, asyncio.Task[list[str]]] = {}
        self.replicas: dict[str, Replica] = {}
        self.restarts = 0
        self.outline_span: tuple[float, float] = (0.0, 0.0)
        self.evaluator: Evaluator | None = None
        self.outliner: Outliner | FileOutline | None = None
        self.outline_complete = False
        #: Everything the run's agents write, to take back a run stopped mid-outline.
        self.written = UndoManager(scopes=[document.source], capture_timeout_millis=2**31 - 1)
        self.on_connect: Callable[[str], None] | None = None
        self.hub.on_connect = self._admitted

    def _admitted(self, agent: str) -> None:
        self.written.include_origin(Origin.agent(agent))
        if self.on_connect is not None:
            self.on_connect(agent)

    def _connect(self, agent: str, role: str) -> Replica:
        replica = self.hub.connect(agent, role)
        self.replicas[agent] = replica
        return replica

    # -- parallel -------------------------------------------------------------------

    async def parallel(self) -> None:
        source = FileOutline if self.options.outline == "file" else Outliner
        outliner = source(board.OUTLINER, self._connect(board.OUTLINER, "outliner"), self.ctx)
        self.outliner = outliner
        evaluator = self.evaluator = Evaluator(
            "evaluator",
            self._connect("evaluator", "evaluator"),
            self.ctx,
            rounds=self.options.evaluator_rounds,
        )
        for index in range(1, self.options.agents + 1):
            self._start_implementer(f"impl-{index}")
        self._schedule_faults()
        evaluation = asyncio.create_task(evaluator.run(self.writers_done))
        supervision = asyncio.create_task(self._supervise())
        try:
            start = self.ctx.now()
            await outliner.run()
            self.outline_span = (start, self.ctx.now())
            self.outline_complete = True
            self.ctx.emit("outline", "outliner", state="done")
            self.hub.leave("outliner")
            self.outline_done.set()
            await supervision
            self.writers_done.set()
            await evaluation
        finally:
            supervision.cancel()
            evaluation.cancel()
            for task in self.implementers.values():
                task.cancel()
            await asyncio.gather(
                supervision, evaluation, *self.implementers.values(), return_exceptions=True
            )

    def _start_implementer(self, agent: str) -> None:
        replica = self._connect(agent, "implementer")
        implementer = Implementer(agent, replica, self.ctx, self.options.implementer)
        self.implementers[agent] = asyncio.create_task(implementer.run(), name=agent)

    async def _supervise(self) -> None:
        """Wait for the implementers; replace any that crashed or were fenced."""
        handled: set[str] = set()
        while True:
            finished = [t for a, t in self.implementers.items() if t.done() and a not in handled]
            if not finished:
                running = [t for t in self.implementers.values() if not t.done()]
                if not running:
                    return
                await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                continue
            for task in finished:
                agent = task.get_name()
                handled.add(agent)
                error = task.exception() if not task.cancelled() else None
                if isinstance(error, BudgetExceeded):
                    raise error
                if error is None and not task.cancelled():
                    self.hub.leave(agent)
                    continue
                if error is not None and not isinstance(error, Fenced):
                    self.ctx.emit(
                        "agent", agent, role="implementer", state="failed", error=str(error)
                    )
                if not self.hub.links[agent].fenced:
                    self.hub.fence(agent, f"agent stopped: {error or 'crashed'}")
                if self.restarts < self.options.max_restarts and self._work_left():
                    self.restarts += 1
                    base = agent.split(".")[0]
                    self._start_implementer(f"{base}.{self.restarts}")

    def _work_left(self) -> bool:
        records = self.board.records
        return not self.outline_done.is_set() or any(
            r.status not in ("done", "failed") for r in records.values()
        )

    def _schedule_faults(self) -> None:
        for fault in self.options.faults:
            self.loop.call_later(fault.at_s, self._inject, fault)

    def _inject(self, fault: Any) -> None:
        replica = self.replicas.get(fault.agent)
        task = self.implementers.get(fault.agent)
        if replica is None or task is None or task.done():
            return
        if fault.kind == "crash":
            replica.crash()
            task.cancel()  # the supervisor sees a cancelled task: a crash
            self.ctx.emit("agent", fault.agent, role="implementer", state="failed", error="crash")
        else:
            replica.stall(fault.duration_s)

    # -- sequential -----------------------------------------------------------------

    async def sequential(self) -> None:
        writer = SequentialWriter("writer", self._connect("writer", "sequential"), self.ctx)
        evaluator = self.evaluator = Evaluator(
            "evaluator",
            self._connect("evaluator", "evaluator"),
            self.ctx,
            rounds=self.options.evaluator_rounds,
        )
        start = self.ctx.now()
        await writer.run()
        self.outline_span = (start, self.ctx.now())
        self.outline_complete = True
        self.hub.leave("writer")
        self.outline_done.set()
        self.writers_done.set()
        await self._settle()
        await evaluator.final()

    # -- the end --------------------------------------------------------------------

    async def _settle(self) -> bool:
        deadline = self.ctx.clock.now() + self.options.settle_timeout_s
        while not self.hub.settled():
            if self.ctx.clock.now() > deadline:
                return False
            await asyncio.sleep(self.options.resync_s)
        return True

    def stop_writers(self) -> None:
        """Take back what is unfinished and refuse anything more from the writers.

        Implementers' unfinished TODOs are reverted (their markers come back). If the
        outline (or the sequential writer's file) was not finished, everything the run
        wrote is taken back: half a skeleton is not a file anyone can use. What others
        typed meanwhile stays.
        """
        for agent, link in list(self.hub.links.items()):
            if link.role in ("implementer", "outliner", "sequential") and not link.fenced:
                self.hub.fence(agent, "run stopped")
        if not self.outline_complete:
            while self.written.can_undo():
                self.document.undo(self.written, "hub")

    async def report(self, stopped_by: str | None, error: str | None) -> Report:
        ctx = self.ctx
        settled = await self._settle()
        hub = self.hub
        text = self.document.text
        hashes = {"hub": _hash(text)}
        for agent, replica in self.replicas.items():
            if hub.links[agent].fenced or replica.crashed:
                continue
            hashes[agent] = _hash(replica.document.text)
        records = self.board.records
        writers = hub.writers()
        todos = []
        lost = 0
        for record in sorted(records.values(), key=lambda r: r.order):
            status = record.status
            if status in ("pending", "claimed") and stopped_by is None:
                lost += 1  # a normal end leaves no TODO undone
            if status == "done" and find_marker(text, record.name) is not None:
                lost += 1  # marked done but its marker is still there
            if status != "done" and find_marker(text, record.name) is None:
                lost += 1  # its marker vanished without the TODO being done
            todos.append(
                {
                    "id": record.order,
                    "name": record.name,
                    "status": status,
                    "owner": record.owner or None,
                    "attempts": record.attempts + (1 if status == "done" else 0),
                    "writers": sorted(writers.get(record.name, ())),
                }
            )
        timeline = {
            "outline": {
                "start_s": round(self.outline_span[0], 3),
                "end_s": round(self.outline_span[1], 3),
            },
            "todos": [
                {
                    "name": name,
                    "appeared_s": _round(hub.timeline.appeared_s.get(name)),
                    "claimed_s": _round(hub.timeline.claimed_s.get(name)),
                    "done_s": _round(hub.timeline.done_s.get(name)),
                    "chars": records[name].chars,
                }
                for name in (t["name"] for t in todos)
            ],
        }
        by_agent: dict[str, int] = {}
        for prevented in ctx.prevented:
            by_agent[prevented["agent"]] = by_agent.get(prevented["agent"], 0) + 1
        echoed: dict[str, int] = {}
        for answer in ctx.echo_dropped:
            echoed[answer["agent"]] = echoed.get(answer["agent"], 0) + answer["lines"]
        planned = self.options.mode == "parallel" and self.options.outline == "outliner"
        evaluation = self.evaluator.report if self.evaluator else EvaluatorReport()
        left = evaluation.left
        if stopped_by is not None and self.outline_complete:
            # The Evaluator did not finish: count what is left in the final text.
            spec = ctx.language
            left = [
                {"code": f.code, "name": f.name, "line": f.start_point[0] + 1, "message": f.message}
                for f in analyze_text(text, spec, codes=EVALUATED_CODES)
            ]
        return Report(
            mode=self.options.mode,
            agents=self.options.agents if self.options.mode == "parallel" else 1,
            provider=ctx.provider.name,
            model=ctx.provider.model,
            wall_s=round(ctx.now(), 3),
            ttft_s=_round(ctx.first_token_s),
            chars=ctx.chars,
            tokens=ctx.usage.total,
            usage={
                "input_tokens": ctx.usage.input_tokens,
                "output_tokens": ctx.usage.output_tokens,
                "cache_read_tokens": ctx.usage.cache_read_tokens,
                "cache_write_tokens": ctx.usage.cache_write_tokens,
            },
            todos=todos,
            double_claims=sum(1 for names in writers.values() if len(names) > 1),
            lost_todos=lost,
            conflicts={
                "found": len(evaluation.found),
                "fixed_deterministic": evaluation.fixed_deterministic,
                "fixed_model": evaluation.fixed_model,
                # distinct conflicts fixed (of "found"), by how the last fix was made
                "fixed_conflicts_deterministic": evaluation.fixed_by("deterministic"),
                "fixed_conflicts_model": evaluation.fixed_by("model"),
                "left": len(left),
            },
            conflicts_left=left,
            outline_complete=self.outline_complete,
            evaluator_rounds=evaluation.rounds,
            model_fixes=evaluation.model_summary(),
            converged=settled and len(set(hashes.values())) == 1,
            replica_hashes=hashes,
            cost_usd=round(ctx.cost_usd, 6) if ctx.cost_known else None,
            stopped_by=stopped_by,
            error=error,
            retries=ctx.retries,
            fenced=list(hub.fenced_agents),
            rejected_updates=hub.rejected_updates,
            final_text_sha256=_hash(text),
            timeline=timeline,
            outline=self.options.outline,
            touched=authors.summary(self.document, self.options.run_id),
            placements=list(getattr(self.outliner, "placements", [])),
            prevented=len(ctx.prevented),
            prevented_by_agent=dict(sorted(by_agent.items())),
            prevented_declarations=list(ctx.prevented),
            echo_dropped=sum(echoed.values()),
            echo_dropped_by_agent=dict(sorted(echoed.items())),
            echo_dropped_answers=list(ctx.echo_dropped),
            plan_off_spec=off_spec(
                ctx.spec,
                [(r.name, r.description) for r in sorted(records.values(), key=lambda r: r.order)],
            )
            if planned
            else [],
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


async def generate(
    document: SharedDocument,
    ctx: RunContext,
    options: RunOptions,
    *,
    on_connect: Callable[[str], None] | None = None,
) -> Report:
    """Run the agents on ``document`` and report. Cancelling stops the run cleanly.

    ``on_connect`` is told each agent's id as it joins (e.g. to scope an undo manager to
    the run's origins).
    """
    ctx.clock.start()
    run = _Run(document, ctx, options)
    run.on_connect = on_connect
    stopped_by: str | None = None
    error: str | None = None
    cancelled = False
    try:
        if options.mode == "sequential":
            await run.sequential()
        else:
            await run.parallel()
    except asyncio.CancelledError:
        stopped_by, cancelled = "cancel", True
    except BudgetExceeded as exceeded:
        stopped_by, error = "budget", str(exceeded)
    except (ProviderError, Fenced) as failure:
        stopped_by, error = "error", str(failure)
    except Exception as failure:  # a bug or an unexpected failure: stop as for an error
        logger.exception("the run failed")
        stopped_by, error = "error", f"{type(failure).__name__}: {failure}"
    try:
        if stopped_by is not None:
            run.stop_writers()
        report = await asyncio.shield(run.report(stopped_by, error))
    except Exception as failure:  # the report itself failed: a short one that says so
        logger.exception("the run's report failed")
        report = Report(
            mode=options.mode,
            agents=options.agents if options.mode == "parallel" else 1,
            provider=ctx.provider.name,
            model=ctx.provider.model,
            stopped_by="error",
            error=error or f"{type(failure).__name__}: {failure}",
            outline_complete=run.outline_complete,
            final_text_sha256=_hash(document.text),
        )
    finally:
        run.hub.close()
    if cancelled:
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
    return report

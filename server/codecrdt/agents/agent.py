"""What all agents share: a replica, its board, the run context, presence, stalls, audit,
line writing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from codecrdt.agents.board import Board
from codecrdt.agents.context import RunContext
from codecrdt.agents.echo import EchoFilter
from codecrdt.agents.providers.base import Request
from codecrdt.agents.providers.retry import Restart
from codecrdt.agents.replica import Replica
from codecrdt.agents.shaping import LineShaper
from codecrdt.document import Anchor, Assoc

__all__ = ["Agent"]


class Agent:
    role = "agent"

    def __init__(self, agent_id: str, replica: Replica, ctx: RunContext) -> None:
        self.agent_id = agent_id
        self.replica = replica
        self.document = replica.document
        self.ctx = ctx
        self.origin = replica.origin
        self.board = Board(self.document, agent_id, self.origin, watch=True)
        self.board.publish(agent=agent_id, role=self.role)
        self.state = "waiting"
        self.todo: str | None = None
        #: Lines this agent has written (a region it took back, after a failed or
        #: restarted answer, no longer counts).
        self.lines_written = 0
        #: Lines of the last answer dropped as an echo of its request.
        self.echo_dropped = 0

    # -- presence -------------------------------------------------------------------

    def set_state(self, state: str, todo: str | None = None, **extra: Any) -> None:
        """Publish what this agent is doing (its presence) and tell the run."""
        self.state = state
        self.todo = todo
        if not self.replica.fenced:
            self.board.publish(activity=state, todo=todo or "", **extra)
        self.ctx.emit("agent", self.agent_id, role=self.role, state=state, todo=todo, **extra)

    def count_lines(self, delta: int) -> None:
        """``delta`` lines written (or, negative, taken back); the run is told the total
        (a ``lines`` event: the live board's "lines" column)."""
        if delta:
            self.lines_written += delta
            self.ctx.emit("lines", self.agent_id, role=self.role, lines=self.lines_written)

    async def pause_if_stalled(self) -> None:
        """A stalled agent (see :meth:`Replica.stall`) does nothing until the stall ends."""
        clock = self.replica.clock
        while clock.now() < self.replica.paused_until:
            await asyncio.sleep(self.replica.paused_until - clock.now())

    def record(self, kind: str, **details: Any) -> None:
        """Add an entry to the audit trail, stamped by the run's clock."""
        self.document.record(kind, self.agent_id, clock=self.ctx.clock, **details)

    # -- appending a streamed answer ------------------------------------------------

    async def append_answer(
        self,
        request: Request,
        at: int,
        indent: str = "",
        repair: Callable[[str], str] | None = None,
    ) -> str:
        """Stream the answer into the document at offset ``at``, line by line.

        If the answer starts over (a retried stream), lines already written are skipped
        while the new stream repeats them. Lines that echo the request are not written
        (:mod:`codecrdt.agents.echo`; counted in :attr:`echo_dropped` and the run's
        report). Returns the text written.
        """
        cursor: Anchor = self.document.anchor(at, Assoc.AFTER)
        written: list[str] = []
        shaper = LineShaper(indent)
        echo = EchoFilter(request, self.ctx.language, indent)
        replay: list[str] | None = None

        async def put(line: str) -> None:
            nonlocal replay
            if replay:
                if replay[0] == line:
                    replay.pop(0)
                    return
                replay = None  # the new answer differs: go on from here
            await self.pause_if_stalled()
            self.replica.check()
            self.document.insert(cursor.offset, line, self.origin)
            written.append(line)
            self.board.publish(lines=len(written))  # its region: the document's last lines
            self.count_lines(1)

        async for piece in self.ctx.stream(request):
            if isinstance(piece, Restart):
                replay = list(written)
                shaper = LineShaper(indent)
                echo = EchoFilter(request, self.ctx.language, indent)
                continue
            for shaped in shaper.feed(piece):
                for line in echo.feed(shaped):
                    await put(repair(line) if repair else line)
        for line in [out for shaped in shaper.finish() for out in echo.feed(shaped)]:
            await put(repair(line) if repair else line)
        for line in echo.finish():
            await put(repair(line) if repair else line)
        self.echo_dropped = echo.dropped
        self.ctx.drop_echo(self.agent_id, None, echo.dropped)
        return "".join(written)

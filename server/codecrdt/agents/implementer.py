"""An Implementer: claims TODOs, writes each one in its place, checks what it wrote.

It learns everything from its replica, through its board: which TODOs exist, who claimed
what, whether its claim was decided (see :mod:`codecrdt.agents.board`). Owning a TODO, it
streams the code line by line just above the marker line and removes the marker, marking
the TODO done, in one transaction at the end; if the stream starts over it removes its
partial text first. When someone else (the user, the Evaluator) edits inside its region it
backs off for a moment and goes on after their edit.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from codecrdt.agents import board, sync
from codecrdt.agents.agent import Agent
from codecrdt.agents.context import BudgetExceeded, RunContext
from codecrdt.agents.prompts import implementer_request
from codecrdt.agents.providers.base import ProviderError
from codecrdt.agents.providers.retry import Restart
from codecrdt.agents.replica import Fenced, Replica
from codecrdt.agents.shaping import LineShaper
from codecrdt.analysis.promises import promised_definitions
from codecrdt.analysis.tree import analyze_text
from codecrdt.document import Anchor, Assoc
from codecrdt.markers import find_marker, mentions_marker

__all__ = ["Implementer", "ImplementerOptions"]

CONFLICT_CODES = frozenset(
    {
        "duplicate-import",
        "duplicate-declaration",
        "duplicate-member",
        "conflicting-signature",
        "conflicting-value",
    }
)


@dataclass(frozen=True, slots=True)
class ImplementerOptions:
    backoff_s: float = 0.25
    idle_poll_s: float = 0.5
    #: A TODO whose writing failed this many times is given up (status ``failed``).
    max_attempts: int = 3
    #: Idle agents that see a TODO at once do not all claim it: each waits a share of
    #: this, in the TODO's own order of agents (by rank), and skips it if a claim came.
    claim_spread_s: float = 0.05


class Implementer(Agent):
    role = "implementer"

    def __init__(
        self,
        agent_id: str,
        replica: Replica,
        ctx: RunContext,
        options: ImplementerOptions,
    ) -> None:
        super().__init__(agent_id, replica, ctx)
        self.options = options
        self.completed: list[str] = []
        replica.on_remote_change(self._acknowledge)

    def _acknowledge(self) -> None:
        if not self.replica.fenced:
            self.board.step()

    async def run(self) -> list[str]:
        self._acknowledge()
        self.set_state("waiting")
        while True:
            await self.pause_if_stalled()
            self.replica.check()
            records = self.board.records
            if self.board.outline_complete() and all(
                r.status in ("done", "failed") for r in records.values()
            ):
                self.set_state("done")
                return self.completed
            record = self._pick(records)
            if record is None:
                await self.replica.changed(self.options.idle_poll_s)
                continue
            if not await self._still_free_after_spread(record):
                continue
            self.set_state("claiming", record.name)
            claim = self.board.claim(record)
            outcome = await self._decide(claim)
            if outcome is board.Outcome.WON:
                await self._implement(claim)
            else:
                self.board.withdraw(claim)
            self.set_state("waiting")

    async def _still_free_after_spread(self, record: board.TodoRecord) -> bool:
        """Wait this agent's share of the claim spread; whether nobody claimed meanwhile."""
        share = board.rank(record.name, record.epoch, self.agent_id)[0] / 256
        delay = share * self.options.claim_spread_s
        if delay <= 0:
            return True
        await asyncio.sleep(delay)
        await self.pause_if_stalled()
        self.replica.check()
        current = self.board.records.get(record.name)
        return (
            current is not None
            and current.status == "pending"
            and current.epoch == record.epoch
            and not self.board.live_claims(current)
        )

    def _pick(self, records: dict[str, board.TodoRecord]) -> board.TodoRecord | None:
        roster: dict[str, board.Member] | None = None
        for record in sorted(records.values(), key=lambda r: r.order):
            # A pending TODO is always taken, whatever its attempts: writing it failed
            # fewer than ``max_attempts`` times (a failure at the limit marks it failed),
            # or its owners died and the hub reopened it, which is no reason to give up.
            if record.status != "pending":
                continue
            if roster is None:
                roster = self.board.roster()
            if self.board.live_claims(record, roster):
                continue
            return record
        return None

    async def _decide(self, claim: board.Claim) -> board.Outcome:
        while True:
            await self.pause_if_stalled()
            self.replica.check()
            outcome = self.board.outcome(claim)
            if outcome is not board.Outcome.WAITING:
                return outcome
            await self.replica.changed(self.replica.resync_s * 4)

    # -- writing one TODO -----------------------------------------------------------

    async def _implement(self, claim: board.Claim) -> None:
        document = self.document
        todo = claim.todo
        self.board.take(claim)
        # With this replica's client and clock: the text it inserts from here on is this
        # TODO's (codecrdt.agents.authors).
        client = document.client_id
        first_clock = sync.decode_state_vector(document.state()).get(client, 0)
        self.record("claim", todo=todo, epoch=claim.epoch, client=client, first_clock=first_clock)
        marker = find_marker(document.text, todo)
        if marker is None:
            self._give_back(claim, "its marker is no longer in the file", final=True)
            return
        self.set_state("writing", todo, lines=0)
        start = document.anchor(marker.start, Assoc.BEFORE)
        cursor = document.anchor(marker.start, Assoc.AFTER)
        written = ""
        lines = 0
        request = implementer_request(
            self.ctx.language.name,
            self.ctx.spec,
            document.text,
            todo,
            marker.description,
            self.agent_id,
            promised_definitions(document.text, self.ctx.language, todo),
        )
        shaper = LineShaper(marker.indent)
        try:
            async for piece in self.ctx.stream(request):
                if isinstance(piece, Restart):
                    await self.pause_if_stalled()
                    self.replica.check()
                    document.replace(start.offset, cursor.offset, "", self.origin)
                    self.count_lines(-lines)
                    written, lines = "", 0
                    shaper = LineShaper(marker.indent)
                    continue
                for line in shaper.feed(piece):
                    if mentions_marker(line):
                        continue  # never a marker: echoed, it would pass for a TODO
                    written = await self._write(todo, start, cursor, written, line)
                    lines += 1
            for line in shaper.finish():
                if not mentions_marker(line):
                    written = await self._write(todo, start, cursor, written, line)
                    lines += 1
        except (Fenced, BudgetExceeded, asyncio.CancelledError):
            raise
        except ProviderError as error:
            self.replica.check()
            document.replace(start.offset, cursor.offset, "", self.origin)
            self.count_lines(-lines)
            self._give_back(claim, str(error))
            return
        await self.pause_if_stalled()
        self.replica.check()
        self._finish(todo, len(document.text[start.offset : cursor.offset]))
        self._check_region(todo, start.offset, cursor.offset)

    async def _write(
        self, todo: str, start: Anchor, cursor: Anchor, written: str, line: str
    ) -> str:
        """Append ``line`` to the region; back off first if someone edited inside it."""
        await self.pause_if_stalled()
        self.replica.check()
        document = self.document
        if document.text[start.offset : cursor.offset] != written:
            self.set_state("backing-off", todo)
            self.ctx.emit("backoff", self.agent_id, todo=todo)
            await asyncio.sleep(self.options.backoff_s)
            await self.pause_if_stalled()
            self.replica.check()
            self.set_state("writing", todo)
            written = document.text[start.offset : cursor.offset]
        document.insert(cursor.offset, line, self.origin)
        self.board.publish(lines=written.count("\n") + 1)
        self.count_lines(1)
        return written + line

    def _finish(self, todo: str, chars: int) -> None:
        document = self.document
        marker = find_marker(document.text, todo)
        self.board.mark_done(todo, chars, None if marker is None else (marker.start, marker.end))
        self.record("done", todo=todo)
        self.completed.append(todo)
        self.set_state("done", todo)

    def _give_back(self, claim: board.Claim, reason: str, final: bool = False) -> None:
        """Hand the TODO back (a new epoch), or give it up after too many attempts."""
        failed = self.board.release(
            claim, reason, final=final, max_attempts=self.options.max_attempts
        )
        self.record("release", todo=claim.todo, reason=reason)
        self.ctx.emit("release", self.agent_id, todo=claim.todo, reason=reason, failed=failed)

    def _check_region(self, todo: str, start: int, end: int) -> None:
        """Report conflicts that lie in what this agent just wrote (the Evaluator fixes)."""
        document = self.document
        text = document.text
        lo = document.lines.offset_to_byte(start)
        hi = document.lines.offset_to_byte(min(end, len(text)))
        for finding in analyze_text(text, self.ctx.language, codes=CONFLICT_CODES):
            if lo <= finding.start_byte < hi:
                self.record("conflict", todo=todo, code=finding.code, name=finding.name)
                self.ctx.emit(
                    "conflict", self.agent_id, todo=todo, code=finding.code, name=finding.name
                )

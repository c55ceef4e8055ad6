"""An Implementer: claims TODOs, writes each one in its place, checks what it wrote.

It learns everything from its replica, through its board: which TODOs exist, who claimed
what, whether its claim was decided (see :mod:`codecrdt.agents.board`). It takes the
largest free TODO first (by the markers' size hints). Owning a TODO, it
streams the code line by line just above the marker line and removes the marker, marking
the TODO done, in one transaction at the end; if the stream starts over it removes its
partial text first. When someone else (the user, the Evaluator) edits inside its region it
backs off for a moment and goes on after their edit.

Its request shares the outline with every other implementer's (the cacheable prefix) and
adds only its marker, the lines around it, and what other TODOs own. What it streams
passes a :class:`~codecrdt.agents.lanes.LaneGuard` before it is written: a top-level
declaration that the file already has or another TODO owns is not written, and counted
(the report's ``prevented``).

Lookahead: while it writes one TODO, it may claim its next one and open that stream, so
that the next answer's first-token wait passes while the current one ends (at most one
ahead; see :mod:`codecrdt.agents.lookahead` and docs/agents.md, "Scheduling").
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from codecrdt.agents import authors, board, sync
from codecrdt.agents.agent import Agent
from codecrdt.agents.context import BudgetExceeded, RunContext
from codecrdt.agents.echo import EchoFilter
from codecrdt.agents.lanes import Lane, LaneGuard, taken_names
from codecrdt.agents.lookahead import Ahead, Progress, Watch, due_soon
from codecrdt.agents.prompts import implementer_request
from codecrdt.agents.providers.base import ProviderError, Request
from codecrdt.agents.providers.retry import Restart
from codecrdt.agents.replica import Fenced, Replica
from codecrdt.agents.shaping import LineShaper
from codecrdt.analysis.promises import TodoPlace, todo_places
from codecrdt.analysis.tree import analyze_text
from codecrdt.document import Anchor, Assoc
from codecrdt.markers import Marker, find_marker, mentions_marker

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
    #: Keep each answer in its lane (:mod:`codecrdt.agents.lanes`); off, every line is
    #: written as it came and the Evaluator meets the duplicates instead.
    lanes: bool = True
    #: Claim the next TODO and open its stream while the current one ends (one ahead).
    lookahead: bool = True
    #: Lookahead starts when the current TODO is expected to end within its answer's
    #: first-token time plus this (the time a claim takes to be decided).
    lookahead_margin_s: float = 0.3
    #: Lines a TODO whose marker has no size hint is expected to take, when no marker of
    #: the file has one (else: the median of the hints).
    default_size_lines: int = 20


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
        #: What the lookahead watches: lines written, remote changes.
        self._progress = Progress()
        replica.on_remote_change(self._acknowledge)

    def _acknowledge(self) -> None:
        if not self.replica.fenced:
            self.board.step()
        self._progress.nudge()

    def count_lines(self, delta: int) -> None:
        super().count_lines(delta)
        if delta > 0:
            self._progress.line_written(self.ctx.now())
        else:
            self._progress.nudge()

    async def run(self) -> list[str]:
        self._acknowledge()
        self.set_state("waiting")
        ahead: Ahead | None = None
        try:
            while True:
                await self.pause_if_stalled()
                self.replica.check()
                if ahead is not None:  # claimed ahead and won: its stream is open already
                    await self._until_hub_holds_own_writes()
                    ahead = await self._write_looking_ahead(ahead.claim, ahead)
                    self.set_state("waiting")
                    continue
                records = self.board.records
                if self.board.outline_complete() and all(
                    r.status in ("done", "failed") for r in records.values()
                ):
                    # Only once the hub holds what it wrote: an implementer that woke from
                    # a stall may have finished a TODO from its buffer before it learnt it
                    # was fenced (then this raises Fenced, and the run replaces it).
                    await self._until_hub_holds_own_writes()
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
                    ahead = await self._write_looking_ahead(claim, None)
                else:
                    self.board.withdraw(claim)
                self.set_state("waiting")
        finally:
            if ahead is not None:  # stopped before writing it (fenced, crashed, stalled out)
                ahead.close()

    # -- lookahead ------------------------------------------------------------------

    async def _write_looking_ahead(
        self, claim: board.Claim, prefetched: Ahead | None
    ) -> Ahead | None:
        """Write ``claim``'s TODO; meanwhile claim the next one when this one is due to end.
        Returns the TODO claimed ahead (won, its stream open), if any."""
        if not self.options.lookahead:
            await self._implement(claim, prefetched)
            return None
        watch = self._progress.start(self.ctx.now(), self.lines_written, prefetched is not None)
        watcher = asyncio.create_task(self._look_ahead(claim, watch))
        try:
            await self._implement(claim, prefetched)
        except BaseException:
            watcher.cancel()
            with contextlib.suppress(BaseException):
                await watcher
            raise
        finally:
            if prefetched is not None:
                prefetched.close()
                if prefetched.ttft_s is not None:
                    self._progress.ttft_s = prefetched.ttft_s
        watch.finished = True
        self._progress.nudge()
        return await watcher

    async def _look_ahead(self, current: board.Claim, watch: Watch) -> Ahead | None:
        """While ``current`` is written: claim the next TODO once ``current`` is expected to
        end within the next answer's first-token time; hand it back unused if ``current``
        overruns and another implementer is idle (it can start that TODO sooner)."""
        ahead: Ahead | None = None
        pending: board.Claim | None = None
        try:
            progress = self._progress
            while not watch.finished:
                await progress.wait(self.options.idle_poll_s)
                if watch.finished or self.replica.fenced or self.replica.crashed:
                    break
                if self.ctx.now() < self.replica.paused_until:
                    continue
                now = self.ctx.now()
                size = self._expected_lines(current.todo)
                if ahead is not None:
                    if now > ahead.due + ahead.lead and self._someone_idle():
                        self._forgo(ahead, "the current TODO ran past its size hint")
                        ahead = None
                    continue
                lead = progress.lead_s(self.options.lookahead_margin_s)
                if lead is None or not due_soon(progress, size, self.lines_written, now, lead):
                    continue
                if self._someone_idle():
                    continue  # an idle implementer takes the next TODO at once
                record = self._pick(self.board.records)
                if record is None or not await self._still_free_after_spread(record):
                    continue
                pending = self.board.claim(record)
                self.ctx.emit("lookahead", self.agent_id, todo=record.name, state="claimed")
                outcome = await self._decide(pending)
                if outcome is not board.Outcome.WON:
                    self.board.withdraw(pending)
                    pending = None
                    continue
                marker = find_marker(self.document.text, record.name)
                if marker is None:  # gone meanwhile: whoever takes it next finds out
                    self.board.forgo(pending)
                    pending = None
                    continue
                request, _lane = self._request(record.name, marker)
                remaining = progress.remaining_s(size, self.lines_written, self.ctx.now())
                ahead = Ahead.open(
                    pending,
                    self.ctx.stream(request),
                    self.ctx.clock,
                    due=self.ctx.now() + (remaining or 0.0),
                    lead=lead,
                )
                ahead.request = request
                pending = None
            return ahead
        except BaseException:
            # Stopped (fenced, crashed, cancelled): nothing claimed ahead is used.
            if pending is not None and not (self.replica.fenced or self.replica.crashed):
                self.board.withdraw(pending)
            if ahead is not None:
                self._forgo(ahead, "the implementer stopped")
            raise

    async def _until_hub_holds_own_writes(self) -> None:
        """Wait until the hub holds the previous TODO's completion, before taking the one
        claimed ahead: the hub then merges them apart, as it does after a claim round, and
        keeps each TODO's text under its own owner record (its undo on fencing, the report's
        writers)."""
        while not self.replica.hub_holds_own_writes():
            await self.pause_if_stalled()
            self.replica.check()
            await self.replica.changed(self.replica.resync_s)

    def _forgo(self, ahead: Ahead, reason: str) -> None:
        """Hand back a TODO claimed ahead and never written: pending in its next epoch."""
        ahead.close()
        if not (self.replica.fenced or self.replica.crashed):
            self.board.forgo(ahead.claim)
        self.record("release", todo=ahead.claim.todo, reason=f"lookahead unused: {reason}")
        self.ctx.emit(
            "lookahead", self.agent_id, todo=ahead.claim.todo, state="released", reason=reason
        )

    def _expected_lines(self, todo: str) -> int:
        records = self.board.records
        record = records.get(todo)
        if record is not None and record.size > 0:
            return record.size
        sizes = sorted(r.size for r in records.values() if r.size > 0)
        return sizes[len(sizes) // 2] if sizes else self.options.default_size_lines

    def _someone_idle(self) -> bool:
        """Whether another live implementer is, as far as its presence says, without work."""
        for agent, member in self.board.roster().items():
            if agent == self.agent_id or member.role != "implementer" or member.state != "live":
                continue
            state = self.board.state_of(agent)
            if state.get("activity", "waiting") in ("waiting", "claiming", "done"):
                return True
        return False

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
        """The largest pending TODO that nobody claimed (see :func:`board.largest_first`)."""
        roster: dict[str, board.Member] | None = None
        for record in board.largest_first(records.values()):
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

    async def _implement(self, claim: board.Claim, ahead: Ahead | None = None) -> None:
        document = self.document
        todo = claim.todo
        self.board.take(claim)
        # With this replica's client and clock: the text it inserts from here on is this
        # TODO's (codecrdt.agents.authors). Recorded with the take, when the hub sees it.
        client = document.client_id
        first_clock = sync.decode_state_vector(document.state()).get(client, 0)
        self.record("claim", todo=todo, epoch=claim.epoch, client=client, first_clock=first_clock)
        if ahead is not None:
            # Its answer may be buffered whole: the hub must see the take before the text
            # and the completion, to keep the text under this owner (undo, writers).
            await self._until_hub_holds_own_writes()
        marker = find_marker(document.text, todo)
        if marker is None:
            self._give_back(claim, "its marker is no longer in the file", final=True)
            return
        if ahead is not None:
            self.ctx.emit("lookahead", self.agent_id, todo=todo, state="used")
        self.set_state("writing", todo, lines=0)
        start = document.anchor(marker.start, Assoc.BEFORE)
        cursor = document.anchor(marker.start, Assoc.AFTER)
        written = ""
        lines = 0
        # Claimed ahead: its stream was opened with the request of that moment; the lane
        # is this moment's (the names taken are read as the answer arrives).
        if ahead is not None:
            lane = self._lane(todo, marker, todo_places(document.text, self.ctx.language))
            stream = ahead.pieces()
            # What it was asked (for the echo filter); this moment's, if not known.
            request = ahead.request or self._request(todo, marker)[0]
        else:
            request, lane = self._request(todo, marker)
            stream = self.ctx.stream(request)

        def new_guard() -> LaneGuard:
            language = self.ctx.language
            return LaneGuard(lane, lambda: taken_names(self.document.text, language, todo))

        shaper = LineShaper(marker.indent)
        echo = EchoFilter(request, self.ctx.language, marker.indent)
        guard = new_guard()
        try:
            async for piece in stream:
                if isinstance(piece, Restart):
                    await self.pause_if_stalled()
                    self.replica.check()
                    document.replace(start.offset, cursor.offset, "", self.origin)
                    self.count_lines(-lines)
                    written, lines = "", 0
                    shaper = LineShaper(marker.indent)
                    echo = EchoFilter(request, self.ctx.language, marker.indent)
                    guard = new_guard()
                    continue
                for shaped in [out for line in shaper.feed(piece) for out in echo.feed(line)]:
                    if mentions_marker(shaped):
                        continue  # never a marker: echoed, it would pass for a TODO
                    for line in guard.feed(shaped):
                        written = await self._write(todo, start, cursor, written, line)
                        lines += 1
            rest = [out for line in shaper.finish() for out in echo.feed(line)] + echo.finish()
            rest = [line for line in rest if not mentions_marker(line)]
            for line in [out for shaped in rest for out in guard.feed(shaped)] + guard.finish():
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
        # The guard may hand over a whole chunk at the end: let the replica push that text
        # before the TODO's done, so that the hub credits it to the claimed TODO.
        await asyncio.sleep(0)
        await self.pause_if_stalled()
        self.replica.check()
        for prevented in guard.prevented:
            self.record("prevented", todo=todo, **prevented.to_json())
            self.ctx.prevent(self.agent_id, todo, prevented.to_json())
        if echo.dropped:
            self.record("echoed", todo=todo, lines=echo.dropped)
        self.ctx.drop_echo(self.agent_id, todo, echo.dropped)
        if guard.prevented and not _has_code(written):
            # Every line of the answer was another lane's: this TODO is not written. Its
            # blank or comment lines go, and it is handed back (failed after the attempts).
            document.replace(start.offset, cursor.offset, "", self.origin)
            self.count_lines(-lines)
            self._give_back(claim, OUT_OF_LANE)
            return
        self._finish(todo, len(document.text[start.offset : cursor.offset]))
        self._check_region(todo, start.offset, cursor.offset)

    def _lane(self, todo: str, marker: Marker, places: list[TodoPlace]) -> Lane:
        """What this TODO's answer may declare, from where its marker stands."""
        place = next((p for p in places if p.todo == todo), None)
        level = place.level if place is not None and self.options.lanes else "other"
        if level == "module" and marker.indent:
            # An indented marker is not at the file's top level, whatever a parse of an
            # outline still streaming says (an unclosed body reads as top level there):
            # a constant in that body is no clash with a top-level name.
            level = "other"
        language = self.ctx.language
        return Lane(language, marker.indent, level, place.function if place is not None else None)

    def _request(self, todo: str, marker: Marker) -> tuple[Request, Lane]:
        """This TODO's request (the shared outline, its marker and region, what others
        own) and its lane."""
        language = self.ctx.language
        text = self.document.text
        places = todo_places(text, language)
        lane = self._lane(todo, marker, places)
        records = self.board.records
        outline = self.board.outline_text()
        request = implementer_request(
            language.name,
            self.ctx.spec,
            self._outline_so_far() if outline is None else outline,
            todo,
            marker.description,
            self.agent_id,
            [(p.todo, p.header) for p in places if p.todo != todo and p.header],
            region=_region(text, marker),
            others=[
                r.name
                for r in sorted(records.values(), key=lambda r: r.order)
                if r.name != todo and r.status in ("pending", "claimed")
            ],
            outline_complete=outline is not None,
            retry=OUT_OF_LANE if (own := records.get(todo)) and own.released == OUT_OF_LANE else "",
        )
        return request, lane

    def _outline_so_far(self) -> str:
        """While the Outliner writes: the file without the text implementers and the
        Evaluator wrote, the outline so far. Up to the first TODO done meanwhile (whose
        marker is gone) it is a prefix of the finished outline."""
        document = self.document
        text = document.text
        return "".join(
            text[span.start : span.end]
            for span in authors.spans(document)
            if span.author.role not in ("implementer", "evaluator")
        )

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


#: Why an answer that held only other lanes' declarations was handed back; the next
#: attempt's prompt says so.
OUT_OF_LANE = "it held only definitions that other TODOs own or the file has"

#: Lines of the file shown above a marker at most (its enclosing header among them).
_REGION_LINES = 12


def _region(text: str, marker: Marker) -> str:
    """The marker's line with the lines above it up to the enclosing header (the nearest
    line indented less than the marker), at most :data:`_REGION_LINES`; a top-level
    marker gets the two lines above it."""
    lines = text.splitlines()
    row = marker.line
    if row >= len(lines):
        return ""
    width = len(marker.indent.expandtabs())
    first = row
    limit = max(0, row - (_REGION_LINES if width else 2))
    while first > limit:
        first -= 1
        above = lines[first].expandtabs()
        if width and above.strip() and len(above) - len(above.lstrip()) < width:
            break
    return "\n".join(lines[first : row + 1])


def _has_code(text: str) -> bool:
    """Whether ``text`` holds a line that is neither blank nor only a comment."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "//", "/*", "*", "{/*")):
            return True
    return False

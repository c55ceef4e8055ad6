"""The TODO board: one replica's TODO records, claims, acknowledgements, members, regions.

Every read and write of a TODO's status, owner, claims, epoch, attempts and characters,
and of what an agent is doing, goes through a :class:`Board` over one replica's
:class:`SharedDocument`; coordination happens only by those writes reaching the other
replicas. Records live in the document's ``todos`` map; presence (each agent's role,
activity, TODO, lines written and acknowledgement, and the hub's roster) lives in the
document's pycrdt ``Awareness``, carried by the sync protocol's awareness messages.

The protocol (docs/claims.md):

- the hub creates a record per TODO: ``status`` pending, ``epoch`` 0, an empty ``claims``
  map;
- an implementer claims a pending TODO by adding ``claims["<agent>@<epoch>"]`` =
  ``"<client>:<clock>"``, the CRDT id of that very write;
- every claimer and the hub publish an acknowledgement: their state vector, as ``ack`` in
  their awareness state, whenever they have seen claims their last one did not cover;
- a claim is decided once the hub and every live implementer have acknowledged it and the
  deciding replica holds everything each of those acknowledgements covers; then the winner
  among the live claims of that epoch is the one with the smallest :func:`rank` — a hash
  every replica computes identically;
- the winner takes ownership; the hub, fencing an owner whose lease expired, reverts its
  partial text and moves the TODO to the next epoch, pending again.

The hub's awareness state holds the roster (agent → role, ``live``/``finished``/
``fenced``, CRDT client id) together with the hub's acknowledgement, which the hub
renews with every roster change: a replica that holds everything that acknowledgement
covers has seen every record change the hub made before it changed the roster.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pycrdt import Map

from codecrdt.agents import sync
from codecrdt.document import SharedDocument
from codecrdt.markers import Marker, find_marker

__all__ = [
    "HUB",
    "OUTLINER",
    "Board",
    "Claim",
    "Member",
    "Outcome",
    "TodoRecord",
    "largest_first",
    "rank",
]

HUB = "hub"
#: The agent whose ``done`` says the outline (hence every marker's record) is complete.
OUTLINER = "outliner"
#: Activities during which an agent has a region in the text.
WRITING = ("writing", "backing-off")


class Outcome(StrEnum):
    WAITING = "waiting"  # not every live replica has acknowledged the claim yet
    WON = "won"
    LOST = "lost"  # another claim of the same epoch ranks first
    STALE = "stale"  # the TODO moved on (done, or a later epoch)


@dataclass(frozen=True, slots=True)
class Claim:
    todo: str
    epoch: int
    agent: str
    client: int
    clock: int


@dataclass(frozen=True, slots=True)
class TodoRecord:
    name: str
    description: str
    status: str  # pending | claimed | done | failed
    epoch: int
    owner: str
    attempts: int
    order: int
    claims: tuple[Claim, ...]
    #: Characters of the finished code (set when done).
    chars: int = 0
    #: The lines the marker's size hint promises; 0 when it has none.
    size: int = 0
    #: Why it was last handed back ("" if never): the next attempt's prompt says so.
    released: str = ""


@dataclass(frozen=True, slots=True)
class Member:
    """An agent as the hub admitted it."""

    role: str
    state: str  # live | finished | fenced
    client: int


def rank(todo: str, epoch: int, agent: str) -> bytes:
    return hashlib.sha256(f"{todo}\x00{epoch}\x00{agent}".encode()).digest()


def largest_first(records: Iterable[TodoRecord]) -> list[TodoRecord]:
    """``records`` in the order implementers take them: the largest size hint first, ties
    (and equal sizes) in the outline's order. A TODO without a hint counts as the median
    of the hinted ones (as the outline's order alone when none is hinted): a model that
    leaves one hint out neither promotes nor buries that TODO."""
    records = list(records)
    sizes = sorted(r.size for r in records if r.size > 0)
    default = sizes[len(sizes) // 2] if sizes else 0
    return sorted(records, key=lambda r: (-(r.size or default), r.order))


class Board:
    """The board as one replica sees it, acting as ``agent`` (``HUB`` for the hub).

    ``watch`` keeps the records cached between changes of the ``todos`` map (agents and
    the hub read them after every update they merge); a board without it reads afresh.
    """

    def __init__(
        self,
        document: SharedDocument,
        agent: str = HUB,
        origin: str = HUB,
        *,
        watch: bool = False,
    ) -> None:
        self.document = document
        self.awareness = document.awareness
        self.agent = agent
        self.origin = origin
        self._acked: dict[int, int] = {}
        self._records: dict[str, TodoRecord] | None = None
        self._subscription = document.todos.observe_deep(self._invalidate) if watch else None

    def _invalidate(self, _events: object) -> None:
        self._records = None

    def close(self) -> None:
        if self._subscription is not None:
            with contextlib.suppress(Exception):  # the document may be gone already
                self.document.todos.unobserve(self._subscription)
            self._subscription = None

    # -- records --------------------------------------------------------------------

    @property
    def records(self) -> dict[str, TodoRecord]:
        if self._subscription is None:
            return _read_todos(self.document)
        if self._records is None:
            self._records = _read_todos(self.document)
        return self._records

    def done_names(self) -> set[str]:
        """Names of the TODOs whose records say they are done."""
        return {
            str(record.get("name", key))
            for key, record in _json(self.document.todos).items()
            if isinstance(record, dict) and record.get("status") == "done"
        }

    def progress(self) -> tuple[int, int]:
        """``(done, total)`` TODOs."""
        records = _json(self.document.todos)
        done = sum(1 for r in records.values() if isinstance(r, dict) and r.get("status") == "done")
        return done, len(records)

    def create(self, marker: Marker, order: int) -> bool:
        """The hub's record for a newly seen marker; False if it exists already."""
        document = self.document
        if marker.name in document.todos:
            return False
        with document.doc.transaction(origin=self.origin):
            document.todos[marker.name] = Map(
                {
                    "name": marker.name,
                    "description": marker.description,
                    "status": "pending",
                    "epoch": 0,
                    "owner": "",
                    "attempts": 0,
                    "order": order,
                    "size": marker.size or 0,
                    "claims": Map(),
                }
            )
        return True

    def forget(self, name: str) -> None:
        """Remove a finished TODO's record (the hub, when its marker is back in the file)."""
        document = self.document
        if name in document.todos:
            with document.doc.transaction(origin=self.origin):
                del document.todos[name]

    # -- claims ---------------------------------------------------------------------

    def claim(self, record: TodoRecord) -> Claim:
        """Claim ``record`` for this board's agent at the record's current epoch."""
        document = self.document
        client = document.client_id
        clock = sync.decode_state_vector(document.state()).get(client, 0)
        claims = document.todos[record.name]["claims"]
        with document.doc.transaction(origin=self.origin):
            claims[f"{self.agent}@{record.epoch}"] = f"{client}:{clock}"
        return Claim(record.name, record.epoch, self.agent, client, clock)

    def withdraw(self, claim: Claim) -> None:
        """Remove a claim that lost or went stale, so it no longer holds the TODO.

        Only losers withdraw; the winner's claim stays, so the smallest rank of a claim set
        never changes by a withdrawal and every replica still computes the same winner.
        """
        record = self.document.todos.get(claim.todo)
        claims = record.get("claims") if isinstance(record, Map) else None
        key = f"{claim.agent}@{claim.epoch}"
        if isinstance(claims, Map) and key in claims:
            with self.document.doc.transaction(origin=self.origin):
                del claims[key]

    def live_claims(
        self, record: TodoRecord, roster: dict[str, Member] | None = None
    ) -> list[Claim]:
        """Claims of the record's current epoch by agents the hub has not fenced.

        A claimer this replica's roster does not know yet counts as live: presence can lag
        the document, and a claim seen is never ignored on the strength of a missing
        roster entry (the claim protocol's premise: nobody claims a TODO whose live claim
        it has seen). ``roster`` is :meth:`roster` when the caller has it already.
        """
        if roster is None:
            roster = self.roster()
        return [
            c
            for c in record.claims
            if c.epoch == record.epoch
            and (c.agent not in roster or roster[c.agent].state != "fenced")
        ]

    def outcome(self, claim: Claim) -> Outcome:
        """The claim's fate as this replica can tell it (docs/claims.md, "States")."""
        record = self.records.get(claim.todo)
        if record is None or record.epoch != claim.epoch or record.status in ("done", "failed"):
            return Outcome.STALE
        hub = self._hub_state()
        roster = _roster(hub)
        if roster.get(claim.agent, Member("", "", 0)).state == "fenced":
            return Outcome.STALE
        acks: list[Any] = [hub.get("ack")]
        for agent, member in roster.items():
            if member.role == "implementer" and member.state == "live" and agent != claim.agent:
                acks.append(self._state(member.client).get("ack"))
        have = sync.decode_state_vector(self.document.state())
        for ack in acks:
            # Awareness messages can overtake document updates: an acknowledgement counts
            # only once this replica holds everything it covers (every claim its voter saw).
            if not sync.covers(ack, claim.client, claim.clock) or not sync.covered(have, ack):
                return Outcome.WAITING
        contenders = self.live_claims(record, roster)
        winner = min(contenders, key=lambda c: rank(c.todo, c.epoch, c.agent), default=None)
        return Outcome.WON if winner is not None and winner.agent == claim.agent else Outcome.LOST

    # -- an owner's transitions ------------------------------------------------------

    def take(self, claim: Claim) -> None:
        """The winner of ``claim`` becomes the TODO's owner."""
        entry = self.document.todos[claim.todo]
        with self.document.doc.transaction(origin=self.origin):
            entry["owner"] = self.agent
            entry["status"] = "claimed"

    def mark_done(self, todo: str, chars: int, marker: tuple[int, int] | None) -> None:
        """Remove the TODO's marker (``(start, end)``, if still there) and mark it done, in
        one transaction: no replica ever sees the code without the record saying done."""
        document = self.document
        with document.doc.transaction(origin=self.origin):
            if marker is not None:
                document.replace(marker[0], marker[1], "", self.origin)
            entry = document.todos[todo]
            entry["status"] = "done"
            entry["done_by"] = self.agent
            entry["chars"] = chars

    def release(self, claim: Claim, reason: str, *, final: bool, max_attempts: int) -> bool:
        """Hand the TODO back in a new epoch, or give it up (``failed``) when ``final`` or
        after ``max_attempts``; returns whether it failed."""
        document = self.document
        entry = document.todos[claim.todo]
        attempts = _read_todos(document)[claim.todo].attempts + 1
        failed = final or attempts >= max_attempts
        with document.doc.transaction(origin=self.origin):
            entry["owner"] = ""
            entry["attempts"] = attempts
            entry["epoch"] = claim.epoch + 1
            entry["status"] = "failed" if failed else "pending"
            entry["released"] = reason
            if failed:
                entry["error"] = reason
        return failed

    def forgo(self, claim: Claim) -> None:
        """Hand back a TODO whose claim won but that this agent never wrote (a lookahead
        claim left unused): pending in the next epoch, its attempts unchanged. Every claim
        of the old epoch is stale from then on, so nobody decides on a claim set that lost
        its winner."""
        document = self.document
        entry = document.todos.get(claim.todo)
        if not isinstance(entry, Map):
            return
        record = _read_todos(document).get(claim.todo)
        if record is None or record.epoch != claim.epoch or record.status != "pending":
            return
        with document.doc.transaction(origin=self.origin):
            entry["owner"] = ""
            entry["epoch"] = claim.epoch + 1
            entry["status"] = "pending"

    # -- the hub's transitions --------------------------------------------------------

    def reopen(self, records: list[TodoRecord]) -> None:
        """Put a fenced owner's TODOs back to pending in their next epoch (the hub)."""
        if not records:
            return
        document = self.document
        with document.doc.transaction(origin=self.origin):
            for record in records:
                live = document.todos[record.name]
                live["status"] = "pending"
                live["owner"] = ""
                live["epoch"] = record.epoch + 1
                live["attempts"] = record.attempts + 1

    def open_roster(self) -> None:
        """The hub starts from the roster an earlier hub left on this document, if any:
        the agents of an earlier run keep their last state, so their claims of TODOs still
        pending count as live or fenced as they were."""
        self._publish_roster(self._roster_json())

    def admit(self, agent: str, role: str, client: int) -> None:
        """Record ``agent`` (CRDT client ``client``) as live (the hub, before its fork)."""
        roster = self._roster_json()
        roster[agent] = {"role": role, "state": "live", "client": client}
        self._publish_roster(roster)

    def set_member_state(self, agent: str, state: str, *, only_if_live: bool = False) -> None:
        """Mark ``agent`` ``finished`` or ``fenced`` (the hub)."""
        roster = self._roster_json()
        entry = roster.get(agent)
        if entry is None or (only_if_live and entry.get("state") != "live"):
            return
        roster[agent] = {**entry, "state": state}
        self._publish_roster(roster)

    def _roster_json(self) -> dict[str, dict[str, Any]]:
        local = self.awareness.get_local_state() or {}
        return dict(local.get("roster") or {})

    def _publish_roster(self, roster: dict[str, dict[str, Any]]) -> None:
        # With the hub's state vector as its acknowledgement: a replica that decides holds
        # everything the hub held when it changed the roster (e.g. a fenced owner's TODO
        # reopened in a new epoch before it reads that owner as fenced).
        vector = sync.decode_state_vector(self.document.state())
        self._acked = vector
        self._publish(role="hub", roster=roster, ack=sync.encode_state_vector(vector))

    # -- presence -------------------------------------------------------------------

    def roster(self) -> dict[str, Member]:
        """The agents the hub admitted, as this replica last heard from the hub."""
        return _roster(self._hub_state())

    def state_of(self, agent: str) -> dict[str, Any]:
        """What ``agent`` last published (empty if nothing reached this replica)."""
        member = self.roster().get(agent)
        return self._state(member.client) if member is not None else {}

    def publish(self, **fields: Any) -> None:
        """Set fields of this agent's own awareness state (activity, TODO, lines, …).

        An agent's ``done`` carries its state vector (``ack``): whoever reads it can tell
        whether it holds everything the agent wrote before (see :meth:`outline_complete`).
        """
        if fields.get("activity") == "done":
            vector = sync.decode_state_vector(self.document.state())
            self._acked = vector
            fields["ack"] = sync.encode_state_vector(vector)
        self._publish(**fields)

    def outline_complete(self) -> bool:
        """Whether the Outliner said it is done and this replica holds all it wrote.

        Its lines precede its ``done`` in its own order and the hub makes each marker's
        record before relaying the line: so every marker's record is here too.
        """
        state = self.state_of(OUTLINER)
        ack = state.get("ack")
        return (
            state.get("activity") == "done"
            and ack is not None
            and sync.covered(sync.decode_state_vector(self.document.state()), ack)
        )

    def outline_text(self) -> str | None:
        """The outline as the Outliner finished it (the text every implementer's request
        shares, so that providers reuse its prefix); None until the outline is complete."""
        if not self.outline_complete():
            return None
        outline = self.state_of(OUTLINER).get("outline")
        return outline if isinstance(outline, str) else None

    def regions(self, text: str | None = None) -> dict[str, tuple[int, int] | None]:
        """Each writing agent's region as (first line, end line) in ``text``.

        An implementer writes just above its TODO's marker line and publishes how many
        lines it wrote, so its region ends at that line in whatever text is given (the
        editor's may lag the document's). ``None`` when the marker is not in ``text``.
        """
        if text is None:
            text = self.document.text
        regions: dict[str, tuple[int, int] | None] = {}
        for agent, member in self.roster().items():
            state = self._state(member.client)
            if state.get("activity") not in WRITING:
                continue
            marker = find_marker(text, str(state.get("todo") or ""))
            if marker is None:
                regions[agent] = None
                continue
            written = int(state.get("lines") or 0)
            regions[agent] = (max(0, marker.line - written), marker.line)
        return regions

    # -- acknowledgements ----------------------------------------------------------------

    def behind(self, records: dict[str, TodoRecord] | None = None) -> bool:
        """Whether claims of the current epochs are not covered by the last acknowledgement."""
        acked = self._acked
        for record in (records if records is not None else self.records).values():
            for claim in record.claims:
                if claim.epoch == record.epoch and acked.get(claim.client, 0) <= claim.clock:
                    return True
        return False

    def step(self, records: dict[str, TodoRecord] | None = None) -> None:
        """Acknowledge if claims arrived that the last acknowledgement does not cover."""
        if self.behind(records):
            self.acknowledge()

    def acknowledge(self) -> dict[int, int]:
        """Publish this agent's state vector as its acknowledgement of every claim seen."""
        vector = sync.decode_state_vector(self.document.state())
        self._acked = vector
        self._publish(ack=sync.encode_state_vector(vector))
        return vector

    # -- awareness ------------------------------------------------------------------

    def _publish(self, **fields: Any) -> None:
        state = dict(self.awareness.get_local_state() or {})
        state.update(fields)
        self.awareness.set_local_state(state)

    def _state(self, client: int) -> dict[str, Any]:
        return self.awareness.states.get(client) or {}

    def _hub_state(self) -> dict[str, Any]:
        local = self.awareness.get_local_state()
        if local and "roster" in local:
            return local
        for state in self.awareness.states.values():
            if state and "roster" in state:
                return state
        return {}


def _roster(hub: dict[str, Any]) -> dict[str, Member]:
    return {
        agent: Member(str(entry.get("role", "")), str(entry.get("state", "")), int(entry["client"]))
        for agent, entry in (hub.get("roster") or {}).items()
        if isinstance(entry, dict) and "client" in entry
    }


def _json(shared: Map) -> dict[str, Any]:
    """A map's content as plain Python (pycrdt's JSON export: one call into Rust)."""
    value = json.loads(str(shared))
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def _read_todos(document: SharedDocument) -> dict[str, TodoRecord]:
    records: dict[str, TodoRecord] = {}
    for name, record in _json(document.todos).items():
        if not isinstance(record, dict):
            continue
        claims: list[Claim] = []
        for key, value in (record.get("claims") or {}).items():
            agent, _, epoch = str(key).rpartition("@")
            client, _, clock = str(value).partition(":")
            claims.append(Claim(name, int(epoch), agent, int(client), int(clock)))
        records[name] = TodoRecord(
            name=name,
            description=str(record.get("description", "")),
            status=str(record.get("status", "pending")),
            epoch=_int(record.get("epoch")),
            owner=str(record.get("owner", "")),
            attempts=_int(record.get("attempts")),
            order=_int(record.get("order")),
            claims=tuple(claims),
            chars=_int(record.get("chars")),
            size=_int(record.get("size")),
            released=str(record.get("released", "")),
        )
    return records

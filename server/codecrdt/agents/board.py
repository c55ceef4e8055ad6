"""The TODO board: records in the ``todos`` map, claims, acknowledgements, membership.

Everything here reads or writes one replica's :class:`SharedDocument`; coordination
happens only by those writes reaching the other replicas. The protocol (docs/claims.md):

- the hub creates a record per TODO: ``status`` pending, ``epoch`` 0, an empty ``claims``
  map;
- an implementer claims a pending TODO by adding ``claims["<agent>@<epoch>"]`` =
  ``"<client>:<clock>"``, the CRDT id of that very write;
- every claimer and the hub publish an acknowledgement: their state vector, in
  ``presence[<id>]["ack"]``, whenever they have seen claims their last one did not cover;
- a claim is decided once the hub and every live implementer have acknowledged it; then
  the winner among the live claims of that epoch is the one with the smallest
  :func:`rank` — a hash every replica computes identically;
- the winner writes ``owner``; the hub, fencing an owner whose lease expired, reverts its
  partial text and moves the TODO to the next epoch, pending again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pycrdt import Map

from codecrdt.agents import sync
from codecrdt.document import SharedDocument
from codecrdt.markers import Marker

__all__ = [
    "HUB",
    "Claim",
    "Outcome",
    "TodoRecord",
    "Voter",
    "acknowledge",
    "claim_outcome",
    "create_todo",
    "live_claims",
    "members",
    "rank",
    "read_todos",
    "withdraw",
    "write_claim",
]

HUB = "hub"


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


def rank(todo: str, epoch: int, agent: str) -> bytes:
    return hashlib.sha256(f"{todo}\x00{epoch}\x00{agent}".encode()).digest()


def _json(shared: Map) -> dict[str, Any]:
    """A map's content as plain Python (pycrdt's JSON export: one call into Rust)."""
    value = json.loads(str(shared))
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def read_todos(document: SharedDocument) -> dict[str, TodoRecord]:
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
        )
    return records


def create_todo(document: SharedDocument, marker: Marker, order: int, origin: str) -> None:
    """The hub's record for a newly seen marker (a no-op if it exists)."""
    if marker.name in document.todos:
        return
    with document.doc.transaction(origin=origin):
        document.todos[marker.name] = Map(
            {
                "name": marker.name,
                "description": marker.description,
                "status": "pending",
                "epoch": 0,
                "owner": "",
                "attempts": 0,
                "order": order,
                "claims": Map(),
            }
        )


def members(document: SharedDocument) -> dict[str, tuple[str, str]]:
    """``{agent: (role, state)}`` from the presence map."""
    return {
        agent: (str(entry.get("role", "")), str(entry.get("state", "")))
        for agent, entry in _json(document.presence).items()
        if isinstance(entry, dict)
    }


def live_claims(
    document: SharedDocument,
    record: TodoRecord,
    roster: dict[str, tuple[str, str]] | None = None,
) -> list[Claim]:
    """Claims of the record's current epoch by agents the hub has not fenced.

    ``roster`` is :func:`members` when the caller has it already.
    """
    if roster is None:
        roster = members(document)
    return [
        c
        for c in record.claims
        if c.epoch == record.epoch and roster.get(c.agent, ("", "fenced"))[1] != "fenced"
    ]


def write_claim(document: SharedDocument, record: TodoRecord, agent: str, origin: str) -> Claim:
    """Claim ``record`` for ``agent`` at the record's current epoch."""
    client = document.client_id
    clock = sync.decode_state_vector(document.state()).get(client, 0)
    claims = document.todos[record.name]["claims"]
    with document.doc.transaction(origin=origin):
        claims[f"{agent}@{record.epoch}"] = f"{client}:{clock}"
    return Claim(record.name, record.epoch, agent, client, clock)


def withdraw(document: SharedDocument, claim: Claim, origin: str) -> None:
    """Remove a claim that lost or went stale, so it no longer holds the TODO.

    Only losers withdraw; the winner's claim stays, so the smallest rank of a claim set
    never changes by a withdrawal and every replica still computes the same winner.
    """
    record = document.todos.get(claim.todo)
    claims = record.get("claims") if isinstance(record, Map) else None
    key = f"{claim.agent}@{claim.epoch}"
    if isinstance(claims, Map) and key in claims:
        with document.doc.transaction(origin=origin):
            del claims[key]


def claim_outcome(document: SharedDocument, claim: Claim) -> Outcome:
    record = read_todos(document).get(claim.todo)
    if record is None or record.epoch != claim.epoch or record.status in ("done", "failed"):
        return Outcome.STALE
    roster = members(document)
    if roster.get(claim.agent, ("", ""))[1] == "fenced":
        return Outcome.STALE
    voters = [HUB] + [
        agent
        for agent, (role, state) in roster.items()
        if role == "implementer" and state == "live" and agent != claim.agent
    ]
    for voter in voters:
        entry = document.presence.get(voter)
        ack = entry.get("ack") if isinstance(entry, Map) else None
        if not sync.covers(ack, claim.client, claim.clock):
            return Outcome.WAITING
    contenders = live_claims(document, record, roster)
    winner = min(contenders, key=lambda c: rank(c.todo, c.epoch, c.agent), default=None)
    return Outcome.WON if winner is not None and winner.agent == claim.agent else Outcome.LOST


class Voter:
    """One voter's acknowledgements: publishes its state vector when it has seen claims
    its last acknowledgement did not cover.

    The TODO records are read again only after the ``todos`` map changed, and the last
    acknowledgement is kept as numbers: a replica checks after every update it merges.
    """

    def __init__(self, document: SharedDocument, voter: str, origin: str) -> None:
        self.document = document
        self.voter = voter
        self.origin = origin
        self._acked: dict[int, int] = {}
        self._records: dict[str, TodoRecord] | None = None
        self._subscription = document.todos.observe_deep(self._changed)

    def _changed(self, _events: object) -> None:
        self._records = None

    @property
    def records(self) -> dict[str, TodoRecord]:
        if self._records is None:
            self._records = read_todos(self.document)
        return self._records

    def behind(self, records: dict[str, TodoRecord] | None = None) -> bool:
        """Whether claims of the current epochs are not covered by the last acknowledgement."""
        acked = self._acked
        for record in (records if records is not None else self.records).values():
            for claim in record.claims:
                if claim.epoch == record.epoch and acked.get(claim.client, 0) <= claim.clock:
                    return True
        return False

    def step(self, records: dict[str, TodoRecord] | None = None) -> None:
        if self.behind(records):
            self._acked = acknowledge(self.document, self.voter, self.origin)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the document may be gone already
            self.document.todos.unobserve(self._subscription)


def acknowledge(document: SharedDocument, voter: str, origin: str) -> dict[int, int]:
    """Publish ``voter``'s state vector as its acknowledgement of every claim it has seen."""
    vector = sync.decode_state_vector(document.state())
    entry = document.presence.get(voter)
    if isinstance(entry, Map):
        with document.doc.transaction(origin=origin):
            entry["ack"] = sync.encode_state_vector(vector)
    return vector

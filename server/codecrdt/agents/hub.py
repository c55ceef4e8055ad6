"""The hub: owner of the run's authoritative document, relay between replicas, fence.

Every agent edits its own :class:`Replica`; the hub merges what they send into the run's
document (the one the editor bridge and the analysis see) and answers each replica with
what it lacks. Besides relaying, the hub:

- finds TODO markers as they appear in the document and creates their records;
- publishes the roster (agent → role, live/finished/fenced, client id) and acknowledges
  claims like every voter, in its awareness state, and relays every replica's awareness
  state to the others (each may only set its own);
- keeps each agent's lease: any message from the agent renews it. An agent silent for
  longer than ``lease_s`` is *fenced*: marked ``fenced`` in the roster, its updates
  refused from then on, the partial text of the TODO it owned reverted (pycrdt's undo
  manager, scoped to that agent's origin) and that TODO put back to pending in a new
  epoch. So an agent that wakes from a stall cannot write into a reassigned TODO.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from pycrdt import UndoManager, get_state

from codecrdt.agents import authors, board, sync
from codecrdt.agents.channel import Channel
from codecrdt.agents.network import NetworkModel, SimulatedChannel
from codecrdt.agents.replica import FENCED_NOTICE, Replica
from codecrdt.clock import Clock
from codecrdt.document import ChangeEvent, SharedDocument
from codecrdt.markers import mentions_marker, scan_markers

__all__ = ["Hub", "HubOptions", "Timeline"]

HUB_ORIGIN = "hub"


@dataclass(frozen=True, slots=True)
class HubOptions:
    lease_s: float = 10.0
    resync_s: float = 0.25
    network: NetworkModel = field(default_factory=NetworkModel)
    #: The marker names that become TODOs (None: every marker). ``codecrdt implement``
    #: on a selection leaves the file's other markers alone.
    todos: frozenset[str] | None = None
    #: The run's id, recorded with each agent's CRDT client in the authors map.
    run_id: str = ""
    #: Marker names that never become TODOs: the file's own markers, when an Outliner
    #: plans the run (the user's markers are theirs; ``codecrdt implement`` fills them).
    ignore: frozenset[str] = frozenset()


@dataclass(slots=True)
class Timeline:
    """When the hub saw things happen, in seconds from the run's start."""

    appeared_s: dict[str, float] = field(default_factory=dict)
    claimed_s: dict[str, float] = field(default_factory=dict)
    done_s: dict[str, float] = field(default_factory=dict)


@dataclass(eq=False)
class _Link:
    agent: str
    role: str
    client: int
    replica: Replica
    to_replica: Channel
    peer_state: bytes = b"\x00"
    last_heard: float = 0.0
    fenced: bool = False
    undo: UndoManager | None = None
    active_todo: str | None = None
    #: TODOs this agent wrote text into, per epoch, kept unless reverted.
    wrote: set[tuple[str, int]] = field(default_factory=set)


class Hub:
    def __init__(
        self,
        document: SharedDocument,
        options: HubOptions,
        *,
        rng: random.Random | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.document = document
        self.options = options
        self.rng = rng or random.Random(0)
        self.loop = asyncio.get_running_loop()
        self.clock = clock if clock is not None else Clock.real().start()
        self.timeline = Timeline()
        self.links: dict[str, _Link] = {}
        self.rejected_updates = 0
        self.fenced_agents: list[str] = []
        self.on_event: Callable[[str, dict[str, object]], None] | None = None
        #: Called with each agent id as it is admitted (before any of its updates).
        self.on_connect: Callable[[str], None] | None = None
        self._todo_order = 0
        self._broadcast_pending = False
        self._relay_pending = False
        self._closed = False
        self.board = board.Board(document, board.HUB, HUB_ORIGIN, watch=True)
        self.board.open_roster()
        self._unobserve = document.observe(self._on_change)
        self._doc_subscription = document.doc.observe(lambda _event: self._broadcast_soon())
        self._awareness_subscription = document.awareness.observe(self._on_awareness)
        # The markers already in the file are the run's TODOs, a marker whose record an
        # earlier run left done or failed (put back since, by an undo or by the user) too.
        self._scan(document.text, again=True)
        self._records: dict[str, board.TodoRecord] = self.board.records
        self._tick_handle = self.loop.call_later(options.resync_s, self._tick)

    def now(self) -> float:
        return self.clock.now()

    # -- membership -----------------------------------------------------------------

    def connect(self, agent: str, role: str) -> Replica:
        """Admit an agent: record it as live, then hand it a replica of the document."""
        if agent in self.links:
            raise ValueError(f"agent id {agent!r} is already in use in this run")
        if self.on_connect is not None:
            self.on_connect(agent)
        client = self.rng.getrandbits(32) or 1
        self.board.admit(agent, role, client)
        authors.register(self.document, client, agent, role, self.options.run_id)
        replica_doc = self.document.fork(client_id=client)
        replica = Replica(
            agent, role, replica_doc, resync_s=self.options.resync_s, clock=self.clock
        )
        # Like the document, the replica's presence starts from the hub's at this moment.
        replica.deliver(self._awareness_message())
        model = self.options.network
        to_replica: Channel = SimulatedChannel(
            model, replica.deliver, random.Random(self.rng.random())
        )
        link = _Link(agent, role, client, replica, to_replica, last_heard=self.clock.now())
        link.peer_state = replica_doc.state()
        if role == "implementer":
            link.undo = UndoManager(scopes=[self.document.source], capture_timeout_millis=2**31 - 1)
            link.undo.include_origin(f"agent:{agent}")
        to_hub = SimulatedChannel(
            model, lambda message: self._receive(link, message), random.Random(self.rng.random())
        )
        replica.attach(to_hub)
        self.links[agent] = link
        return replica

    def leave(self, agent: str, state: str = "finished") -> None:
        """An agent ends normally: it no longer claims, acknowledges or holds a lease."""
        link = self.links.get(agent)
        if link is None or link.fenced:
            return
        self.board.set_member_state(agent, state, only_if_live=True)
        # The replica stays connected: at the end every replica must hold the same text.

    # -- receiving ------------------------------------------------------------------

    def _receive(self, link: _Link, message: bytes) -> None:
        if self._closed:
            return
        if link.fenced:
            link.to_replica.send(FENCED_NOTICE)
            return
        try:
            decoded = sync.decode(message)
        except ValueError:
            return
        link.last_heard = self.clock.now()
        if decoded.kind == sync.AWARENESS:
            # Each replica may set only its own presence.
            if sync.awareness_clients(decoded.payload) == [link.client]:
                self.document.awareness.apply_awareness_update(decoded.payload, link.agent)
            return
        if decoded.kind == sync.STEP1:
            link.peer_state = decoded.payload
            reply = sync.answer(message, self.document.doc)
            if reply is not None:
                link.to_replica.send(reply)
            return
        update = decoded.payload
        if update == sync.EMPTY_UPDATE:
            return
        if self._from_fenced_client(update):
            self.rejected_updates += 1
            return
        self._merge(link, update)

    def _from_fenced_client(self, update: bytes) -> bool:
        """Whether ``update`` holds anything new written by a fenced agent."""
        fenced = {link.client for link in self.links.values() if link.fenced}
        if not fenced:
            return False
        have = sync.decode_state_vector(self.document.state())
        for client, clock in sync.decode_state_vector(get_state(update)).items():
            if client in fenced and clock > have.get(client, 0):
                return True
        return False

    def _merge(self, link: _Link, update: bytes) -> None:
        before = self._records
        event = self.document.apply_update(update, f"agent:{link.agent}")
        self._records = self.board.records
        self._follow_records(link, before, self._records, bool(event.changes))
        # Checked after every merge, not only when records change: a claim can be in the
        # map before the state vector covers it (its update waited for earlier ones).
        self.board.step(self._records)

    def _follow_records(
        self,
        link: _Link,
        before: dict[str, board.TodoRecord],
        after: dict[str, board.TodoRecord],
        text_changed: bool,
    ) -> None:
        now = self.now()
        for name, record in after.items():
            old = before.get(name)
            if record.status == "claimed" and (old is None or old.status != "claimed"):
                self.timeline.claimed_s.setdefault(name, now)
                self._emit("claim", {"todo": name, "agent": record.owner, "epoch": record.epoch})
            if record.status == "done" and (old is None or old.status != "done"):
                self.timeline.done_s[name] = now
                self._emit("done", {"todo": name, "agent": record.owner})
        if link.undo is None:
            return
        if link.active_todo is not None:
            previous = before.get(link.active_todo)
            if text_changed and previous is not None:
                # Text that arrives with its TODO's completion (a whole answer read ahead
                # and written at once) is that TODO's.
                link.wrote.add((link.active_todo, previous.epoch))
            current = after.get(link.active_todo)
            if current is None or current.owner != link.agent or current.status != "claimed":
                link.undo.clear()  # its work on that TODO is finished or handed back
                link.active_todo = None
        if link.active_todo is None:
            for name, record in after.items():
                if record.owner == link.agent and record.status == "claimed":
                    link.active_todo = name
        if text_changed and link.active_todo is not None:
            link.wrote.add((link.active_todo, after[link.active_todo].epoch))

    # -- TODO markers ---------------------------------------------------------------

    def _on_change(self, event: ChangeEvent) -> None:
        changes = event.changes
        if not any("\n" in change.text for change in changes):
            return  # a marker counts once its line is complete
        if len(changes) == 1:
            # Only the lines this change touched (rows are the document's, after it).
            lines = self.document.lines
            first, last = changes[0].start_point[0], changes[0].new_end_point[0]
            start = lines.line_char_start(first)
            end = lines.line_char_start(last + 1) if last + 1 < len(lines) else len(self.document)
            self._scan(self.document.text[start:end])
            return
        self._scan(self.document.text)

    def _scan(self, text: str, again: bool = False) -> None:
        if not mentions_marker(text):
            return
        known = self.board.records if again else {}
        wanted = self.options.todos
        for marker in scan_markers(text):
            if (wanted is not None and marker.name not in wanted) or (
                marker.name in self.options.ignore
            ):
                continue
            old = known.get(marker.name)
            if old is not None and old.status in ("done", "failed"):
                self.board.forget(marker.name)
            if marker.name not in self.document.todos:
                self._todo_order += 1
                self.board.create(marker, self._todo_order)
                self.timeline.appeared_s[marker.name] = self.now()
                self._emit("todo", {"todo": marker.name, "description": marker.description})

    # -- sending --------------------------------------------------------------------

    def _broadcast_soon(self) -> None:
        if self._broadcast_pending or self._closed:
            return
        self._broadcast_pending = True
        self.loop.call_soon(self._broadcast)

    def _broadcast(self) -> None:
        """Send every live replica what it lacks, as one complete step-2 answer."""
        self._broadcast_pending = False
        for link in self.links.values():
            if link.fenced or link.to_replica.closed:
                continue
            message = sync.diff_message(self.document.doc, link.peer_state)
            if message is not None:
                link.to_replica.send(message)

    def _on_awareness(self, topic: str, _change: object) -> None:
        if topic == "change":
            self._relay_soon()

    def _relay_soon(self) -> None:
        if self._relay_pending or self._closed:
            return
        self._relay_pending = True
        self.loop.call_soon(self._relay)

    def _awareness_message(self) -> bytes:
        """The hub's presence and every admitted agent's, as far as the hub has them."""
        awareness = self.document.awareness
        clients = [awareness.client_id] + [
            link.client for link in self.links.values() if link.client in awareness.meta
        ]
        return sync.awareness_message(awareness, clients)

    def _relay(self) -> None:
        """Send every live replica the presence states (once per loop iteration)."""
        self._relay_pending = False
        message = self._awareness_message()
        for link in self.links.values():
            if not (link.fenced or link.to_replica.closed):
                link.to_replica.send(message)

    def _tick(self) -> None:
        """Anti-entropy (of the document and of presence) and lease checks."""
        if self._closed:
            return
        now = self.clock.now()
        state = sync.state_message(self.document.doc)
        presence = self._awareness_message()
        for link in list(self.links.values()):
            if link.fenced or link.to_replica.closed:
                continue
            if link.role == "implementer" and now - link.last_heard > self.options.lease_s:
                self.fence(link.agent, "lease expired")
                continue
            link.to_replica.send(state)
            message = sync.diff_message(self.document.doc, link.peer_state)
            if message is not None:
                link.to_replica.send(message)
            link.to_replica.send(presence)
        self._tick_handle = self.loop.call_later(self.options.resync_s, self._tick)

    # -- fencing --------------------------------------------------------------------

    def fence(self, agent: str, reason: str) -> None:
        """Refuse ``agent`` from now on and hand its unfinished TODO back."""
        link = self.links[agent]
        if link.fenced:
            return
        link.fenced = True
        self.fenced_agents.append(agent)
        link.to_replica.send(FENCED_NOTICE)
        document = self.document
        owned = [
            r for r in self.board.records.values() if r.owner == agent and r.status == "claimed"
        ]
        if owned and link.undo is not None and link.undo.can_undo():
            document.undo(link.undo, HUB_ORIGIN)
        if link.undo is not None:
            link.undo.clear()
        for record in owned:
            link.wrote.discard((record.name, record.epoch))
        self.board.reopen(owned)
        # After the reopening: the roster change carries the hub's state vector, so no
        # replica reads the owner as fenced before it holds the TODO's new epoch.
        self.board.set_member_state(agent, "fenced")
        for record in owned:
            document.record(
                "release",
                HUB_ORIGIN,
                clock=self.clock,
                todo=record.name,
                agent=agent,
                reason=reason,
            )
        self._emit("fenced", {"agent": agent, "reason": reason, "todos": [r.name for r in owned]})

    # -- reporting ------------------------------------------------------------------

    def writers(self) -> dict[str, set[str]]:
        """For each TODO, the agents whose text for it is in the document (not reverted)."""
        result: dict[str, set[str]] = {}
        for link in self.links.values():
            for todo, _epoch in link.wrote:
                result.setdefault(todo, set()).add(link.agent)
        return result

    def settled(self) -> bool:
        """Whether every connected, unfenced replica holds exactly the hub's state."""
        state = sync.decode_state_vector(self.document.state())
        return all(
            sync.decode_state_vector(link.replica.document.state()) == state
            for link in self.links.values()
            if not link.fenced and not link.replica.crashed
        )

    def _emit(self, kind: str, details: dict[str, object]) -> None:
        if self.on_event is not None:
            self.on_event(kind, details)

    def close(self) -> None:
        self._closed = True
        self._tick_handle.cancel()
        self._unobserve()
        self.board.close()
        with contextlib.suppress(Exception):  # the document may be gone already
            self.document.awareness.unobserve(self._awareness_subscription)
            self.document.doc.unobserve(self._doc_subscription)
        for link in self.links.values():
            link.replica.close()
            link.to_replica.close()

"""An agent's replica of the run's document, kept in sync with the hub.

The replica speaks the Yjs sync protocol with the hub over a :class:`Channel` pair:

- every local transaction is pushed at once as an update;
- every ``resync_s`` the replica sends its state vector (step 1); the hub answers with
  everything it has that the replica lacks (step 2) — this both acknowledges at the
  transport level and repairs any lost or reordered message, since a step-2 answer always
  holds the complete delete set;
- the hub does the same in the other direction, and every message the hub sends is such a
  complete answer, so a replica's state is always one of the hub's past states plus the
  replica's own writes (see docs/claims.md for why the claim protocol needs this);
- the agent's presence (the document's ``Awareness`` local state) goes to the hub as an
  awareness message whenever it changes and again every ``resync_s`` (a lost one is
  repaired like a lost update); the hub relays everyone's presence back.

Agents read the replica's text and maps and wait on :meth:`changed`. A replica the hub has
fenced (its lease expired) is told so and refuses further local writes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from pycrdt import TransactionEvent

from codecrdt.agents import sync
from codecrdt.agents.channel import Channel
from codecrdt.clock import Clock
from codecrdt.document import Origin, SharedDocument

__all__ = ["Fenced", "Replica"]

FENCED_NOTICE = b"codecrdt:fenced"


class Fenced(RuntimeError):
    """The hub fenced this agent: its lease expired and its writes are refused."""


class Replica:
    def __init__(
        self,
        agent_id: str,
        role: str,
        document: SharedDocument,
        *,
        resync_s: float,
        clock: Clock | None = None,
    ) -> None:
        self.agent_id = agent_id
        self.role = role
        self.document = document
        self.origin = Origin.agent(agent_id)
        self.resync_s = resync_s
        self.fenced = False
        self.crashed = False
        #: The run's clock; a stall lasts until ``paused_until`` on it.
        self.clock = clock if clock is not None else Clock.real().start()
        self.paused_until = 0.0
        self._to_hub: Channel | None = None
        self._applying = False
        self._changed = asyncio.Event()
        self._timer: asyncio.TimerHandle | None = None
        self._step1_pending = False
        self._push_pending = False
        self._presence_pending = False
        self._last_presence = b""
        self._hub_state = sync.decode_state_vector(document.state())
        self._listeners: list[Callable[[], None]] = []
        self._subscription = document.doc.observe(self._on_transaction)
        self._awareness_subscription = document.awareness.observe(self._on_awareness)

    # -- wiring ---------------------------------------------------------------------

    def attach(self, to_hub: Channel) -> None:
        self._to_hub = to_hub
        self._schedule_resync()

    def on_remote_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (synchronously) after every merged update from the hub."""
        self._listeners.append(listener)

    # -- outgoing -------------------------------------------------------------------

    def _on_transaction(self, _event: TransactionEvent) -> None:
        if self._applying or self._to_hub is None or self.fenced or self._push_pending:
            return
        self._push_pending = True
        asyncio.get_running_loop().call_soon(self._push)

    def _push(self) -> None:
        """Send the hub everything it lacks, counted from the last state it told us.

        Never the bare update of one transaction: a complete answer never leaves a gap
        in this replica's clock at the hub. (yrs integrates a map entry whose earlier
        clocks are missing, ahead of the text written before it; the hub's fencing and
        undo rely on seeing each agent's writes in order.)
        """
        self._push_pending = False
        if self.fenced or self.crashed:
            return
        message = sync.diff_message(self.document.doc, sync.state_vector_bytes(self._hub_state))
        if message is not None:
            self._send(message)

    def _on_awareness(self, topic: str, change: tuple[object, object]) -> None:
        if topic != "change":
            return
        if change[1] != "local":
            self._changed.set()  # e.g. an acknowledgement an agent is waiting for
            return
        if self._to_hub is None or self.fenced or self._presence_pending:
            return
        self._presence_pending = True
        asyncio.get_running_loop().call_soon(self._send_presence)

    def _send_presence(self) -> None:
        self._presence_pending = False
        if not (self.fenced or self.crashed):
            awareness = self.document.awareness
            self._send(sync.awareness_message(awareness, [awareness.client_id]))

    def _send(self, message: bytes) -> None:
        if self._to_hub is None or self.crashed:
            return
        if self.clock.now() < self.paused_until:  # stalled: nothing leaves the process
            return
        self._to_hub.send(message)

    def _schedule_resync(self) -> None:
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.resync_s, self._resync)

    def _resync(self) -> None:
        if self.crashed or self.fenced:
            return
        self._send(sync.state_message(self.document.doc))
        self._send_presence()
        self._schedule_resync()

    def _ack_soon(self) -> None:
        """Tell the hub our new state vector (once per loop iteration)."""
        if self._step1_pending:
            return
        self._step1_pending = True

        def send() -> None:
            self._step1_pending = False
            if not (self.crashed or self.fenced):
                self._send(sync.state_message(self.document.doc))

        asyncio.get_running_loop().call_soon(send)

    # -- incoming -------------------------------------------------------------------

    def deliver(self, message: bytes) -> None:
        """A message from the hub arrives."""
        if self.crashed:
            return
        if self.clock.now() < self.paused_until:
            # A stalled process reads nothing; the hub's next resync repairs the loss.
            return
        if message == FENCED_NOTICE:
            self.fenced = True
            self._changed.set()
            return
        try:
            decoded = sync.decode(message)
        except ValueError:
            return
        if decoded.kind == sync.AWARENESS:
            if decoded.payload != self._last_presence:  # the hub resends it every tick
                self._last_presence = decoded.payload
                self.document.awareness.apply_awareness_update(decoded.payload, "hub")
            return
        if decoded.kind == sync.STEP1:
            self._hub_state = sync.merge_state_vectors(
                self._hub_state, sync.decode_state_vector(decoded.payload)
            )
            reply = sync.answer(message, self.document.doc)
            if reply is not None:
                self._send(reply)
            return
        if decoded.payload == sync.EMPTY_UPDATE:
            return
        before = self.document.state()
        self._applying = True
        try:
            self.document.apply_update(decoded.payload, Origin.REMOTE, changes=False)
        finally:
            self._applying = False
        if self.document.state() != before:
            self._ack_soon()
            for listener in list(self._listeners):
                listener()
            self._changed.set()

    # -- for agents -----------------------------------------------------------------

    async def changed(self, timeout: float | None = None) -> bool:
        """Wait until the hub's updates change the replica (True) or ``timeout`` passes."""
        self._changed.clear()
        try:
            async with asyncio.timeout(timeout):
                await self._changed.wait()
        except TimeoutError:
            return False
        return True

    def hub_holds_own_writes(self) -> bool:
        """Whether the hub has reported holding everything this replica wrote so far."""
        client = self.document.client_id
        mine = sync.decode_state_vector(self.document.state()).get(client, 0)
        return self._hub_state.get(client, 0) >= mine

    def check(self) -> None:
        """Raise :class:`Fenced` if the hub has fenced this agent."""
        if self.fenced:
            raise Fenced(f"{self.agent_id}: lease expired; the hub refuses its writes")

    def stall(self, seconds: float) -> None:
        """Model a frozen process: nothing in or out for ``seconds``."""
        self.paused_until = self.clock.now() + seconds

    def crash(self) -> None:
        self.crashed = True
        self.close()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._to_hub is not None:
            self._to_hub.close()
        with contextlib.suppress(Exception):  # already gone with the document
            self.document.awareness.unobserve(self._awareness_subscription)
            self.document.doc.unobserve(self._subscription)

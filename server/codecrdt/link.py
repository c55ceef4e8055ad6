"""Drives an editor bridge over a live connection: batching, sending, timers.

The bridge decides what to send; this module owns the asyncio side: it waits a few tens
of milliseconds so that a burst of agent edits goes out as one ``workspace/applyEdit``,
sends it, feeds the answer back, and wakes the bridge when a resend is due.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from codecrdt.bridge import EditorBridge, OutgoingEdit

__all__ = ["EditorLink"]

logger = logging.getLogger(__name__)

Sender = Callable[[OutgoingEdit], Awaitable[bool]]

#: At most this many ``applyEdit`` requests unanswered per document: past it, nothing
#: more is sent (the bridge is not even asked) until the client answers one.
MAX_UNANSWERED = 4


class EditorLink:
    def __init__(self, bridge: EditorBridge, send: Sender, *, batch_delay: float) -> None:
        self.bridge = bridge
        self._send_edit = send
        self._batch_delay = batch_delay
        self._loop = asyncio.get_running_loop()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = float("inf")
        self._tasks: set[asyncio.Task[None]] = set()
        #: Requests sent and not answered yet (also those the bridge gave up waiting for).
        self._unanswered: set[asyncio.Future[bool]] = set()
        self._held = False  # a poll was skipped for them: an answer polls again
        self._unhook = bridge.document.before_change(self._on_document_change)
        self.closed = False

    def _on_document_change(self, origin: str) -> None:
        if origin != self.bridge.origin:
            self.kick()

    def kick(self) -> None:
        """Something changed: poll the bridge after the batching delay."""
        self._schedule(self._loop.time() + self._batch_delay)

    def _schedule(self, when: float) -> None:
        if self.closed or when >= self._timer_at:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = when
        self._timer = self._loop.call_at(when, self._poll)

    def _poll(self) -> None:
        self._timer, self._timer_at = None, float("inf")
        if len(self._unanswered) >= MAX_UNANSWERED:
            # A client that does not answer: wait for an answer (which kicks) before
            # sending more, rather than queue requests it will never answer.
            logger.info("%s: %d applyEdit unanswered; waiting", self.bridge.uri, MAX_UNANSWERED)
            self._held = True
            return
        edit, wake = self.bridge.poll(self._loop.time())
        if edit is not None:
            task = self._loop.create_task(self._send(edit))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if wake is not None:
            self._schedule(wake)

    async def _send(self, edit: OutgoingEdit) -> None:
        timeout = self.bridge.answer_timeout * 2
        request = asyncio.ensure_future(self._send_edit(edit))
        self._unanswered.add(request)
        request.add_done_callback(self._answered)
        try:
            # Shielded: a late answer must still find its request waiting, not cancelled.
            applied: bool | None = await asyncio.wait_for(asyncio.shield(request), timeout)
        except TimeoutError:
            return  # the bridge's own timeout decides what happens next
        except Exception as error:  # an error answer: the client did not apply it
            logger.warning("%s: applyEdit failed: %s", edit.uri, error)
            applied = None
        self.bridge.answered(edit.edit_id, applied, self._loop.time())
        self.kick()

    def _answered(self, request: asyncio.Future[bool]) -> None:
        self._unanswered.discard(request)
        if self._held:
            self._held = False
            self.kick()

    def close(self) -> None:
        self.closed = True
        self._unhook()
        if self._timer is not None:
            self._timer.cancel()
        for task in self._tasks:
            task.cancel()

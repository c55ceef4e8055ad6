"""Seeded randomized convergence of the editor bridge, in the style of Zed's
``test_random_concurrent_edits``.

One shared document, several writer replicas that sync with it through a lossy, delaying,
reordering network, and one simulated LSP client whose user types and deletes while the
server's edits arrive. The client delays, refuses, ignores, fakes (``applied: true``
without applying) and never answers ``applyEdit``, and batches its ``didChange``s. At the
end every text is identical and every token typed by the user (or a writer) is present
exactly once unless it was deleted.

``CODECRDT_SEEDS`` sets the number of seeds (default 200); ``CODECRDT_SEED`` runs one.
"""

from __future__ import annotations

import heapq
import itertools
import os
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from lsprotocol import types

from codecrdt.bridge import EditorBridge, OutgoingEdit
from codecrdt.document import Origin, SharedDocument
from codecrdt.positions import Encoding, TextLines

TOKEN = re.compile(r"\[([a-z]\d+(?:\.\d+)?)[^\[\]]*\]", re.S)
DECORATIONS = ["", "é", "😀", "\n", "\r\n", "中文", "\r"]


def _seeds() -> list[int]:
    if "CODECRDT_SEED" in os.environ:
        return [int(os.environ["CODECRDT_SEED"])]
    return list(range(int(os.environ.get("CODECRDT_SEEDS", "200"))))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()

    def at(self, delay: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._queue, (self.now + delay, next(self._seq), action))

    def step(self) -> bool:
        if not self._queue:
            return False
        self.now, _, action = heapq.heappop(self._queue)
        action()
        return True


def token_ids(text: str) -> list[str]:
    return TOKEN.findall(text)


def boundaries(text: str) -> list[int]:
    """Code-point offsets between tokens, where a new token may go."""
    return [0] + [m.end() for m in TOKEN.finditer(text)]


@dataclass
class Ledger:
    inserted: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)


class Writer:
    """A replica that inserts and deletes its own tokens, synced through the network."""

    def __init__(self, name: str, hub: SharedDocument, sim: Sim, client_id: int) -> None:
        self.name = name
        self.replica = hub.fork(client_id=client_id)
        self.sim = sim
        self.count = 0
        self.sent_state = self.replica.state()

    def act(self) -> None:
        rng = self.sim.rng
        text = self.replica.text
        mine = [m for m in TOKEN.finditer(text) if m.group(1).startswith(self.name + ".")]
        if mine and rng.random() < 0.25:
            m = rng.choice(mine)
            self.replica.replace(m.start(), m.end(), "", Origin.agent(self.name))
            self.sim.ledger.deleted.add(m.group(1))
        else:
            self.count += 1
            tid = f"{self.name}.{self.count}"
            self.sim.ledger.inserted.add(tid)
            at = rng.choice(boundaries(text))
            self.replica.insert(at, f"[{tid}{rng.choice(DECORATIONS)}]", Origin.agent(self.name))
        self.push()

    def push(self) -> None:
        update = self.replica.update_since(self.sent_state)
        self.sent_state = self.replica.state()
        self.sim.deliver(
            lambda: self.sim.hub.apply_update(update, Origin.agent(self.name)), f"{self.name}>hub"
        )

    def pull(self) -> None:
        update = self.sim.hub.update_since(self.replica.state())
        self.sim.deliver(lambda: self.replica.apply_update(update), f"hub>{self.name}")


class Client:
    """A simulated LSP client: a buffer, a version, a user, and a quirky applyEdit."""

    def __init__(self, sim: Sim, text: str, encoding: Encoding, version: int) -> None:
        self.sim = sim
        self.text = text
        self.version = version
        self.encoding = encoding
        self.unsent: list[types.TextDocumentContentChangeEvent] = []
        self.flush_scheduled = False
        self.count = 0
        self.honest = False

    # The user edits the buffer.
    def type(self) -> None:
        rng = self.sim.rng
        seen = list(TOKEN.finditer(self.text))
        if seen and rng.random() < 0.2:
            m = rng.choice(seen)
            self._edit(m.start(), m.end(), "")
            self.sim.ledger.deleted.add(m.group(1))
        else:
            self.count += 1
            tid = f"u{self.count}"
            self.sim.ledger.inserted.add(tid)
            at = rng.choice(boundaries(self.text))
            self._edit(at, at, f"[{tid}{rng.choice(DECORATIONS)}]")

    def _edit(self, start: int, end: int, new_text: str) -> None:
        lines = TextLines(self.text)
        s = lines.offset_to_lsp(start, self.encoding)
        e = lines.offset_to_lsp(end, self.encoding)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(*s), end=types.Position(*e)), text=new_text
        )
        self.text = self.text[:start] + new_text + self.text[end:]
        self.version += 1
        self.unsent.append(change)
        if not self.flush_scheduled:
            self.flush_scheduled = True
            # Batches like Neovim (150 ms) or eglot (after idle); sometimes at once.
            self.sim.clock.at(self.sim.rng.choice([0.0, 0.01, 0.15, 0.5]), self.flush)

    def flush(self) -> None:
        self.flush_scheduled = False
        changes, self.unsent = self.unsent, []
        version = self.version
        if changes:
            self.sim.to_server(lambda: self.sim.server_did_change(version, changes))

    # The server's edits arrive.
    def apply_edit(self, edit: OutgoingEdit) -> None:
        rng = self.sim.rng
        behaviour = (
            "apply"
            if self.honest
            else rng.choices(["apply", "refuse", "fake", "silent", "late"], [6, 1, 1, 1, 1])[0]
        )
        if behaviour == "late":
            self.sim.clock.at(rng.uniform(0.05, 0.6), lambda: self._versioned_apply(edit, True))
            return
        if behaviour == "apply":
            self._versioned_apply(edit, True)
        elif behaviour == "refuse":
            self.sim.to_server(lambda: self.sim.server_answer(edit.edit_id, False))
        elif behaviour == "fake":
            self.sim.to_server(lambda: self.sim.server_answer(edit.edit_id, True))

    def _versioned_apply(self, edit: OutgoingEdit, answer: bool) -> None:
        if edit.version != self.version:
            applied = False
        else:
            lines = TextLines(self.text)
            spans = sorted(
                (
                    lines.lsp_to_offset(e.range.start.line, e.range.start.character, self.encoding),
                    lines.lsp_to_offset(e.range.end.line, e.range.end.character, self.encoding),
                    e.new_text,
                )
                for e in edit.edits
            )
            # Editors apply from the last edit to the first and report each change.
            for start, end, new_text in reversed(spans):
                self._edit(start, end, new_text)
            applied = True
        if answer:
            self.sim.to_server(lambda: self.sim.server_answer(edit.edit_id, applied))


class Sim:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.ledger = Ledger()
        encoding = self.rng.choice(list(Encoding))
        initial = "".join(f"[i{n}{self.rng.choice(DECORATIONS)}]" for n in range(5))
        self.ledger.inserted |= {f"i{n}" for n in range(5)}
        self.hub = SharedDocument(initial, client_id=1)
        version = self.rng.choice([0, 1])  # Neovim opens documents at version 0
        self.bridge = EditorBridge(
            self.hub, uri="file:///sim.txt", version=version, encoding=encoding, replica_client_id=2
        )
        self.client = Client(self, initial, encoding, version)
        self.writers = [
            Writer(f"w{k}", self.hub, self, 10 + k) for k in range(self.rng.randint(1, 3))
        ]
        self.server_busy_until = 0.0
        self.link_due: dict[str, float] = {}
        self.poll_scheduled = False
        self.hub.before_change(lambda origin: self.schedule_poll())

    def deliver(self, action: Callable[[], None], link: str) -> None:
        """Network between replicas: delayed, sometimes dropped and resent, in order per link."""
        delay = self.rng.uniform(0.0, 0.3)
        while self.rng.random() < 0.1:
            delay += 0.5  # dropped; retransmitted after a timeout
        due = max(self.clock.now + delay, self.link_due.get(link, 0.0))
        self.link_due[link] = due
        self.clock.at(due - self.clock.now, action)

    def to_server(self, action: Callable[[], None]) -> None:
        # One ordered stream from client to server (JSON-RPC over a pipe).
        self.server_busy_until = max(self.server_busy_until, self.clock.now) + 0.001
        self.clock.at(self.server_busy_until - self.clock.now, action)

    def server_did_change(self, version: int, changes: list) -> None:
        self.bridge.did_change(version, changes)
        self.schedule_poll()

    def server_answer(self, edit_id: int, applied: bool) -> None:
        self.bridge.answered(edit_id, applied, self.clock.now)
        self.schedule_poll()

    def schedule_poll(self) -> None:
        if not self.poll_scheduled:
            self.poll_scheduled = True
            self.clock.at(0.02, self.poll)

    def poll(self) -> None:
        self.poll_scheduled = False
        edit, wake = self.bridge.poll(self.clock.now)
        if edit is not None:
            self.clock.at(self.rng.uniform(0.0, 0.05), lambda: self.client.apply_edit(edit))
        if wake is not None:
            self.clock.at(max(wake - self.clock.now, 0.0), self.schedule_poll)

    def run(self) -> None:
        for _ in range(self.rng.randint(20, 60)):
            actor = self.rng.random()
            if actor < 0.4:
                self.clock.at(self.rng.uniform(0, 0.1), self.client.type)
            else:
                writer = self.rng.choice(self.writers)
                self.clock.at(self.rng.uniform(0, 0.1), writer.act)
            for _ in range(self.rng.randint(0, 6)):
                if not self.clock.step():
                    break
        # Quiesce: the client turns cooperative, every replica syncs both ways.
        self.client.honest = True
        for _ in range(4):
            for writer in self.writers:
                writer.push()
                writer.pull()
            while self.clock.step():
                pass
            self.schedule_poll()
            while self.clock.step():
                pass
        assert self.clock.step() is False


@pytest.mark.parametrize("seed", _seeds())
def test_random_concurrent_edits(seed: int) -> None:
    print(f"seed {seed} (replay with CODECRDT_SEED={seed})")
    sim = Sim(seed)
    sim.run()
    final = sim.hub.text
    assert sim.client.text == final, "the editor buffer diverged from the shared document"
    assert sim.bridge.editor_text == final
    for writer in sim.writers:
        assert writer.replica.text == final, f"replica {writer.name} diverged"
    ids = token_ids(final)
    assert len(ids) == len(set(ids)), f"text doubled: {sorted(i for i in ids if ids.count(i) > 1)}"
    assert set(ids) == sim.ledger.inserted - sim.ledger.deleted
    assert TOKEN.sub("", final) == "", "a token was torn apart"
    assert sim.bridge.in_sync

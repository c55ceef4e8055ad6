"""Seeded randomized convergence of the editor bridge, in the style of Zed's
``test_random_concurrent_edits``.

One shared document, several writer replicas that sync with it through a lossy, delaying,
reordering network, and one simulated LSP client whose user types and deletes while the
server's edits arrive. The client delays, refuses, ignores, fakes (``applied: true``
without applying) and never answers ``applyEdit``, and batches its ``didChange``s. At the
end every text is identical and every token typed by the user (or a writer) is present
exactly once unless it was deleted.

``test_random_neovim_edits`` puts a simulated Neovim 0.7 in the client's place (issue 11):
the buffer is lines with a final line break, every buffer change is reported the way
Neovim's change tracking does (its line-wise diff, which reports a change that adds or
removes lines as replacing the rest of its last line; a 150 ms debounce that sends a
change at once when the last ``didChange`` is older, so an applied edit can arrive in two
parts; the version is 0 until the first change, then the change tick), and
``workspace/applyEdit`` is applied as Neovim does (TextEdits from the bottom up, an
insertion past the last line as an insertion at the end of it plus the removal of the
empty last line, no version check for version 0 so such an edit lands at its old
coordinates, an out-of-date edit skipped yet answered ``applied: true``). The writers are
agents that add marker lines (often at the end of the text, as an outline streams) and
delete their own whole lines, so deletions are in flight while the user adds and deletes
lines and tokens. At the end no deleted line may be back and every line and token the
user typed must be there once.

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
from codecrdt.positions import Encoding, PositionError, TextLines, column_to_units, units_to_column

TOKEN = re.compile(r"\[([a-z]\d+(?:\.\d+)?)[^\[\]]*\]", re.S)
# With Neovim, a token may be a line: its line break is part of it. The user's tokens are
# <…>, the others […] (see NeovimClient.type).
LINE_TOKEN = re.compile(r"[\[<]([a-z]\d+(?:\.\d+)?)[^\[\]<>\n]*[\]>]\n?")
NVIM_DECORATIONS = ["", "é", "😀", "中文", " marker"]
NVIM_INITIAL = "[i0é][i1]\n[i2 x]\n[i3][i4😀]\n[z0 tail]\n"  # z0 is never deleted
NVIM_DEBOUNCE = 0.15
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
        if self.sim.neovim:
            self.act_lines()
            return
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

    def act_lines(self) -> None:
        """An agent with Neovim: adds marker lines and deletes its own whole lines."""
        rng = self.sim.rng
        text = self.replica.text
        tokens = list(LINE_TOKEN.finditer(text))
        mine = [m for m in tokens if m.group(1).startswith(self.name + ".")]
        if mine and rng.random() < 0.3:
            m = rng.choice(mine)  # the whole line, with its line break
            self.replica.replace(m.start(), m.end(), "", Origin.agent(self.name))
            self.sim.ledger.deleted.add(m.group(1))
        else:
            self.count += 1
            tid = f"{self.name}.{self.count}"
            self.sim.ledger.inserted.add(tid)
            starts = [0] + [m.end() for m in tokens if m.group(0).endswith("\n")]
            at = len(text) if rng.random() < 0.4 else rng.choice(starts)
            line = f"[{tid}{rng.choice(NVIM_DECORATIONS)}]\n"
            self.replica.insert(at, line, Origin.agent(self.name))
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


class NeovimClient:
    """Neovim 0.7's LSP client as the server sees it (see the module docstring).

    The buffer is a list of lines with a final line break ('eol'); ``_set_text`` and
    ``_set_lines`` are ``nvim_buf_set_text`` and ``nvim_buf_set_lines``, and each reports
    its change through ``_on_lines`` like ``vim.lsp``'s change tracking.
    """

    honest = False  # (Neovim has one behaviour)

    def __init__(self, sim: Sim, text: str, encoding: Encoding) -> None:
        assert text.endswith("\n")
        self.sim = sim
        self.encoding = encoding
        self.lines = text[:-1].split("\n")
        self.version = 0  # buf_versions: 0 from didOpen to the first change
        self.tick = sim.rng.randint(2, 5)  # b:changedtick
        self.unsent: list[types.TextDocumentContentChangeEvent] = []
        self.last_flush: float | None = None
        self.timer = 0  # the pending flush timer's generation
        self.count = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    # -- the buffer ------------------------------------------------------------------

    def _set_text(self, sr: int, sc: int, er: int, ec: int, new: list[str]) -> None:
        prev = list(self.lines)
        head, tail = prev[sr][:sc], prev[er][ec:]
        repl = (
            [head + new[0] + tail] if len(new) == 1 else [head + new[0], *new[1:-1], new[-1] + tail]
        )
        self.lines[sr : er + 1] = repl
        self._on_lines(prev, sr, er + 1, sr + len(repl))

    def _set_lines(self, start: int, end: int, new: list[str]) -> None:
        prev = list(self.lines)
        self.lines[start:end] = new
        if not self.lines:
            self.lines = [""]
        self._on_lines(prev, start, end, start + len(new))

    def _on_lines(self, prev: list[str], first: int, last: int, new_last: int) -> None:
        self.tick += 1
        self.version = self.tick
        self.unsent.append(self._diff(prev, first, last, new_last))
        if self.last_flush is None:
            debounce = NVIM_DEBOUNCE
        else:
            debounce = max(NVIM_DEBOUNCE - (self.sim.clock.now - self.last_flush), 0.0)
        self.timer += 1
        if debounce == 0.0:
            self.flush()  # at once, even in the middle of applying an edit
        else:
            timer = self.timer
            self.sim.clock.at(debounce, lambda: self.timer == timer and self.flush())

    def _diff(
        self, prev: list[str], first: int, last: int, new_last: int
    ) -> types.TextDocumentContentChangePartial:
        """The change as vim.lsp.sync.compute_diff reports it (columns in code points)."""
        curr = self.lines
        if first == last:  # lines inserted before prev[first]
            if first > 0:
                start, end = (first - 1, len(prev[first - 1])), (first, 0)
                text = "\n" + "".join(line + "\n" for line in curr[first:new_last])
            else:
                start, end = (0, 0), (0, 0)
                text = "".join(line + "\n" for line in curr[first:new_last])
        elif first == new_last:  # lines deleted
            start, end, text = (first, 0), (last, 0), ""
        else:
            old, new = prev[first], curr[first]
            column = 0
            while column < min(len(old), len(new)) and old[column] == new[column]:
                column += 1
            old_last, new_last_line = prev[last - 1], curr[new_last - 1]
            suffix = 0
            if last == new_last:  # only then does Neovim look for a common end
                bound = min(len(old_last), len(new_last_line))
                if last - 1 == first:
                    bound -= column
                while suffix < bound and old_last[-1 - suffix] == new_last_line[-1 - suffix]:
                    suffix += 1
            start = (first, column)
            end = (last - 1, len(old_last) - suffix)
            changed = [*curr[first:new_last]]
            changed[-1] = changed[-1][: len(changed[-1]) - suffix]
            changed[0] = changed[0][column:]
            text = "\n".join(changed)

        def lsp(point: tuple[int, int]) -> types.Position:
            line, column = point
            content = prev[line] if line < len(prev) else ""
            return types.Position(line, column_to_units(content, column, self.encoding))

        return types.TextDocumentContentChangePartial(
            range=types.Range(start=lsp(start), end=lsp(end)), text=text
        )

    def flush(self) -> None:
        self.last_flush = self.sim.clock.now
        changes, self.unsent = self.unsent, []
        version = self.version
        if changes:
            self.sim.to_server(lambda: self.sim.server_did_change(version, changes))

    # -- the user --------------------------------------------------------------------

    def _point(self, offset: int) -> tuple[int, int]:
        line, column = TextLines(self.text).offset_to_point(offset)
        return line, column

    def type(self) -> None:
        """The user adds and deletes tokens and lines.

        Neovim reports a change from the first column where its line differs, so a change
        at the start of text that begins the same way is reported as made after the common
        part, and takes its identity: a token typed before ``[w1.2]`` and reported as
        ``w1.2][…`` after its ``[`` would leave that ``[`` behind when the agent deletes its
        line meanwhile (a known limitation of line diffs: see docs/editor-bridge.md). The
        user's tokens are therefore ``<…>``: they never begin like the agents' text. For
        the same reason lines are deleted whole (``dd``), not joined to the next one.

        The user starts once Neovim has sent its first ``didChange``. Before that the
        server knows the buffer at version 0 only, and Neovim applies a version-0 edit at
        its old coordinates even over unreported typing; the bridge then moves the edit's
        text to where it landed, and a writer's deletion of that text made before it
        sees the move is lost (see docs/editor-bridge.md, "Version 0"). The window is the
        debounce after the first change; the literal application itself still happens
        here (the first edits arrive at version 0 while the agents write).
        """
        if self.last_flush is None:
            return
        rng = self.sim.rng
        text = self.text
        tokens = list(LINE_TOKEN.finditer(text))
        deletable = [m for m in tokens if m.group(1) != "z0"]
        if deletable and rng.random() < 0.3:
            m = rng.choice(deletable)
            (r0, c0), (r1, c1) = self._point(m.start()), self._point(m.end())
            if not m.group(0).endswith("\n"):
                self._set_text(r0, c0, r1, c1, [""])
            elif c0 == 0:
                self._set_lines(r0, r0 + 1, [])  # dd
            else:
                return
            self.sim.ledger.deleted.add(m.group(1))
            return
        self.count += 1
        tid = f"u{self.count}"
        self.sim.ledger.inserted.add(tid)
        token = f"<{tid}{rng.choice(NVIM_DECORATIONS)}>"
        if rng.random() < 0.5:  # a line of its own
            starts = [0] + [m.end() for m in tokens if m.group(0).endswith("\n")]
            row = self._point(rng.choice(starts))[0] if rng.random() < 0.8 else len(self.lines)
            if row < len(self.lines) and rng.random() < 0.5:
                self._set_text(row, 0, row, 0, [token, ""])  # typed, then Enter
            else:
                self._set_lines(row, row, [token])  # o / p
        else:  # within a line, before the tail line's end (see Sim)
            tail = next(m for m in tokens if m.group(1) == "z0")
            at = rng.choice([b for b in [0, *(m.end() for m in tokens)] if b <= tail.start()])
            row, column = self._point(at)
            self._set_text(row, column, row, column, [token])

    # -- the server's edits ----------------------------------------------------------

    def _column(self, row: int, character: int) -> int:
        content = self.lines[row] if row < len(self.lines) else ""
        try:
            return units_to_column(content, character, self.encoding)
        except PositionError:
            return min(character, len(content))

    def apply_edit(self, edit: OutgoingEdit) -> None:
        # Edits for version 0 are applied without a check, at their old coordinates;
        # an out-of-date one is skipped ("Buffer … newer than edits") and still applied.
        if not (edit.version > 0 and self.version > edit.version):
            numbered = sorted(
                enumerate(edit.edits),
                key=lambda ie: (ie[1].range.start.line, ie[1].range.start.character, ie[0]),
                reverse=True,
            )
            past_end = False
            for _, e in numbered:
                new = re.sub("\r\n?", "\n", e.new_text).split("\n")
                sr, er = e.range.start.line, e.range.end.line
                sc, ec = (
                    self._column(sr, e.range.start.character),
                    self._column(er, e.range.end.character),
                )
                count = len(self.lines)
                if count <= sr or count <= er:
                    length = len(self.lines[count - 1])
                    if count <= sr:
                        sr, sc = count - 1, length
                        new.insert(0, "")
                    if count <= er:
                        er, ec = count - 1, length
                    past_end = True
                self._set_text(sr, sc, er, ec, new)
            if past_end and len(self.lines) > 1 and self.lines[-1] == "":
                self._set_lines(len(self.lines) - 1, len(self.lines), [])
        self.sim.to_server(lambda: self.sim.server_answer(edit.edit_id, True))


class Sim:
    def __init__(self, seed: int, *, neovim: bool = False) -> None:
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.ledger = Ledger()
        self.neovim = neovim
        encoding = self.rng.choice(list(Encoding))
        if neovim:
            initial = NVIM_INITIAL
            self.ledger.inserted |= {*LINE_TOKEN.findall(initial)}
            version = 0  # Neovim opens documents at version 0
        else:
            initial = "".join(f"[i{n}{self.rng.choice(DECORATIONS)}]" for n in range(5))
            self.ledger.inserted |= {f"i{n}" for n in range(5)}
            version = self.rng.choice([0, 1])  # Neovim opens documents at version 0
        self.hub = SharedDocument(initial, client_id=1)
        self.bridge = EditorBridge(
            self.hub, uri="file:///sim.txt", version=version, encoding=encoding, replica_client_id=2
        )
        self.client: Client | NeovimClient = (
            NeovimClient(self, initial, encoding)
            if neovim
            else Client(self, initial, encoding, version)
        )
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


def _check_converged(sim: Sim, token: re.Pattern[str]) -> None:
    final = sim.hub.text
    assert sim.client.text == final, "the editor buffer diverged from the shared document"
    assert sim.bridge.editor_text == final
    for writer in sim.writers:
        assert writer.replica.text == final, f"replica {writer.name} diverged"
    ids = token.findall(final)
    assert len(ids) == len(set(ids)), f"text doubled: {sorted(i for i in ids if ids.count(i) > 1)}"
    back = set(ids) & sim.ledger.deleted
    assert not back, f"deleted text came back: {sorted(back)}"
    lost = sim.ledger.inserted - sim.ledger.deleted - set(ids)
    assert not lost, f"lost: {sorted(lost)}"
    assert token.sub("", final) == "", "a token was torn apart"
    assert sim.bridge.in_sync


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


@pytest.mark.parametrize("seed", _seeds())
def test_random_neovim_edits(seed: int) -> None:
    print(f"seed {seed} (replay with CODECRDT_SEED={seed})")
    sim = Sim(seed, neovim=True)
    sim.run()
    _check_converged(sim, LINE_TOKEN)
    assert sim.hub.text.endswith("[z0 tail]\n") or "[z0 tail]\n" in sim.hub.text

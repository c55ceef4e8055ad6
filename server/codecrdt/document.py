"""The shared document: one pycrdt ``Doc`` per open file, edited by origin.

Named roots:

- ``source`` (``Text``): the file's text;
- ``todos`` (``Map``): TODO records, id → record;
- ``audit`` (``Array``): the audit trail (claims, releases, completions, conflicts, fixes).

Presence (who is doing what) is not in the document's history: it is the document's
pycrdt ``Awareness`` (:attr:`SharedDocument.awareness`), exchanged as awareness messages.

Every edit names its origin (the editor, an agent, the evaluator, a remote replica), and
observers receive change events with that origin and tree-sitter style edit records.
Edits arrive as whole strings in one transaction each: pycrdt grows slow when it is fed
one character at a time. Long-lived positions are :class:`Anchor`, never raw offsets.

A :class:`TextLines` mirror of the text answers position conversions. It is kept up to
date edit by edit while someone reads change records (an observer, or a caller of
:meth:`SharedDocument.apply_update` with ``changes=True``); a replica that merges without
them (agents', simulated writers') only queues the merged changes and brings the mirror up
to date when a position is next asked for, or builds it afresh from the text when that is
cheaper. With k writers each merging the k - 1 others' lines every round, keeping every
replica's mirror up to date made the server's work grow with k² times the file's lines.
A writer that only needs its own cursor writes through :meth:`SharedDocument.write_at`,
which never needs the mirror.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pycrdt import Array, Assoc, Awareness, Doc, Map, Text, UndoManager

from codecrdt.clock import Clock
from codecrdt.positions import PositionError, TextLines

__all__ = [
    "Anchor",
    "Assoc",
    "ChangeEvent",
    "Origin",
    "SharedDocument",
    "TextChange",
]


class Origin:
    """Origin tags for transactions. An agent's origin is ``agent:<id>``."""

    LOAD = "load"
    EDITOR = "editor"
    EVALUATOR = "evaluator"
    QUICKFIX = "quickfix"
    REMOTE = "remote"

    @staticmethod
    def agent(agent_id: str) -> str:
        return f"agent:{agent_id}"


@dataclass(frozen=True, slots=True)
class TextChange:
    """One edit, in the shape of tree-sitter's ``InputEdit`` plus the inserted text.

    Bytes are UTF-8 offsets; points are (row, byte column) with rows split at LSP line
    breaks, which are tree-sitter's rows unless the text has a lone ``\r``. Changes of one
    event apply in order, each to the text left by the one before.
    """

    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]
    text: str


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    origin: str
    changes: tuple[TextChange, ...]


Observer = Callable[[ChangeEvent], None]


class Anchor:
    """A position that follows the text through every edit, local or merged.

    ``Assoc.AFTER`` sticks to the character after the position (text inserted exactly
    here lands before that character, so the anchor moves right); ``Assoc.BEFORE``
    sticks to the character before it. A deletion around the anchor moves it to the
    deletion's start.

    The position is carried through the document's own changes, in UTF-8 bytes as pycrdt
    reports them (every edit starts and ends between characters, so moving in bytes and
    in code points agree), rather than read back from a pycrdt sticky index: pycrdt 0.14
    creates sticky indices in UTF-16 units but reads them back in a mix of units once
    non-ASCII text is inserted, and panics on an index after the last character.
    :attr:`offset` converts to code points when read.
    """

    __slots__ = ("__weakref__", "_document", "assoc", "byte")

    def __init__(self, document: SharedDocument, byte: int, assoc: Assoc) -> None:
        self._document = document
        #: The position in UTF-8 bytes (pycrdt's unit).
        self.byte = byte
        self.assoc = assoc

    @property
    def offset(self) -> int:
        """The position in code points."""
        return self._document._byte_to_offset(self.byte)

    def _moved(self, start: int, deleted: int, inserted: int) -> None:
        """Follow the replacement of ``deleted`` bytes at ``start`` by ``inserted``."""
        byte = self.byte
        if byte < start or (byte == start and self.assoc == Assoc.BEFORE):
            return
        if byte > start + deleted:
            self.byte = byte - deleted + inserted
        else:  # its character was replaced: the nearest survivor on its side
            self.byte = start + inserted if self.assoc == Assoc.AFTER else start


class SharedDocument:
    """A file's text and coordination state as a pycrdt document."""

    def __init__(
        self, text: str = "", *, client_id: int | None = None, _doc: Doc | None = None
    ) -> None:
        self.doc: Doc = _doc if _doc is not None else Doc(client_id=client_id)
        self.source: Text = self.doc.get("source", type=Text)
        self.todos: Map = self.doc.get("todos", type=Map)
        self.audit: Array = self.doc.get("audit", type=Array)
        #: Each client's presence; its clock is never started (no wall-time timeouts).
        self.awareness = Awareness(self.doc)
        self._observers: list[Observer] = []
        self._anchors: list[weakref.ref[Anchor]] = []
        self._before_change: list[Callable[[str], None]] = []
        # The line mirror: None while it is to be built afresh from the text; otherwise
        # up to date once the merged deltas in ``_pending`` are replayed onto it.
        self._lines: TextLines | None = None
        self._pending: list[list[dict[str, Any]]] = []
        self._pending_ops = 0
        self._text: str | None = None  # the text, while the mirror is not up to date
        # True: every character of the text is one byte, so bytes are code points. Kept
        # on every insertion; a deletion that removes the last wide character is noticed
        # when the mirror is next brought up to date.
        self._ascii = True
        if _doc is not None:
            self._text = str(self.source)
            self._ascii = self._text.isascii()
        else:
            self._lines = TextLines("")
            if text:
                self.insert(0, text, Origin.LOAD)

    # -- reading ---------------------------------------------------------------------

    @property
    def lines(self) -> TextLines:
        """The line mirror of the text, brought up to date first if merges were queued."""
        lines = self._lines
        if lines is None:
            lines = self._lines = TextLines(self.text)
            self._ascii = lines.byte_length == lines.char_length
        elif self._pending:
            pending, self._pending, self._pending_ops = self._pending, [], 0
            for delta in pending:
                _replay(lines, delta)
            self._ascii = lines.byte_length == lines.char_length
        self._text = None
        return lines

    @property
    def text(self) -> str:
        if self._lines is not None and not self._pending:
            return self._lines.text
        if self._text is None:
            self._text = str(self.source)
        return self._text

    @property
    def client_id(self) -> int:
        return self.doc.client_id

    def __len__(self) -> int:
        """Length in code points."""
        if self._lines is not None and not self._pending:
            return self._lines.char_length
        if self._ascii:
            return len(self.source)  # pycrdt counts UTF-8 bytes
        return len(self.text)

    def _byte_to_offset(self, byte: int) -> int:
        return byte if self._ascii else self.lines.byte_to_offset(byte)

    def _offset_to_byte(self, offset: int) -> int:
        return offset if self._ascii else self.lines.offset_to_byte(offset)

    # -- editing ---------------------------------------------------------------------

    def replace(self, start: int, end: int, text: str, origin: str) -> None:
        """Replace code points ``start``..``end`` by ``text``."""
        lines = self.lines
        if not 0 <= start <= end <= lines.char_length:
            raise PositionError(
                f"range {start}..{end} is outside the text (0..{lines.char_length})"
            )
        self.replace_at(lines.offset_to_point(start), lines.offset_to_point(end), text, origin)

    def insert(self, offset: int, text: str, origin: str) -> None:
        self.replace(offset, offset, text, origin)

    def replace_at(
        self, start: tuple[int, int], end: tuple[int, int], text: str, origin: str
    ) -> None:
        """Replace between two (line, code-point column) points, e.g. from an LSP range.

        The hot path of editor typing: one transaction, no pycrdt observer.
        """
        lines = self.lines
        b0 = lines.column_to_byte(*start)
        b1 = lines.column_to_byte(*end)
        if b1 < b0:
            raise PositionError(f"range end {end} is before its start {start}")
        if b0 == b1 and not text:
            return
        if self._before_change:
            for hook in self._before_change:
                hook(origin)
        new_end_byte = b0 + _utf8_len(text)
        if self._anchors:
            self._move_anchors(b0, b1 - b0, new_end_byte - b0)
        with self.doc.transaction(origin=origin):
            if b1 > b0:
                del self.source[b0:b1]
            if text:
                self.source.insert(b0, text)
        self._ascii = self._ascii and text.isascii()
        if self._observers:
            start_point, old_end = lines.byte_to_point(b0), lines.byte_to_point(b1)
            lines.replace(start, end, text)
            change = TextChange(
                b0, b1, new_end_byte, start_point, old_end, lines.byte_to_point(new_end_byte), text
            )
            self._emit(ChangeEvent(origin, (change,)))
        else:
            lines.replace(start, end, text)

    def write_at(self, cursor: Anchor, text: str, origin: str) -> None:
        """Insert ``text`` at ``cursor`` (an anchor of this document) and move the cursor
        just after it, as typing does.

        Without observers this never reads the line mirror: a replica that only writes at
        its own cursors (a simulated writer) merges everyone's edits without one.
        """
        if cursor._document is not self:
            raise ValueError("the cursor is an anchor of another document")
        if not text:
            return
        at = cursor.byte
        inserted = _utf8_len(text)
        if self._observers:  # the change records need the mirror
            offset = cursor.offset
            self.replace(offset, offset, text, origin)
        else:
            for hook in self._before_change:
                hook(origin)
            if self._anchors:
                self._move_anchors(at, 0, inserted)
            with self.doc.transaction(origin=origin):
                self.source.insert(at, text)
            self._queue([{"retain": at}, {"insert": text}])
        cursor.byte = at + inserted

    def set_text(self, text: str, origin: str) -> None:
        """Make the text ``text`` with the smallest single replacement (prefix/suffix)."""
        old = self.text
        if old == text:
            return
        start = _common_prefix(old, text)
        limit = min(len(old), len(text)) - start
        suffix = _common_suffix(old, text, limit)
        self.replace(start, len(old) - suffix, text[start : len(text) - suffix], origin)

    # -- anchors ---------------------------------------------------------------------

    def anchor(self, offset: int, assoc: Assoc = Assoc.AFTER) -> Anchor:
        """A sticky anchor at code-point ``offset``."""
        if not 0 <= offset <= len(self):
            raise PositionError(f"offset {offset} is outside the text (0..{len(self)})")
        anchor = Anchor(self, self._offset_to_byte(offset), assoc)
        self._anchors.append(weakref.ref(anchor))
        return anchor

    def _move_anchors(self, start: int, deleted: int, inserted: int) -> None:
        live = []
        for ref in self._anchors:
            anchor = ref()
            if anchor is not None:
                anchor._moved(start, deleted, inserted)
                live.append(ref)
        self._anchors = live

    # -- observing -------------------------------------------------------------------

    def observe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer`` after every text change; returns the unsubscribe function."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer)

    def before_change(self, hook: Callable[[str], None]) -> Callable[[], None]:
        """Call ``hook(origin)`` just before any text change is applied."""
        self._before_change.append(hook)
        return lambda: self._before_change.remove(hook)

    def _emit(self, event: ChangeEvent) -> None:
        for observer in list(self._observers):
            observer(event)

    # -- replication -----------------------------------------------------------------

    def state(self) -> bytes:
        """The state vector: what this replica has seen."""
        return self.doc.get_state()

    def update_since(self, state: bytes | None = None) -> bytes:
        """An update holding everything this replica has that ``state`` lacks."""
        return self.doc.get_update(state) if state is not None else self.doc.get_update()

    def snapshot(self) -> bytes:
        return self.doc.get_update()

    def apply_update(
        self, update: bytes, origin: str = Origin.REMOTE, *, changes: bool = True
    ) -> ChangeEvent:
        """Merge a pycrdt update from another replica; returns the text changes it made.

        ``changes=False``: the caller does not read the returned changes, so a replica
        without observers skips computing them (the event then lists none).
        """

        def merge() -> None:
            with self.doc.transaction(origin=origin):
                self.doc.apply_update(update)

        return self.mirrored(merge, origin, changes=changes)

    def undo(self, manager: UndoManager, origin: str) -> ChangeEvent:
        """Undo ``manager``'s last stack item (scoped to ``source``) and mirror its changes."""
        return self.mirrored(manager.undo, origin)

    def mirrored(
        self, action: Callable[[], object], origin: str, *, changes: bool = True
    ) -> ChangeEvent:
        """Run ``action`` (which changes ``doc`` directly) and mirror its text changes."""
        for hook in self._before_change:
            hook(origin)
        record = changes or bool(self._observers)
        if record:
            self.lines  # noqa: B018 -- up to date before the deltas that follow it
        deltas: list[list[dict[str, Any]]] = []
        subscription = self.source.observe(lambda event: deltas.append(event.delta))
        try:
            action()
        finally:
            self.source.unobserve(subscription)
        if not record:
            # Nobody reads the change records: the anchors move, and the deltas wait for
            # the next position asked of the mirror. Agents' and simulated writers'
            # replicas are like this, and with k writers each of them merges k - 1
            # others' edits per round.
            for delta in deltas:
                if self._anchors:
                    self._move_anchors_along(delta)
                self._queue(delta)
            return ChangeEvent(origin, ())
        groups = tuple(self._mirror_delta(delta) for delta in deltas)
        event = ChangeEvent(origin, tuple(c for group in groups for c in group))
        if event.changes:
            self._emit(event)
        return event

    def _queue(self, delta: list[dict[str, Any]]) -> None:
        """A change made to ``source`` that the mirror has not followed yet.

        Queued for :attr:`lines` to replay, unless replaying would cost more than
        building the mirror afresh (about one queued edit per 20 lines here).
        """
        self._text = None
        for op in delta:
            inserted = op.get("insert")
            if isinstance(inserted, str) and not inserted.isascii():
                self._ascii = False
        lines = self._lines
        if lines is None:
            return
        self._pending_ops += len(delta)
        if self._pending_ops > _REPLAY_OPS + len(lines) // _LINES_PER_REPLAYED_OP:
            self._lines, self._pending, self._pending_ops = None, [], 0
        else:
            self._pending.append(delta)

    def _move_anchors_along(self, delta: list[dict[str, Any]]) -> None:
        """Move the anchors through a pycrdt delta (byte counts)."""
        position = 0
        for op in delta:
            if "retain" in op:
                position += op["retain"]
            elif "delete" in op:
                self._move_anchors(position, op["delete"], 0)
            elif "insert" in op:
                inserted = op["insert"]
                size = _utf8_len(inserted) if isinstance(inserted, str) else 1
                self._move_anchors(position, 0, size)
                position += size

    def _mirror_delta(self, delta: list[dict[str, Any]]) -> list[TextChange]:
        """Replay a pycrdt delta (byte counts) onto the line mirror and the anchors; the
        changes made, as records."""
        lines = self.lines
        changes: list[TextChange] = []
        position = 0
        for op in delta:
            if "retain" in op:
                position += op["retain"]
            elif "delete" in op:
                end = position + op["delete"]
                if self._anchors:
                    self._move_anchors(position, end - position, 0)
                start_point, old_end = lines.byte_to_point(position), lines.byte_to_point(end)
                lines.replace_bytes(position, end, "")
                # Read the end point afresh: deleting a "\n" after "\r" (or what stands
                # between them) changes the row the start byte lies on.
                new_end = lines.byte_to_point(position)
                changes.append(
                    TextChange(position, end, position, start_point, old_end, new_end, "")
                )
            elif "insert" in op:
                inserted = op["insert"]
                if not isinstance(inserted, str):
                    raise TypeError(f"unsupported embed in the source text: {inserted!r}")
                start_point = lines.byte_to_point(position)
                end = position + _utf8_len(inserted)
                if self._anchors:
                    self._move_anchors(position, 0, end - position)
                lines.replace_bytes(position, position, inserted)
                self._ascii = self._ascii and inserted.isascii()
                new_end = lines.byte_to_point(end)
                changes.append(
                    TextChange(position, position, end, start_point, start_point, new_end, inserted)
                )
                position = end
        return changes

    def fork(self, client_id: int | None = None) -> SharedDocument:
        """A new replica holding everything this one holds, with its own client id."""
        doc = Doc(client_id=client_id)
        doc.apply_update(self.doc.get_update())
        return SharedDocument(_doc=doc)

    # -- audit trail -----------------------------------------------------------------

    def record(self, kind: str, actor: str, *, clock: Clock | None = None, **details: Any) -> None:
        """Append an entry to the audit trail, stamped by the run's ``clock``.

        Without a clock the stamp is the wall-clock time; a run passes its own, so that
        under a virtual clock the entries carry the simulation's time.
        """
        when = time.time() if clock is None else clock.wall()
        entry = Map({"kind": kind, "actor": actor, "time": when, **details})
        with self.doc.transaction(origin=actor):
            self.audit.append(entry)


#: Queued merge operations replayed onto a line mirror before it is built afresh instead:
#: this many, plus one per this many lines (a replayed edit costs about as much as
#: splitting 20 lines).
_REPLAY_OPS = 16
_LINES_PER_REPLAYED_OP = 20


def _replay(lines: TextLines, delta: list[dict[str, Any]]) -> None:
    """Apply a pycrdt delta (byte counts) to ``lines``."""
    position = 0
    for op in delta:
        if "retain" in op:
            position += op["retain"]
        elif "delete" in op:
            lines.replace_bytes(position, position + op["delete"], "")
        elif "insert" in op:
            inserted = op["insert"]
            if not isinstance(inserted, str):
                raise TypeError(f"unsupported embed in the source text: {inserted!r}")
            lines.replace_bytes(position, position, inserted)
            position += _utf8_len(inserted)


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    lo, hi = 0, n
    while lo < hi:  # binary search on slice equality: C-speed comparisons
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo

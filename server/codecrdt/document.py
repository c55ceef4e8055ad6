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
one character at a time. Long-lived positions are :class:`Anchor` (pycrdt sticky indices),
never raw offsets. A :class:`TextLines` mirror of the text answers position conversions.
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

    The position is carried through the document's own change events rather than read
    back from a pycrdt sticky index: pycrdt 0.14 creates sticky indices in UTF-16 units
    but reads them back in a mix of units once non-ASCII text is inserted, and panics on
    an index after the last character.
    """

    __slots__ = ("__weakref__", "assoc", "offset")

    def __init__(self, offset: int, assoc: Assoc) -> None:
        self.offset = offset
        self.assoc = assoc

    def _moved(self, start: int, deleted: int, inserted: int) -> None:
        """Follow the replacement of ``deleted`` code points at ``start`` by ``inserted``."""
        offset = self.offset
        if offset < start or (offset == start and self.assoc == Assoc.BEFORE):
            return
        if offset > start + deleted:
            self.offset = offset - deleted + inserted
        else:  # its character was replaced: the nearest survivor on its side
            self.offset = start + inserted if self.assoc == Assoc.AFTER else start


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
        if _doc is not None:
            self.lines = TextLines(str(self.source))
        else:
            self.lines = TextLines("")
            if text:
                self.insert(0, text, Origin.LOAD)

    # -- reading ---------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self.lines.text

    @property
    def client_id(self) -> int:
        return self.doc.client_id

    def __len__(self) -> int:
        """Length in code points."""
        return self.lines.char_length

    # -- editing ---------------------------------------------------------------------

    def replace(self, start: int, end: int, text: str, origin: str) -> None:
        """Replace code points ``start``..``end`` by ``text``."""
        if not 0 <= start <= end <= len(self):
            raise PositionError(f"range {start}..{end} is outside the text (0..{len(self)})")
        lines = self.lines
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
        if self._anchors:
            c0 = lines.line_char_start(start[0]) + start[1]
            c1 = lines.line_char_start(end[0]) + end[1]
            self._move_anchors(c0, c1 - c0, len(text))
        with self.doc.transaction(origin=origin):
            if b1 > b0:
                del self.source[b0:b1]
            if text:
                self.source.insert(b0, text)
        if self._observers:
            start_point, old_end = lines.byte_to_point(b0), lines.byte_to_point(b1)
            lines.replace(start, end, text)
            new_end_byte = b0 + _utf8_len(text)
            change = TextChange(
                b0, b1, new_end_byte, start_point, old_end, lines.byte_to_point(new_end_byte), text
            )
            self._emit(ChangeEvent(origin, (change,)))
        else:
            lines.replace(start, end, text)

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
        anchor = Anchor(offset, assoc)
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
        deltas: list[list[dict[str, Any]]] = []
        subscription = self.source.observe(lambda event: deltas.append(event.delta))
        try:
            action()
        finally:
            self.source.unobserve(subscription)
        if not changes and not self._observers:
            # Nobody reads the change records: keep the lines (and anchors) only. Agents'
            # and simulated writers' replicas are like this, and with k writers each of
            # them merges k - 1 others' edits per round.
            for delta in deltas:
                self._mirror_delta(delta, record=False)
            return ChangeEvent(origin, ())
        groups = tuple(self._mirror_delta(delta) for delta in deltas)
        event = ChangeEvent(origin, tuple(c for group in groups for c in group))
        if event.changes:
            self._emit(event)
        return event

    def _mirror_delta(self, delta: list[dict[str, Any]], record: bool = True) -> list[TextChange]:
        """Replay a pycrdt delta (byte counts) onto the line mirror; the changes made, as
        records (none, and no points computed, without ``record``)."""
        lines = self.lines
        changes: list[TextChange] = []
        position = 0
        for op in delta:
            if "retain" in op:
                position += op["retain"]
            elif "delete" in op:
                end = position + op["delete"]
                if self._anchors:
                    c0 = lines.byte_to_offset(position)
                    self._move_anchors(c0, lines.byte_to_offset(end) - c0, 0)
                if not record:
                    lines.replace_bytes(position, end, "")
                    continue
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
                start_point = lines.byte_to_point(position) if record else (0, 0)
                if self._anchors:
                    self._move_anchors(lines.byte_to_offset(position), 0, len(inserted))
                lines.replace_bytes(position, position, inserted)
                end = position + _utf8_len(inserted)
                if record:
                    end_point = lines.byte_to_point(end)
                    changes.append(
                        TextChange(
                            position, position, end, start_point, start_point, end_point, inserted
                        )
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

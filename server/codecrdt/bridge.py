"""The editor bridge: one editor's buffer kept converged with the shared document.

The server's document is the authority; the editor is one more writer. The bridge keeps
a *replica* of the shared document holding exactly what the editor last reported in
``didChange``. The user's changes become new CRDT operations on that replica and merge
into the shared document, so a keystroke made against an older state lands at the right
place. Whatever the shared document has that the replica lacks is sent to the editor as
one versioned ``workspace/applyEdit``, computed against the replica's text.

The trap is the echo: an editor reports the server's own edit back in a ``didChange``
like any other change. Merged as new text, it would double the agents' text. The bridge
recognises it — the editor's text after some of the reported changes equals what the
edit would produce, starting from the version it was sent for — and then the replica
takes the *same* CRDT operations that produced the edit, rather than new ones.

An editor may report an applied edit over several ``didChange``s (Neovim 0.7's debounce
sends the first buffer change of an edit at once and the rest 150 ms later): what arrives
before the client's answer and changes nothing but the places the edit replaces is held
until the next ``didChange`` completes it, and is the user's typing if nothing does
(``_may_be_applying``). A user change is merged as the smallest replacement with its
effect, so that text a client reports as replaced but puts back unchanged (Neovim reports
whole rest-of-line spans) keeps its CRDT identity: a concurrent deletion of it, such as an
agent removing its TODO marker line, is not undone by a copy.

Nothing the client says about an edit is trusted: ``applied: true`` proves nothing
(Neovim 0.7 answers it for edits it skipped), some clients never answer, and some
apply late. Only ``didChange`` tells what the buffer holds; whatever it does not yet
reflect is recomputed against it and sent again.

When nobody but the editor has written since the last echo, the replica *is* the shared
document (no copy exists) and a keystroke costs one CRDT operation. The bridge is
sans-IO: it is told of changes and of answers, and it is polled for the next edit to
send, with the time passed in, so that simulations can replay it deterministically.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from lsprotocol import types

from codecrdt.document import Origin, SharedDocument, TextChange
from codecrdt.positions import Encoding, PositionError, TextLines, split_lines
from codecrdt.textedit import apply_text_edits, text_edit_spans

__all__ = ["BridgeError", "EditorBridge", "OutgoingEdit"]

_APPLIED, _REFUSED, _SILENT = "applied", "refused", "silent"

logger = logging.getLogger(__name__)

ContentChange = types.TextDocumentContentChangeEvent


class BridgeError(ValueError):
    """A change from the editor that cannot be applied; the document is left intact."""


@dataclass(frozen=True)
class OutgoingEdit:
    """A versioned edit for the editor, computed against the text of ``version``."""

    edit_id: int
    uri: str
    version: int
    edits: list[types.TextEdit]


@dataclass
class _Pending:
    edit_id: int
    update: bytes  # the shared document's operations that the replica lacked
    version: int  # the editor version the edit was computed against
    edits: list[types.TextEdit]
    expected: str  # the editor's text once it applies the edit
    foreign_seq: int  # foreign changes seen when the edit was computed
    sent_at: float
    answer: str | None = None  # None until answered: APPLIED, REFUSED or SILENT
    answered_at: float = 0.0
    #: Changes reported before the answer that may be the editor part-way through
    #: applying this edit, held (not merged) until they can be told apart: see
    #: ``EditorBridge._may_be_applying``.
    held: list[ContentChange] = field(default_factory=list)
    held_version: int = 0  # the editor's version before the held changes


class EditorBridge:
    """Converges one editor buffer (one LSP document) with a shared document."""

    def __init__(
        self,
        document: SharedDocument,
        *,
        uri: str,
        version: int,
        encoding: Encoding = Encoding.UTF16,
        origin: str = Origin.EDITOR,
        resend_after: float = 1.0,
        answer_timeout: float = 5.0,
        replica_client_id: int | None = None,
    ) -> None:
        self.document = document
        self.uri = uri
        self.version = version
        self.encoding = encoding
        self.origin = origin
        self.resend_after = resend_after
        self.answer_timeout = answer_timeout
        self.out_of_sync: str | None = None  # why the editor's text is unknown, if it is
        self._replica_client_id = replica_client_id or random.getrandbits(31) + 1
        self._replica: SharedDocument | None = None  # None: the editor holds the document
        self._pending: _Pending | None = None
        self._dirty = False
        self._foreign_seq = 0
        self._next_id = 1
        self._unhook = document.before_change(self._before_document_change)
        self.edits_sent = 0
        self.echoes = 0

    # -- state -----------------------------------------------------------------------

    @property
    def editor_text(self) -> str:
        """The text the editor last reported (as the bridge has applied it)."""
        return self._editor_copy.text

    @property
    def _editor_copy(self) -> SharedDocument:
        """The replica, or the document itself while the editor holds all of it."""
        return self.document if self._replica is None else self._replica

    @property
    def in_sync(self) -> bool:
        """The editor has reported everything the shared document holds."""
        return self._replica is None and self._pending is None and not self._dirty

    @property
    def has_pending(self) -> bool:
        return self._pending is not None

    def close(self) -> None:
        self._unhook()

    def _before_document_change(self, origin: str) -> None:
        if origin == self.origin:
            return
        if self._replica is None:
            # Freeze what the editor holds before someone else's change lands.
            self._replica = self.document.fork(client_id=self._replica_client_id)
        self._foreign_seq += 1
        self._dirty = True

    # -- changes from the editor -----------------------------------------------------

    def did_change(self, version: int | None, changes: Sequence[ContentChange]) -> None:
        """Take a ``didChange``: the user's changes merge, the echo is recognised.

        Raises BridgeError for a change that cannot be applied (the changes before it
        are kept; the bridge is then out of sync until a full-text change or reopening).
        """
        if self.out_of_sync is not None:
            whole = [
                c for c in changes if isinstance(c, types.TextDocumentContentChangeWholeDocument)
            ]
            if not whole:
                raise BridgeError(f"{self.uri} is out of sync ({self.out_of_sync}); reopen it")
            changes = changes[changes.index(whole[-1]) :]
            self.out_of_sync = None
        if version is not None and version <= self.version and changes:
            logger.warning(
                "%s: version went from %s to %s; taking the changes as reported",
                self.uri,
                self.version,
                version,
            )
        pending = self._pending
        try:
            if pending is None:
                for change in changes:
                    self._apply_user_change(change)
            else:
                self._did_change_with_pending(pending, changes)
        except BridgeError as error:
            self.out_of_sync = str(error)
            raise
        finally:
            if version is not None:
                self.version = version

    def _did_change_with_pending(self, pending: _Pending, changes: Sequence[ContentChange]) -> None:
        base_version = pending.held_version if pending.held else self.version
        changes = [*pending.held, *changes]
        texts = self._texts_after(changes)
        echo = self._find_echo(pending, changes, texts, base_version)
        if echo is None and self._may_be_applying(pending, changes, texts, base_version):
            pending.held, pending.held_version = changes, base_version  # wait for the rest
            return
        pending.held = []
        if echo is None:
            for change in changes:
                self._apply_user_change(change)
            if pending.answer is not None:
                # The client has dealt with the edit and this change, sent after that,
                # does not show it: it was refused or skipped. Recompute against what the
                # editor now holds.
                self._pending = None
                self._dirty = True
            return
        start, end = echo
        for change in changes[:start]:
            self._apply_user_change(change)
        replica = self._require_replica()
        event = replica.apply_update(pending.update, origin=Origin.REMOTE)
        if replica.text != texts[end]:
            # Applied at its old coordinates by a client that skipped the version check
            # (Neovim, version 0): the editor's text is the truth.
            self._move_to_where_applied(pending, event.changes, texts[start], texts[end])
        self.echoes += 1
        self._pending = None
        if self._foreign_seq == pending.foreign_seq:
            self._replica = None  # the editor now holds the whole document
            self._dirty = False
        else:
            self._dirty = True
        for change in changes[end:]:
            self._apply_user_change(change)

    def _move_to_where_applied(
        self, pending: _Pending, pieces: Sequence[TextChange], before: str, after: str
    ) -> None:
        """Move the edit's text to where the editor put it, keeping later deletions of it.

        Edits for version 0 are insertions only (deletions wait for a real version), so
        the editor's text is ``before`` with the edit's new texts inserted at their
        literal coordinates, and the replica's is ``before`` with the same texts inserted
        where the CRDT put them (``pieces``, left to right). The edit's text is moved as
        the user's change: deleted where the CRDT put it, inserted where the editor did.
        A writer may have deleted some of that text meanwhile (an agent removing a marker
        line it has just written): the moved copy is deleted as well, or the deleted line
        would come back.
        """
        replica = self._require_replica()
        lines = replica.lines
        # (offset in the replica, text) of each piece, and the parts of them the shared
        # document has deleted since.
        placed = [(lines.byte_to_offset(c.start_byte), c.text) for c in pieces if c.text]
        scratch = replica.fork()
        gone: list[tuple[int, int]] = []
        shift = 0
        for change in scratch.apply_update(self.document.update_since(replica.state())).changes:
            start = change.start_byte - shift
            end = start + change.old_end_byte - change.start_byte
            shift += change.new_end_byte - change.old_end_byte
            if end > start:
                gone.append((lines.byte_to_offset(start), lines.byte_to_offset(end)))
        try:
            literal = text_edit_spans(before, pending.edits, self.encoding)
        except PositionError:
            literal = []
        inserted = "".join(text for _, text in placed)
        if not literal or inserted != "".join(text for _, _, text in literal):
            self._commit_user(lambda r: r.set_text(after, self.origin))
            return

        def move(r: SharedDocument) -> None:
            for offset, text in reversed(placed):
                r.replace(offset, offset + len(text), "", self.origin)
            for offset, _, text in reversed(literal):
                r.insert(offset, text, self.origin)

        self._commit_user(move)
        if replica.text != after:  # not the literal application after all
            self._commit_user(lambda r: r.set_text(after, self.origin))
            return
        # Index k of the inserted text: where it was placed and where the editor has it.
        was: list[int] = []
        for offset, text in placed:
            was += range(offset, offset + len(text))
        now: list[int] = []
        shift = 0
        for offset, _, text in literal:
            now += range(offset + shift, offset + shift + len(text))
            shift += len(text)
        deleted = [now[k] for k, at in enumerate(was) if any(a <= at < b for a, b in gone)]
        if not deleted:
            return
        fix = replica.fork()
        for at in reversed(deleted):
            fix.replace(at, at + 1, "", Origin.REMOTE)
        self.document.apply_update(fix.update_since(replica.state()), origin=Origin.REMOTE)

    def _texts_after(self, changes: Sequence[ContentChange]) -> list[str]:
        """The editor's text before and after each change (applied to a scratch copy)."""
        scratch = TextLines(self.editor_text)
        texts = [scratch.text]
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangeWholeDocument):
                scratch = TextLines(change.text)
            else:
                start, end = self._resolve_range(scratch, change.range)
                scratch.replace(start, end, change.text)
            texts.append(scratch.text)
        return texts

    def _may_be_applying(
        self,
        pending: _Pending,
        changes: Sequence[ContentChange],
        texts: list[str],
        base_version: int,
    ) -> bool:
        """Whether ``changes`` may be the editor part-way through applying ``pending``.

        An editor applies a workspace edit as several buffer changes, and may report the
        first of them before the rest: Neovim 0.7 applies the TextEdits one by one from
        the bottom up, turns an insertion at the end of the text into an insertion at the
        end of the last line plus the removal of the empty line that leaves, and sends the
        first buffer change at once when its last ``didChange`` is older than its 150 ms
        debounce, the rest 150 ms later. Such changes are held rather than merged as
        typing when all of these hold:

        - the client has not answered the edit yet (it applies an edit before answering,
          so what it reports after its answer is no longer part-way);
        - they start from the text the edit was made for (an editor that had moved on
          skips a versioned edit), or the edit is for version 0 (applied literally);
        - they changed nothing but the places the edit replaces: the text before its first
          TextEdit, between its TextEdits and after its last one is all still there, in
          order (each TextEdit's range may hold anything, done, not yet or half done).

        Held changes are taken with the next ``didChange``; if the edit still has not come
        whole once the client has answered, they are the user's (``poll`` releases them
        ``resend_after`` after the answer if no ``didChange`` follows).
        """
        if pending.answer is not None or not changes:
            return False
        if pending.version not in (base_version, 0):
            return False
        if any(isinstance(c, types.TextDocumentContentChangeWholeDocument) for c in changes):
            return False
        before, after = texts[0], texts[-1]
        try:
            spans = text_edit_spans(before, pending.edits, self.encoding)
        except PositionError:
            return False
        if not spans:
            return False
        head, tail = before[: spans[0][0]], before[spans[-1][1] :]
        if not (after.startswith(head) and after.endswith(tail)):
            return False
        # The text between the TextEdits, in order (the earliest match of each leaves the
        # most room for the rest).
        at, limit = len(head), len(after) - len(tail)
        for (_, end, _), (start, _, _) in pairwise(spans):
            found = after.find(before[end:start], at, limit)
            if found < 0:
                return False
            at = found + start - end
        return at <= limit

    def _find_echo(
        self,
        pending: _Pending,
        changes: Sequence[ContentChange],
        texts: list[str],
        base_version: int,
    ) -> tuple[int, int] | None:
        """(first, end) indices of the changes that are the editor applying ``pending``."""
        # A whole text (a resync) is compared as it is, whatever its version.
        whole = bool(changes) and isinstance(
            changes[0], types.TextDocumentContentChangeWholeDocument
        )
        for start in range(len(changes)):
            if start == 0 and (pending.version == base_version or whole):
                expected = pending.expected
            elif pending.version == 0:
                # Neovim applies edits for version 0 without checking the version, at
                # their old coordinates, even after the user has typed.
                expected = self._apply_literally(texts[start], pending.edits)
                if expected is None:
                    continue
            else:
                break  # a client skips an edit whose version is out of date
            for end in range(start + 1, len(texts)):
                if len(texts[end]) == len(expected) and texts[end] == expected:
                    return start, end
        return None

    def _apply_literally(self, text: str, edits: list[types.TextEdit]) -> str | None:
        try:
            return apply_text_edits(text, edits, self.encoding)
        except PositionError:
            return None

    def _apply_user_change(self, change: ContentChange) -> None:
        if isinstance(change, types.TextDocumentContentChangeWholeDocument):
            self._commit_user(lambda r: r.set_text(change.text, self.origin))
            return
        lines = self._editor_copy.lines
        start, end = self._resolve_range(lines, change.range)
        start, end, text = _unchanged_left_out(lines, start, end, change.text)
        if self._replica is None:
            self.document.replace_at(start, end, text, self.origin)
        else:
            self._commit_user(lambda r: r.replace_at(start, end, text, self.origin))

    def _resolve_range(
        self, lines: TextLines, rng: types.Range
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        try:
            start = lines.clamp(rng.start.line, rng.start.character, self.encoding)
            end = lines.clamp(rng.end.line, rng.end.character, self.encoding)
        except PositionError as error:
            raise BridgeError(f"{self.uri}: change at {_show(rng)}: {error}") from None
        if end < start:
            raise BridgeError(f"{self.uri}: change range {_show(rng)} ends before it starts")
        return start, end

    def _commit_user(self, edit: Callable[[SharedDocument], None]) -> None:
        """Apply a user edit to the replica (or the document) and merge it."""
        if self._replica is None:
            edit(self.document)
            return
        replica = self._replica
        before = self.document.state()
        edit(replica)
        self.document.apply_update(replica.update_since(before), origin=self.origin)

    def _require_replica(self) -> SharedDocument:
        if self._replica is None:
            raise AssertionError("an edit was pending without a replica")
        return self._replica

    # -- edits to the editor ---------------------------------------------------------

    def poll(self, now: float) -> tuple[OutgoingEdit | None, float | None]:
        """The edit to send now, if any, and when to poll again (None: on the next change)."""
        if self.out_of_sync is not None:
            return None, None
        pending = self._pending
        if pending is not None:
            if pending.answer is None:
                if now < pending.sent_at + self.answer_timeout:
                    return None, pending.sent_at + self.answer_timeout
                pending.answer, pending.answered_at = _SILENT, now
            if pending.held:
                # Changes held as the edit part-way applied, and the client has answered:
                # the rest comes in its next didChange. None came: they are the user's.
                due = pending.answered_at + self.resend_after
                if pending.answer != _REFUSED and now < due:
                    return None, due
                self._did_change_with_pending(pending, [])
                return self.poll(now)
            if not self._moot(pending):
                due = pending.answered_at + self.resend_after
                if now < due:
                    return None, due
                return self._resend(pending, now), now + self.answer_timeout
            self._pending = None
            self._dirty = True
        if not self._dirty:
            return None, None
        edit = self._compute(now)
        return edit, (now + self.answer_timeout if edit else None)

    def answered(self, edit_id: int, applied: bool | None, now: float) -> None:
        """The client's answer to edit ``edit_id``: applied, refused, or an error (None)."""
        pending = self._pending
        # Only the latest attempt counts: an older one was made moot by the resend.
        if pending is None or edit_id != pending.edit_id:
            return
        pending.answer = _APPLIED if applied else _REFUSED
        pending.answered_at = now

    def _moot(self, pending: _Pending) -> bool:
        """The editor has moved past the edit's version, so it can never apply it.

        Clients skip a versioned edit whose version is out of date. Neovim does not check
        edits made for version 0, so such an edit stays live until a ``didChange`` sent
        after its answer shows whether it landed — unless the client refused it.
        """
        if pending.version == self.version:
            return False
        return pending.answer == _REFUSED or pending.version != 0

    def _resend(self, pending: _Pending, now: float) -> OutgoingEdit:
        pending.edit_id = self._take_id()
        pending.sent_at = now
        pending.answer = None
        self.edits_sent += 1
        return OutgoingEdit(pending.edit_id, self.uri, pending.version, pending.edits)

    def _compute(self, now: float) -> OutgoingEdit | None:
        replica = self._require_replica()
        missing = self.document.update_since(replica.state())
        scratch = replica.fork()
        event = scratch.apply_update(missing)
        if not event.changes:
            replica.apply_update(missing, origin=Origin.REMOTE)
            self._dirty = False
            self._replica = None
            return None
        if self.version == 0 and any(c.old_end_byte > c.start_byte for c in event.changes):
            # Neovim applies edits made for version 0 without checking the version, at
            # their old coordinates even when the user has typed since: an insertion can
            # then land a little off, but a deletion could remove the user's characters.
            # Deletions wait until the editor reports a version of its own.
            return None
        edits = self._to_text_edits(replica.lines, event.changes)
        edit_id = self._take_id()
        self._pending = _Pending(
            edit_id=edit_id,
            update=missing,
            version=self.version,
            edits=edits,
            expected=scratch.text,
            foreign_seq=self._foreign_seq,
            sent_at=now,
        )
        self._dirty = False
        self.edits_sent += 1
        return OutgoingEdit(edit_id, self.uri, self.version, edits)

    def _to_text_edits(
        self, lines: TextLines, changes: Sequence[TextChange]
    ) -> list[types.TextEdit]:
        """Sequential byte changes (left to right) → simultaneous LSP edits on ``lines``."""
        spans: list[tuple[int, int, str]] = []  # (start, end, text) in the replica's bytes
        shift = 0
        for change in changes:
            start = change.start_byte - shift
            end = start + change.old_end_byte - change.start_byte
            shift += change.new_end_byte - change.old_end_byte
            if spans and spans[-1][1] == start:
                last = spans.pop()
                spans.append((last[0], end, last[2] + change.text))
            else:
                spans.append((start, end, change.text))
        return [
            types.TextEdit(
                range=types.Range(start=self._lsp(lines, s), end=self._lsp(lines, e)), new_text=t
            )
            for s, e, t in spans
        ]

    def _lsp(self, lines: TextLines, byte_offset: int) -> types.Position:
        line, character = lines.byte_to_lsp(byte_offset, self.encoding)
        return types.Position(line=line, character=character)

    def _take_id(self) -> int:
        edit_id = self._next_id
        self._next_id += 1
        return edit_id


Point = tuple[int, int]  # (line, code-point column)


def _unchanged_left_out(
    lines: TextLines, start: Point, end: Point, text: str
) -> tuple[Point, Point, str]:
    """The smallest replacement with the effect of replacing ``start``..``end`` by ``text``.

    Clients report changes wider than what changed: Neovim 0.7 reports a change that adds
    or removes lines as replacing the rest of its last line too, with that rest sent
    again as new text (an insertion at the start of a line "replaces" the line). Merged
    as it comes, the CRDT would delete that text and insert a copy as the user's, and a
    deletion of the original by a concurrent writer (an agent removing a TODO marker
    line) would then leave the copy standing: the deleted line would come back. The
    text that a change puts back unchanged at its start and end is therefore left out.
    """
    if start == end or not text:
        return start, end, text  # typing, or a deletion: nothing to leave out
    (l0, c0), (l1, c1) = start, end
    if l0 == l1:
        old = lines.line(l0)[c0:c1]
    else:
        middle = "".join(lines.line(i) for i in range(l0 + 1, l1))
        old = lines.line(l0)[c0:] + middle + lines.line(l1)[:c1]
    prefix = _common_length(old, text, min(len(old), len(text)), from_end=False)
    suffix = _common_length(old, text, min(len(old), len(text)) - prefix, from_end=True)
    # Never cut between the "\r" and the "\n" of one line break.
    if (
        prefix
        and old[prefix - 1] == "\r"
        and "\n" in (old[prefix : prefix + 1], text[prefix : prefix + 1])
    ):
        prefix -= 1
    cut = len(old) - suffix
    if suffix and old[cut] == "\n" and "\r" in (old[cut - 1 : cut], text[-suffix - 1 : -suffix]):
        suffix -= 1
    if not prefix and not suffix:
        return start, end, text
    return (
        _advance(start, old[:prefix]),
        _advance(start, old[: len(old) - suffix]),
        text[prefix : len(text) - suffix],
    )


def _common_length(a: str, b: str, limit: int, *, from_end: bool) -> int:
    """How many code points ``a`` and ``b`` share at their start (or end), at most ``limit``."""
    lo, hi = 0, limit
    while lo < hi:  # binary search on slice equality: comparisons at C speed
        mid = (lo + hi + 1) // 2
        same = a[len(a) - mid :] == b[len(b) - mid :] if from_end else a[:mid] == b[:mid]
        if same:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _advance(point: Point, text: str) -> Point:
    """The point just after ``text`` written from ``point``."""
    pieces = split_lines(text)
    if len(pieces) == 1:
        return point[0], point[1] + len(text)
    return point[0] + len(pieces) - 1, len(pieces[-1])


def _show(rng: types.Range) -> str:
    return f"{rng.start.line}:{rng.start.character}-{rng.end.line}:{rng.end.character}"

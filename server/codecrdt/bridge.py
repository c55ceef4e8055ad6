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

from lsprotocol import types

from codecrdt.document import Origin, SharedDocument, TextChange
from codecrdt.positions import Encoding, PositionError, TextLines
from codecrdt.textedit import apply_text_edits

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
    #: Changes of a ``didChange`` that showed only part of this edit applied, held until
    #: the rest arrives (Neovim reports one applied edit in two notifications when its
    #: last one is older than its debounce).
    partial: list[ContentChange] = field(default_factory=list)


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
        changes = [*pending.partial, *changes]
        texts = self._texts_after(changes)
        echo = self._find_echo(pending, changes, texts)
        if echo is None and self._is_partial_echo(pending, changes, texts):
            pending.partial = changes  # part of the edit: wait for the rest
            return
        pending.partial = []
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
        replica.apply_update(pending.update, origin=Origin.REMOTE)
        if replica.text != texts[end]:
            # Applied late at its old coordinates by a client that skipped the version
            # check: the editor's text is the truth, so take the difference as the user's.
            self._commit_user(lambda r: r.set_text(texts[end], self.origin))
        self.echoes += 1
        self._pending = None
        if self._foreign_seq == pending.foreign_seq:
            self._replica = None  # the editor now holds the whole document
            self._dirty = False
        else:
            self._dirty = True
        for change in changes[end:]:
            self._apply_user_change(change)

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

    def _is_partial_echo(
        self, pending: _Pending, changes: Sequence[ContentChange], texts: list[str]
    ) -> bool:
        """Whether ``changes`` are the editor applying some of ``pending``'s edits so far.

        Only before the editor answered, at the version the edit was made for, and only
        for the edits applied from the last one back (editors apply a list of edits from
        the bottom of the text up) or from the first one on.
        """
        edits = pending.edits
        if pending.answer is not None or len(edits) < 2 or not changes:
            return False
        if pending.version != self.version and not pending.partial:
            return False
        if any(isinstance(c, types.TextDocumentContentChangeWholeDocument) for c in changes):
            return False
        after = texts[-1]
        for count in range(1, len(edits)):
            for subset in (edits[len(edits) - count :], edits[:count]):
                if self._apply_literally(texts[0], subset) == after:
                    return True
        return False

    def _find_echo(
        self, pending: _Pending, changes: Sequence[ContentChange], texts: list[str]
    ) -> tuple[int, int] | None:
        """(first, end) indices of the changes that are the editor applying ``pending``."""
        # A whole text (a resync) is compared as it is, whatever its version.
        whole = bool(changes) and isinstance(
            changes[0], types.TextDocumentContentChangeWholeDocument
        )
        for start in range(len(changes)):
            held = bool(pending.partial)  # the edit's first part came in an earlier didChange
            if start == 0 and (pending.version == self.version or whole or held):
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
        start, end = self._resolve_range(self._editor_copy.lines, change.range)
        if self._replica is None:
            self.document.replace_at(start, end, change.text, self.origin)
        else:
            self._commit_user(lambda r: r.replace_at(start, end, change.text, self.origin))

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


def _show(rng: types.Range) -> str:
    return f"{rng.start.line}:{rng.start.character}-{rng.end.line}:{rng.end.character}"

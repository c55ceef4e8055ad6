"""Deterministic unit tests of the sans-IO EditorBridge, with a scripted LSP client."""

from __future__ import annotations

import pytest
from lsprotocol import types

from codecrdt.bridge import BridgeError, EditorBridge, OutgoingEdit
from codecrdt.document import ChangeEvent, Origin, SharedDocument, TextChange
from codecrdt.positions import Encoding, TextLines

URI = "file:///work/example.py"
AGENT = Origin.agent("a")


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def rng(l1: int, c1: int, l2: int, c2: int) -> types.Range:
    return types.Range(start=pos(l1, c1), end=pos(l2, c2))


def partial(
    l1: int, c1: int, l2: int, c2: int, text: str
) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(range=rng(l1, c1, l2, c2), text=text)


def whole(text: str) -> types.TextDocumentContentChangeWholeDocument:
    return types.TextDocumentContentChangeWholeDocument(text=text)


class Editor:
    """The client's buffer: applies its user's changes and the server's edits (UTF-16)."""

    def __init__(self, text: str, version: int) -> None:
        self.lines = TextLines(text)
        self.version = version

    @property
    def text(self) -> str:
        return self.lines.text

    def _apply(self, change: types.TextDocumentContentChangePartial) -> None:
        r = change.range
        start = self.lines.lsp_to_offset(r.start.line, r.start.character, Encoding.UTF16)
        end = self.lines.lsp_to_offset(r.end.line, r.end.character, Encoding.UTF16)
        self.lines.replace_offsets(start, end, change.text)

    def type(self, l1: int, c1: int, l2: int, c2: int, text: str) -> list:
        change = partial(l1, c1, l2, c2, text)
        self._apply(change)
        return [change]

    def apply(self, edit: OutgoingEdit) -> list:
        """Apply an edit's simultaneous TextEdits; the changes as a client reports them."""
        changes = []
        ordered = sorted(
            edit.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
        )
        for text_edit in ordered:  # last first, so every range stays valid
            change = types.TextDocumentContentChangePartial(
                range=text_edit.range, text=text_edit.new_text
            )
            self._apply(change)
            changes.append(change)
        return changes

    def next_version(self) -> int:
        self.version += 1
        return self.version


def foreign(document: SharedDocument, edit, origin: str = AGENT) -> ChangeEvent:
    """Another replica edits; its update is merged into the document."""
    other = document.fork(client_id=4242)
    edit(other)
    return document.apply_update(other.update_since(document.state()), origin=origin)


def setup(text: str, version: int = 1, **options) -> tuple[SharedDocument, EditorBridge, Editor]:
    document = SharedDocument(text, client_id=1)
    bridge = EditorBridge(document, uri=URI, version=version, replica_client_id=2, **options)
    return document, bridge, Editor(text, version)


def edit_tuples(edit: OutgoingEdit) -> list[tuple[tuple[int, int, int, int], str]]:
    return sorted(
        (
            (e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character),
            e.new_text,
        )
        for e in edit.edits
    )


def deliver(bridge: EditorBridge, editor: Editor, edit: OutgoingEdit, now: float) -> None:
    """The client applies the edit, answers, and reports it (the echo)."""
    changes = editor.apply(edit)
    bridge.answered(edit.edit_id, True, now)
    bridge.did_change(editor.next_version(), changes)


# -- the user's changes --------------------------------------------------------------


def test_user_edit_in_sync_reaches_document():
    document, bridge, editor = setup("héllo 😀\nwörld")
    events: list[ChangeEvent] = []
    document.observe(events.append)
    assert bridge.in_sync
    # "héllo " is 6 UTF-16 units (7 bytes), "😀" two more (4 bytes).
    bridge.did_change(editor.next_version(), editor.type(0, 8, 0, 8, "!"))
    assert document.text == editor.text == "héllo 😀!\nwörld"
    assert bridge.version == 2
    assert bridge.in_sync
    assert events[-1].origin == Origin.EDITOR
    assert events[-1].changes == (TextChange(11, 11, 12, (0, 11), (0, 11), (0, 12), "!"),)
    bridge.did_change(editor.next_version(), editor.type(1, 1, 1, 2, "o"))
    assert document.text == editor.text == "héllo 😀!\nworld"
    assert bridge.poll(0.0) == (None, None)
    assert bridge.edits_sent == 0


def test_whole_document_change_is_minimal():
    document, bridge, _ = setup("héllo\nwörld 😀")
    events: list[ChangeEvent] = []
    document.observe(events.append)
    anchor = document.anchor(document.text.index("w"))
    bridge.did_change(2, [whole("héllo\nbig wörld 😀")])
    assert document.text == "héllo\nbig wörld 😀"
    assert events == [
        ChangeEvent(Origin.EDITOR, (TextChange(7, 7, 11, (1, 0), (1, 0), (1, 4), "big "),))
    ]
    assert document.text[anchor.offset] == "w"
    assert bridge.in_sync
    assert bridge.editor_text == document.text


# -- the server's edits --------------------------------------------------------------


def test_foreign_edit_is_sent_and_echo_not_doubled():
    document, bridge, editor = setup("héllo 😀\nwörld", version=3)

    def agent(other: SharedDocument) -> None:
        other.insert(7, "中", AGENT)  # after "😀"
        other.replace(10, 11, "o", AGENT)  # "ö" of "wörld", shifted by one

    foreign(document, agent)
    assert document.text == "héllo 😀中\nworld"
    assert not bridge.in_sync
    assert bridge.editor_text == "héllo 😀\nwörld"
    edit, wake = bridge.poll(10.0)
    assert isinstance(edit, OutgoingEdit)
    assert edit.uri == URI and edit.version == 3
    assert edit_tuples(edit) == [((0, 8, 0, 8), "中"), ((1, 1, 1, 2), "o")]
    assert wake == 10.0 + bridge.answer_timeout
    assert bridge.has_pending
    assert bridge.poll(10.1)[0] is None  # no resend while waiting for the answer

    deliver(bridge, editor, edit, 10.2)
    assert editor.text == document.text == "héllo 😀中\nworld"  # not doubled
    assert bridge.in_sync
    assert bridge.echoes == 1
    assert bridge.poll(11.0) == (None, None)
    # The editor goes on typing on the converged text.
    bridge.did_change(editor.next_version(), editor.type(0, 9, 0, 9, "!"))
    assert document.text == editor.text == "héllo 😀中!\nworld"


def test_user_typed_before_edit_arrived_refused_then_recomputed():
    document, bridge, editor = setup("abc\ndéf")
    foreign(document, lambda other: other.insert(4, "XY", AGENT))
    first, _ = bridge.poll(0.0)
    assert first is not None and first.version == 1
    assert edit_tuples(first) == [((1, 0, 1, 0), "XY")]
    # The user types; the client then refuses the edit made for the old version.
    bridge.did_change(editor.next_version(), editor.type(0, 0, 0, 0, "u\n"))
    assert document.text == "u\nabc\nXYdéf"
    bridge.answered(first.edit_id, False, 0.1)
    second, _ = bridge.poll(0.2)
    assert second is not None
    assert second.version == 2 and second.edit_id != first.edit_id
    assert edit_tuples(second) == [((2, 0, 2, 0), "XY")]
    deliver(bridge, editor, second, 0.3)
    assert editor.text == document.text == "u\nabc\nXYdéf"
    assert document.text.count("u") == 1 and document.text.count("XY") == 1
    assert bridge.in_sync


def test_refusal_then_user_change_recomputed():
    document, bridge, editor = setup("abc\ndef")
    foreign(document, lambda other: other.insert(7, "😀", AGENT))
    first, _ = bridge.poll(0.0)
    bridge.answered(first.edit_id, False, 0.1)
    bridge.did_change(editor.next_version(), editor.type(0, 3, 0, 3, "é"))
    second, _ = bridge.poll(0.2)
    assert second is not None and second.version == 2
    assert edit_tuples(second) == [((1, 3, 1, 3), "😀")]
    deliver(bridge, editor, second, 0.3)
    assert editor.text == document.text == "abcé\ndef😀"
    assert bridge.in_sync


def test_applied_true_without_applying_is_resent():
    """Neovim 0.7 answers applied: true for an edit it skipped."""
    document, bridge, editor = setup("one\ntwo")
    foreign(document, lambda other: other.insert(3, " 😀", AGENT))
    first, _ = bridge.poll(0.0)
    assert edit_tuples(first) == [((0, 3, 0, 3), " 😀")]
    bridge.answered(first.edit_id, True, 0.1)  # a lie: the buffer is unchanged
    bridge.did_change(editor.next_version(), editor.type(1, 3, 1, 3, "!"))  # no echo in it
    assert document.text == "one 😀\ntwo!"
    second, _ = bridge.poll(0.2)
    assert second is not None
    assert second.version == 2 and second.edit_id != first.edit_id
    assert edit_tuples(second) == [((0, 3, 0, 3), " 😀")]
    deliver(bridge, editor, second, 0.3)
    assert editor.text == document.text == "one 😀\ntwo!"
    assert bridge.in_sync


def test_silent_client_gets_resend():
    document, bridge, editor = setup("x\ny", answer_timeout=5.0, resend_after=1.0)
    foreign(document, lambda other: other.insert(1, "中", AGENT))
    first, wake = bridge.poll(0.0)
    assert first is not None and wake == 5.0
    assert bridge.poll(4.9) == (None, 5.0)
    edit, wake = bridge.poll(5.0)  # the answer is overdue: wait resend_after more
    assert edit is None and wake == 6.0
    assert bridge.poll(5.5)[0] is None
    second, wake = bridge.poll(6.0)
    assert second is not None
    assert second.edit_id != first.edit_id
    assert second.version == first.version == 1
    assert second.edits == first.edits
    assert wake == 11.0
    assert bridge.edits_sent == 2
    bridge.answered(first.edit_id, False, 6.1)  # a late answer to the old attempt: ignored
    assert bridge.poll(6.2)[0] is None
    deliver(bridge, editor, second, 6.3)
    assert editor.text == document.text == "x中\ny"
    assert bridge.in_sync


# -- version 0 (Neovim) --------------------------------------------------------------


def test_version_zero_insertion_sent():
    document, bridge, editor = setup("abc\ndef", version=0)
    foreign(document, lambda other: other.insert(7, "\n😀", AGENT))
    edit, _ = bridge.poll(0.0)
    assert edit is not None and edit.version == 0
    assert edit_tuples(edit) == [((1, 3, 1, 3), "\n😀")]
    deliver(bridge, editor, edit, 0.1)
    assert editor.text == document.text == "abc\ndef\n😀"
    assert bridge.in_sync


def test_version_zero_deletion_held_until_version():
    document, bridge, editor = setup("abc\ndéf", version=0)
    foreign(document, lambda other: other.replace(1, 5, "", AGENT))
    assert document.text == "aéf"
    assert bridge.poll(0.0)[0] is None
    assert bridge.poll(100.0)[0] is None
    assert bridge.edits_sent == 0
    bridge.did_change(editor.next_version(), editor.type(1, 3, 1, 3, "!"))
    assert document.text == "aéf!"
    edit, _ = bridge.poll(1.0)
    assert edit is not None and edit.version == 1
    assert edit_tuples(edit) == [((0, 1, 1, 1), "")]
    deliver(bridge, editor, edit, 1.1)
    assert editor.text == document.text == "aéf!"
    assert bridge.in_sync


def test_version_zero_literal_application_after_user_typed():
    """Neovim applies a version-0 edit at its old coordinates even after the user typed."""
    document, bridge, editor = setup("abc\ndef", version=0)
    foreign(document, lambda other: other.insert(3, "XYZ", AGENT))  # end of line 0
    edit, _ = bridge.poll(0.0)
    assert edit is not None and edit.version == 0
    assert edit_tuples(edit) == [((0, 3, 0, 3), "XYZ")]
    user = editor.type(0, 1, 0, 1, "u")  # "aubc"
    echo = editor.apply(edit)  # literally at (0, 3): "aubXYZc"
    assert editor.text == "aubXYZc\ndef"
    bridge.answered(edit.edit_id, True, 0.1)
    bridge.did_change(editor.next_version(), user + echo)
    assert document.text == editor.text == "aubXYZc\ndef"
    assert document.text.count("XYZ") == 1 and document.text.count("u") == 1
    assert bridge.echoes == 1
    assert bridge.poll(0.2)[0] is None
    assert bridge.in_sync


# -- bad changes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        partial(1, 2, 0, 1, "x"),  # reversed range
        partial(0, 2, 0, 2, "x"),  # between the halves of "😀"
        partial(0, 0, 0, 2, "x"),  # ends inside "😀"
    ],
)
def test_bad_change_raises_and_leaves_text(bad):
    document, bridge, _ = setup("a😀b\ndef")
    with pytest.raises(BridgeError):
        bridge.did_change(2, [bad])
    assert document.text == "a😀b\ndef" == str(document.source)
    assert bridge.out_of_sync is not None
    assert bridge.poll(0.0) == (None, None)
    with pytest.raises(BridgeError):  # partial changes are refused until a full text
        bridge.did_change(3, [partial(0, 0, 0, 0, "y")])
    assert document.text == "a😀b\ndef"
    bridge.did_change(4, [partial(0, 0, 0, 0, "ignored"), whole("a😀b\ndef!")])
    assert bridge.out_of_sync is None
    assert document.text == "a😀b\ndef!"
    bridge.did_change(5, [partial(1, 4, 1, 4, "?")])
    assert document.text == "a😀b\ndef!?"


def test_bad_change_with_pending_edit_leaves_text():
    document, bridge, _ = setup("a😀b\ndef")
    foreign(document, lambda other: other.insert(7, "Z", AGENT))
    edit, _ = bridge.poll(0.0)
    assert edit is not None
    before = document.text
    with pytest.raises(BridgeError):
        bridge.did_change(2, [partial(1, 0, 1, 0, "ok"), partial(0, 2, 0, 2, "bad")])
    assert document.text == before == "a😀b\ndefZ"
    assert bridge.out_of_sync is not None
    assert bridge.poll(10.0) == (None, None)
    # The editor resends its whole text (it never applied the edit); the edit follows.
    bridge.did_change(3, [whole("a😀b\ndef!")])
    assert bridge.out_of_sync is None
    assert document.text == "a😀b\ndef!Z"
    resent = None
    for now in (10.0, 20.0, 30.0, 40.0):
        resent, _ = bridge.poll(now)
        if resent is not None:
            break
    assert resent is not None and resent.version == 3
    editor = Editor("a😀b\ndef!", 3)
    deliver(bridge, editor, resent, 41.0)
    assert editor.text == document.text == "a😀b\ndef!Z"
    assert bridge.in_sync


def test_whole_text_resync_holding_pending_edit_not_doubled():
    document, bridge, _ = setup("a😀b\ndef")
    foreign(document, lambda other: other.insert(7, "Z", AGENT))
    edit, _ = bridge.poll(0.0)
    assert edit is not None
    # The client applies the edit but reports it with a range inside "😀"...
    with pytest.raises(BridgeError):
        bridge.did_change(2, [partial(0, 2, 0, 2, "")])
    # ...then resynchronises with its whole text, which holds the edit.
    bridge.did_change(3, [whole("a😀b\ndefZ")])
    assert document.text == "a😀b\ndefZ"


def test_one_applied_edit_reported_in_two_did_changes_is_one_echo():
    """Neovim 0.7 flushes a didChange at once when its last one is older than its
    debounce: an edit of several TextEdits then arrives as the bottom edit's change, before
    the answer, and the rest in a second didChange. Neither part is the user's typing."""
    document, bridge, editor = setup("one\ntwo\nthree\n", version=4)

    def agent(other: SharedDocument) -> None:
        other.insert(0, "A ", AGENT)
        other.insert(10, "B ", AGENT)  # "two" shifted by "A "
        other.insert(len(other), "C\n", AGENT)

    foreign(document, agent)
    expected = document.text
    edit, _wake = bridge.poll(1.0)
    assert isinstance(edit, OutgoingEdit) and len(edit.edits) == 3
    changes = editor.apply(edit)  # bottom edit first
    bridge.did_change(editor.next_version(), changes[:1])
    assert document.text == expected  # not taken as typing
    assert bridge.has_pending
    bridge.answered(edit.edit_id, True, 1.1)
    bridge.did_change(editor.next_version(), changes[1:])
    assert editor.text == document.text == expected
    assert bridge.in_sync and bridge.echoes == 1
    # Typing afterwards merges as usual.
    bridge.did_change(editor.next_version(), editor.type(0, 0, 0, 0, "!"))
    assert document.text == editor.text == "!" + expected


def test_a_change_that_is_not_part_of_the_pending_edit_is_still_typing():
    document, bridge, editor = setup("one\ntwo\n", version=1)
    foreign(document, lambda other: other.insert(0, "A ", AGENT))
    foreign(document, lambda other: other.insert(len(other), "Z\n", AGENT))
    edit, _wake = bridge.poll(1.0)
    assert isinstance(edit, OutgoingEdit)
    bridge.did_change(editor.next_version(), editor.type(1, 0, 1, 0, "x"))  # the user
    assert "xtwo" in document.text
    assert not bridge.has_pending or bridge.poll(9.0)[0] is not None


def test_an_insertion_at_the_end_reported_in_two_did_changes_is_one_echo():
    """Issue 11: Neovim 0.7 applies a TextEdit that inserts at the end of the text as an
    insertion at the end of the last line (with a line break before the new text) and then
    removes the empty last line this leaves; when its last didChange is older than its
    150 ms debounce it sends the first change at once, before its answer, and the second
    150 ms later. The first is not the user's typing: taken as typing, it made a copy of
    the agents' TODO marker that outlived the marker's deletion."""
    document, bridge, editor = setup("x = 1\n", version=7)
    foreign(document, lambda other: other.insert(len(other), "\n# TODO(codecrdt:a): a\n", AGENT))
    expected = document.text
    edit, _ = bridge.poll(1.0)
    assert isinstance(edit, OutgoingEdit)
    assert edit_tuples(edit) == [((1, 0, 1, 0), "\n# TODO(codecrdt:a): a\n")]
    # nvim_buf_set_text at the end of line 0 with ["", "", "# TODO…", ""], sent at once…
    first = editor.type(0, 5, 0, 5, "\n\n# TODO(codecrdt:a): a\n")
    bridge.did_change(editor.next_version(), first)
    assert document.text == expected  # held, not merged as typing
    bridge.answered(edit.edit_id, True, 1.01)
    assert bridge.poll(1.05)[0] is None  # waiting for the rest, not resending
    # …then the empty last line goes (nvim_buf_set_lines(-2, -1)), 150 ms later.
    second = editor.type(3, 0, 4, 0, "")
    bridge.did_change(editor.next_version(), second)
    assert editor.text == document.text == expected
    assert bridge.in_sync and bridge.echoes == 1
    # The agent deletes its marker: it is gone everywhere, no copy is left.
    foreign(document, lambda other: other.replace(6, len(other), "", AGENT))
    edit, _ = bridge.poll(2.0)
    assert edit is not None
    deliver(bridge, editor, edit, 2.1)
    assert editor.text == document.text == "x = 1\n"
    assert bridge.in_sync


def test_held_changes_are_the_users_when_no_rest_follows_the_answer():
    """A change held as possibly the edit part-way applied is the user's typing once the
    client has answered and nothing completes the edit: nothing typed is lost."""
    document, bridge, editor = setup("abc\n", version=3, resend_after=1.0)
    foreign(document, lambda other: other.insert(4, "Z\n", AGENT))
    edit, _ = bridge.poll(0.0)
    assert edit is not None
    # The user types at the end, where the edit goes; the client then skips the edit
    # (its version is past) and answers applied: true anyway.
    bridge.did_change(editor.next_version(), editor.type(1, 0, 1, 0, "u"))
    assert document.text == "abc\nZ\n"  # held for now
    bridge.answered(edit.edit_id, True, 0.1)
    assert bridge.poll(0.5) == (None, 1.1)
    second, _ = bridge.poll(1.1)  # released as typing, the edit recomputed
    assert document.text.count("u") == 1 and "Z\n" in document.text
    assert second is not None and second.version == 4
    deliver(bridge, editor, second, 1.2)
    assert editor.text == document.text
    assert bridge.in_sync


def test_held_changes_then_typing_after_the_answer_are_all_kept():
    document, bridge, editor = setup("abc\n", version=3)
    foreign(document, lambda other: other.insert(4, "Z\n", AGENT))
    edit, _ = bridge.poll(0.0)
    assert edit is not None
    bridge.did_change(editor.next_version(), editor.type(1, 0, 1, 0, "u"))
    bridge.answered(edit.edit_id, False, 0.1)
    bridge.did_change(editor.next_version(), editor.type(0, 0, 0, 0, "v"))
    assert document.text.count("u") == 1 and document.text.count("v") == 1
    resent, _ = bridge.poll(0.2)
    assert resent is not None
    deliver(bridge, editor, resent, 0.3)
    assert editor.text == document.text
    assert document.text.count("Z") == 1 and bridge.in_sync


def test_a_change_reported_wider_than_it_is_does_not_revive_a_deleted_line():
    """Neovim 0.7 reports a change that adds or removes lines as replacing the rest of the
    last line too: inserting a line at the start of line 1 is reported as replacing line 1
    by the new line and line 1 again. If an agent deleted line 1 meanwhile (a TODO marker
    it has done), the user's change must not bring it back."""
    document, bridge, editor = setup("a\n# TODO(codecrdt:x): x\nb\n", version=5)
    # The agent deletes its marker line; the user, who has not seen that yet, inserts a
    # line above it, which Neovim reports as "1:0-1:21 u\n# TODO(codecrdt:x): x".
    foreign(document, lambda other: other.replace(2, 24, "", AGENT))
    assert document.text == "a\nb\n"
    bridge.did_change(editor.next_version(), editor.type(1, 0, 1, 21, "u\n# TODO(codecrdt:x): x"))
    assert document.text == "a\nu\nb\n"
    edit, _ = bridge.poll(1.0)
    assert edit is not None
    deliver(bridge, editor, edit, 1.1)
    assert editor.text == document.text == "a\nu\nb\n"
    assert bridge.in_sync


def test_a_wide_change_keeps_line_breaks_whole():
    document, bridge, editor = setup("a\r\nb\r\nc", version=1)
    # Replace "\r\nb\r\n" by "\r\nB\r\n": only "b" changes.
    bridge.did_change(editor.next_version(), editor.type(0, 1, 2, 0, "\r\nB\r\n"))
    assert document.text == editor.text == "a\r\nB\r\nc"
    bridge.did_change(editor.next_version(), editor.type(0, 1, 1, 1, "\rx\n"))
    assert document.text == editor.text


def test_version_zero_misplaced_line_moves_whole_and_stays_deleted():
    """Neovim applies a version-0 edit at its old coordinates over the user's unreported
    line: the agent's line lands above the user's instead of below. The bridge moves the
    agent's line whole (no characters of the two lines mixed), and when the agent deleted
    it before the echo came, it stays deleted."""
    document, bridge, editor = setup("a\nz\n", version=0)
    foreign(document, lambda other: other.insert(2, "[w1]\n", AGENT))  # before "z"
    edit, _ = bridge.poll(0.0)
    assert edit is not None and edit_tuples(edit) == [((1, 0, 1, 0), "[w1]\n")]
    user = editor.type(1, 0, 1, 0, "[u1]\n")  # the user's line, also before "z"
    echo = editor.apply(edit)  # literally at (1, 0): above the user's line
    assert editor.text == "a\n[w1]\n[u1]\nz\n"
    foreign(document, lambda other: other.replace(2, 7, "", AGENT))  # the agent deletes it
    bridge.answered(edit.edit_id, True, 0.1)
    bridge.did_change(editor.next_version(), user + echo)
    assert document.text == "a\n[u1]\nz\n"  # deleted, and the user's line whole
    for now in (1.0, 2.0, 3.0):
        edit, _ = bridge.poll(now)
        if edit is not None:
            deliver(bridge, editor, edit, now + 0.1)
    assert editor.text == document.text == "a\n[u1]\nz\n"
    assert bridge.in_sync

"""SharedDocument: edits by origin, change events, replication, anchors, audit, hooks."""

from __future__ import annotations

import bisect
import random
import re

import pytest

from codecrdt.document import (
    Anchor,
    Assoc,
    ChangeEvent,
    Origin,
    SharedDocument,
    TextChange,
)
from codecrdt.positions import PositionError, split_lines

PIECES = ["a", "bc", "é", "中文", "😀", "\n", "\r\n", "\r", " ", "xyz", ""]
_BREAK = re.compile(rb"\r\n|\r|\n")


def ref_point(data: bytes, byte: int) -> tuple[int, int]:
    """(row, byte column) with LSP line breaks, computed on the bytes themselves."""
    starts = [0] + [m.end() for m in _BREAK.finditer(data)]
    row = bisect.bisect_right(starts, byte) - 1
    return row, byte - starts[row]


def replay(old: str, changes: tuple[TextChange, ...]) -> str:
    """Apply tree-sitter style changes in order, checking every field against the bytes."""
    data = old.encode("utf-8")
    for change in changes:
        inserted = change.text.encode("utf-8")
        assert 0 <= change.start_byte <= change.old_end_byte <= len(data)
        assert change.new_end_byte == change.start_byte + len(inserted)
        assert change.start_point == ref_point(data, change.start_byte)
        assert change.old_end_point == ref_point(data, change.old_end_byte)
        data = data[: change.start_byte] + inserted + data[change.old_end_byte :]
        assert change.new_end_point == ref_point(data, change.new_end_byte)
    return data.decode("utf-8")


class Recorder:
    def __init__(self, document: SharedDocument) -> None:
        self.events: list[ChangeEvent] = []
        self.text = document.text
        self.unsubscribe = document.observe(self)

    def __call__(self, event: ChangeEvent) -> None:
        self.events.append(event)
        self.text = replay(self.text, event.changes)


def assert_mirror(document: SharedDocument) -> None:
    assert document.text == str(document.source)
    assert [document.lines.line(i) for i in range(len(document.lines))] == split_lines(
        document.text
    )
    assert len(document) == len(document.text)


# -- local edits ---------------------------------------------------------------------


def test_initial_text_and_origin():
    events: list[ChangeEvent] = []
    document = SharedDocument("")
    document.observe(events.append)
    document.insert(0, "héllo\n", Origin.LOAD)
    assert document.text == "héllo\n"
    assert events == [
        ChangeEvent(Origin.LOAD, (TextChange(0, 0, 7, (0, 0), (0, 0), (1, 0), "héllo\n"),))
    ]
    loaded = SharedDocument("a😀\r\nb")
    assert loaded.text == "a😀\r\nb" == str(loaded.source)
    assert len(loaded) == 5


def test_replace_event_non_ascii():
    document = SharedDocument("é中\n😀x\r\ny")
    recorder = Recorder(document)
    document.replace(5, 5, "Zé", Origin.agent("a"))  # "😀" is at 3, "x" at 4; after "x"
    assert document.text == "é中\n😀xZé\r\ny"
    (event,) = recorder.events
    assert event.origin == "agent:a"
    # "é中\n" is 2+3+1 bytes; "😀x" is 5 bytes.
    assert event.changes == (TextChange(11, 11, 14, (1, 5), (1, 5), (1, 8), "Zé"),)
    document.replace(1, 4, "", Origin.EVALUATOR)  # delete "中\n😀"
    assert document.text == "éxZé\r\ny"
    change = recorder.events[-1].changes[0]
    assert recorder.events[-1].origin == Origin.EVALUATOR
    assert change == TextChange(2, 10, 2, (0, 2), (1, 4), (0, 2), "")
    assert recorder.text == document.text
    assert_mirror(document)


def test_insert_and_replace_at():
    document = SharedDocument("ab\ncd")
    recorder = Recorder(document)
    document.replace_at((1, 1), (1, 1), "😀\n", Origin.EDITOR)
    assert document.text == "ab\nc😀\nd"
    assert recorder.events[-1] == ChangeEvent(
        Origin.EDITOR, (TextChange(4, 4, 9, (1, 1), (1, 1), (2, 0), "😀\n"),)
    )
    document.replace_at((0, 1), (2, 0), "中", Origin.agent("b"))
    assert document.text == "a中d"
    assert recorder.events[-1] == ChangeEvent(
        "agent:b", (TextChange(1, 9, 4, (0, 1), (2, 0), (0, 4), "中"),)
    )
    document.insert(len(document), "\r\n", Origin.agent("b"))
    assert document.text == "a中d\r\n"
    assert recorder.events[-1].changes[0].new_end_point == (1, 0)
    assert recorder.text == document.text
    assert_mirror(document)


def test_noop_edit_emits_nothing_and_skips_hooks():
    document = SharedDocument("abc")
    events, hooks = [], []
    document.observe(events.append)
    document.before_change(hooks.append)
    document.replace(1, 1, "", Origin.EDITOR)
    document.set_text("abc", Origin.EDITOR)
    assert events == [] and hooks == []
    assert document.text == "abc"


def test_invalid_ranges_rejected():
    document = SharedDocument("aé")
    with pytest.raises(PositionError):
        document.replace(2, 1, "x", Origin.EDITOR)
    with pytest.raises(PositionError):
        document.replace(0, 3, "x", Origin.EDITOR)
    with pytest.raises(PositionError):
        document.insert(-1, "x", Origin.EDITOR)
    with pytest.raises(PositionError):
        document.replace_at((0, 2), (0, 1), "x", Origin.EDITOR)
    with pytest.raises(PositionError):
        document.anchor(3)
    assert document.text == "aé" == str(document.source)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "hello world",
            "hello brave world",
            TextChange(6, 6, 12, (0, 6), (0, 6), (0, 12), "brave "),
        ),
        ("é中😀", "é😀", TextChange(2, 5, 2, (0, 2), (0, 5), (0, 2), "")),
        ("a\nb", "a\r\nb", TextChange(1, 1, 2, (0, 1), (0, 1), (0, 2), "\r")),
        ("abc", "", TextChange(0, 3, 0, (0, 0), (0, 3), (0, 0), "")),
        ("", "中", TextChange(0, 0, 3, (0, 0), (0, 0), (0, 3), "中")),
        ("aaaa", "aaa", TextChange(3, 4, 3, (0, 3), (0, 4), (0, 3), "")),
    ],
)
def test_set_text_minimal(old, new, expected):
    document = SharedDocument(old)
    recorder = Recorder(document)
    document.set_text(new, Origin.agent("w"))
    assert document.text == new
    assert recorder.events == [ChangeEvent("agent:w", (expected,))]
    assert_mirror(document)


@pytest.mark.parametrize("observed", [True, False])
def test_random_edits_keep_mirror(observed):
    seed = random.randrange(2**32)
    print("seed", seed)
    rng = random.Random(seed)
    document = SharedDocument("start é\r\n中\r😀\n")
    recorder = Recorder(document) if observed else None
    for _ in range(300):
        n = len(document)
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(4)))
        kind = rng.random()
        if kind < 0.6:
            a, b = sorted((rng.randint(0, n), rng.randint(0, n)))
            document.replace(a, b, text, Origin.agent(str(rng.randrange(3))))
        elif kind < 0.8:
            document.insert(rng.randint(0, n), text, Origin.EDITOR)
        else:
            old = document.text
            a, b = sorted((rng.randint(0, n), rng.randint(0, n)))
            document.set_text(old[:a] + text + old[b:], Origin.EVALUATOR)
        assert document.text == str(document.source), f"seed {seed}"
        if recorder is not None:
            assert recorder.text == document.text, f"seed {seed}"
    assert_mirror(document)


# -- replication ---------------------------------------------------------------------


def sync(a: SharedDocument, b: SharedDocument) -> tuple[ChangeEvent, ChangeEvent]:
    to_b = a.update_since(b.state())
    to_a = b.update_since(a.state())
    return b.apply_update(to_b), a.apply_update(to_a)


def test_fork_converges_concurrent_edits():
    a = SharedDocument("héllo\nwörld", client_id=1)
    b = a.fork(client_id=2)
    assert b.text == a.text and b.client_id == 2 and a.client_id == 1
    ra, rb = Recorder(a), Recorder(b)
    a.insert(0, "😀", Origin.agent("a"))
    a.replace(6, 7, "\r\n", Origin.agent("a"))
    b.insert(len(b), " 中", Origin.agent("b"))
    b.replace(1, 2, "", Origin.agent("b"))  # delete "é"
    event_b, event_a = sync(a, b)
    assert a.text == b.text == str(a.source) == str(b.source)
    assert a.text == "😀hllo\r\nwörld 中"
    assert event_a.origin == Origin.REMOTE and event_b.origin == Origin.REMOTE
    assert ra.events[-1] is event_a and rb.events[-1] is event_b
    assert ra.text == a.text and rb.text == b.text
    assert_mirror(a)
    assert_mirror(b)


def test_random_concurrent_replicas_converge():
    seed = random.randrange(2**32)
    print("seed", seed)
    rng = random.Random(seed)
    replicas = [SharedDocument("base 中\r\n😀", client_id=10)]
    replicas += [replicas[0].fork(client_id=11 + i) for i in range(2)]
    recorders = [Recorder(r) for r in replicas]
    for _ in range(60):
        for replica in replicas:
            for _ in range(rng.randrange(3)):
                n = len(replica)
                a, b = sorted((rng.randint(0, n), rng.randint(0, n)))
                text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(3)))
                replica.replace(a, b, text, Origin.agent(str(replica.client_id)))
        x, y = rng.sample(range(3), 2)
        sync(replicas[x], replicas[y])
        assert replicas[x].text == replicas[y].text, f"seed {seed}"
        for replica, recorder in zip(replicas, recorders, strict=True):
            assert replica.text == str(replica.source) == recorder.text, f"seed {seed}"
    for x, y in [(0, 1), (1, 2), (0, 2)]:
        sync(replicas[x], replicas[y])
    assert len({r.text for r in replicas}) == 1, f"seed {seed}"
    for replica in replicas:
        assert_mirror(replica)


@pytest.mark.parametrize(
    ("old", "start", "end", "new", "point"),
    [
        ("x\r\ny", 2, 3, "x\ry", (1, 0)),  # delete the "\n" of "\r\n": reported (0, 2)
        ("x\rZ\ny", 2, 3, "x\r\ny", (0, 2)),  # join "\r" + "\n": reported (1, 0) = byte 3
    ],
)
def test_remote_deletion_changing_line_breaks_new_end_point(old, start, end, new, point):
    a = SharedDocument(old, client_id=1)
    b = a.fork(client_id=2)
    local = Recorder(b)
    b.replace(start, end, "", Origin.agent("b"))
    assert b.text == new
    (change,) = local.events[0].changes
    assert change.new_end_point == point  # the local path is right
    remote = a.apply_update(b.update_since(a.state()))
    assert a.text == new
    (merged,) = remote.changes
    assert merged.start_byte == merged.new_end_byte == 2
    assert merged.new_end_point == point


def test_apply_update_returns_and_emits_with_origin():
    a = SharedDocument("ab\ncd", client_id=1)
    b = a.fork(client_id=2)
    events: list[ChangeEvent] = []
    a.observe(events.append)
    before = b.state()
    b.replace(1, 4, "é😀", Origin.agent("x"))
    event = a.apply_update(b.update_since(a.state()), origin="custom")
    assert event.origin == "custom"
    assert events == [event]
    assert a.text == "aé😀d"
    assert replay("ab\ncd", event.changes) == a.text
    # An update with no text change returns an empty event and notifies nobody.
    b.record("claim", "agent:x")
    empty = a.apply_update(b.update_since(a.state()))
    assert empty.changes == () and empty.origin == Origin.REMOTE
    assert len(events) == 1
    # Applying the same update again changes nothing.
    again = a.apply_update(b.update_since(before))
    assert again.changes == ()
    assert a.text == "aé😀d"


def test_snapshot_restores():
    a = SharedDocument("x😀\ny")
    b = SharedDocument()
    event = b.apply_update(a.snapshot())
    assert b.text == a.text
    assert replay("", event.changes) == a.text


# -- anchors -------------------------------------------------------------------------


def test_anchor_local_edits():
    document = SharedDocument("aé中😀b")
    before = document.anchor(2, Assoc.BEFORE)
    after = document.anchor(2, Assoc.AFTER)
    assert isinstance(before, Anchor)
    document.insert(2, "XY", Origin.EDITOR)  # exactly at the anchors
    assert (before.offset, after.offset) == (2, 4)
    assert document.text[after.offset] == "中" and document.text[before.offset - 1] == "é"
    document.insert(0, "😀\n", Origin.EDITOR)  # before both
    assert (before.offset, after.offset) == (4, 6)
    document.insert(len(document), "tail", Origin.EDITOR)  # after both
    assert (before.offset, after.offset) == (4, 6)
    document.replace(3, 7, "", Origin.EDITOR)  # around both: deletion start
    assert document.text == "😀\na😀btail"
    assert (before.offset, after.offset) == (3, 3)
    document.replace(2, 4, "ZZZ", Origin.EDITOR)  # replaces the characters around them
    assert document.text == "😀\nZZZbtail"
    assert (before.offset, after.offset) == (2, 5)


def test_anchor_at_end():
    document = SharedDocument("é\n")
    before = document.anchor(len(document), Assoc.BEFORE)
    after = document.anchor(len(document), Assoc.AFTER)
    document.insert(len(document), "😀x", Origin.EDITOR)
    assert before.offset == 2
    assert after.offset == 4 == len(document)
    document.replace(0, len(document), "", Origin.EDITOR)
    assert before.offset == after.offset == 0
    document.insert(0, "中", Origin.EDITOR)
    assert before.offset == 0 and after.offset == 1


def test_anchor_merged_remote_edits():
    a = SharedDocument("héllo 中 wörld", client_id=1)
    b = a.fork(client_id=2)
    target = a.text.index("中")
    before = a.anchor(target, Assoc.BEFORE)
    after = a.anchor(target, Assoc.AFTER)
    end = a.anchor(len(a), Assoc.AFTER)
    b.insert(target, "😀😀", Origin.agent("b"))  # exactly at the anchors
    b.insert(0, "é\r\n", Origin.agent("b"))  # before everything
    b.insert(len(b), "!", Origin.agent("b"))  # at the end
    a.apply_update(b.update_since(a.state()))
    assert a.text == "é\r\nhéllo 😀😀中 wörld!"
    assert a.text[before.offset - 1] == " "
    assert a.text[after.offset] == "中"
    assert end.offset == len(a)
    # A remote deletion around the anchors moves them to its start.
    start = a.text.index("😀")
    b.replace(start, start + 3, "", Origin.agent("b"))
    a.apply_update(b.update_since(a.state()))
    assert a.text == b.text == "é\r\nhéllo  wörld!"
    assert before.offset == after.offset == start
    assert end.offset == len(a)


def test_anchor_concurrent_local_and_remote():
    a = SharedDocument("0123456789", client_id=1)
    b = a.fork(client_id=2)
    anchor = a.anchor(5, Assoc.AFTER)
    a.insert(1, "éé", Origin.EDITOR)
    b.insert(3, "😀", Origin.agent("b"))
    b.replace(7, 9, "", Origin.agent("b"))
    sync(a, b)
    assert a.text == b.text == "0éé12😀34589"
    assert a.text[anchor.offset] == "5"


# -- audit and hooks -----------------------------------------------------------------


def test_record_appends_audit_entries():
    document = SharedDocument("x")
    document.record("claim", "agent:a", todo="t1", region=[1, 2])
    document.record("release", "agent:b")
    entries = [entry.to_py() for entry in document.audit]
    assert [e["kind"] for e in entries] == ["claim", "release"]
    assert [e["actor"] for e in entries] == ["agent:a", "agent:b"]
    assert entries[0]["todo"] == "t1"
    assert isinstance(entries[0]["time"], float)
    assert document.text == "x"
    replica = document.fork()
    assert [e.to_py()["kind"] for e in replica.audit] == ["claim", "release"]


def test_before_change_hooks_get_origin():
    a = SharedDocument("abc", client_id=1)
    b = a.fork(client_id=2)
    calls: list[tuple[str, str]] = []

    def hook(origin: str) -> None:
        calls.append((origin, a.text))  # called before the change lands

    unhook = a.before_change(hook)
    a.insert(0, "é", Origin.agent("x"))
    a.set_text("éabcd", Origin.EDITOR)
    b.insert(0, "😀", Origin.agent("y"))
    a.apply_update(b.update_since(a.state()), origin="peer")
    assert calls == [("agent:x", "abc"), (Origin.EDITOR, "éabc"), ("peer", "éabcd")]
    unhook()
    a.insert(0, "z", Origin.EDITOR)
    assert len(calls) == 3


def test_unsubscribe_observer():
    document = SharedDocument("a")
    events: list[ChangeEvent] = []
    unsubscribe = document.observe(events.append)
    document.insert(1, "b", Origin.EDITOR)
    unsubscribe()
    document.insert(2, "c", Origin.EDITOR)
    assert len(events) == 1
    assert document.text == "abc"


def test_merging_without_change_records_keeps_the_same_lines_and_anchors():
    """A replica that merges with ``changes=False`` (agents' and writers' replicas, which
    read no change records) skips the records' points, and must still hold the same lines
    and move its anchors exactly as a replica that computes them: both merge the same
    updates, with line breaks and non-ASCII text inserted and deleted concurrently."""
    seed = random.randrange(2**32)
    print("seed", seed)
    rng = random.Random(seed)
    origin = SharedDocument("base 中\r\nline two\n😀 three\r", client_id=20)
    writers = [origin.fork(client_id=21 + i) for i in range(3)]
    full, quiet = origin.fork(client_id=30), origin.fork(client_id=31)
    anchors: list[tuple[Anchor, Anchor]] = []
    for _ in range(80):
        for writer in writers:
            for _ in range(rng.randrange(3)):
                n = len(writer)
                a, b = sorted((rng.randint(0, n), rng.randint(0, n)))
                text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(4)))
                writer.replace(a, b, text, Origin.agent(str(writer.client_id)))
        x = rng.randrange(len(writers))
        update = writers[x].update_since(full.state())
        event = quiet.apply_update(update, changes=False)
        assert event.changes == ()
        full.apply_update(update)
        sync(writers[x], writers[rng.randrange(len(writers))])
        assert quiet.text == full.text, f"seed {seed}"
        assert_mirror(quiet)
        if rng.random() < 0.3:
            offset = rng.randint(0, len(full))
            assoc = rng.choice([Assoc.BEFORE, Assoc.AFTER])
            anchors.append((full.anchor(offset, assoc), quiet.anchor(offset, assoc)))
        for kept, moved in anchors:
            assert moved.offset == kept.offset, f"seed {seed}"
    # A replica with an observer gets its change records whatever the caller asks.
    recorder = Recorder(quiet)
    writers[0].insert(0, "new\n", Origin.agent("w"))
    event = quiet.apply_update(writers[0].update_since(quiet.state()), changes=False)
    assert event.changes and recorder.text == quiet.text, f"seed {seed}"


def test_a_quiet_replica_that_reads_positions_rarely_holds_the_same_text_lines_and_anchors():
    """A replica that merges without change records queues the merged edits and brings
    its line mirror up to date only when a position is asked: by replaying a few queued
    edits, or, after many, by building it afresh. Either way it must hold what a replica
    that follows every edit holds: the same text, lines and anchor positions, with line
    breaks and non-ASCII text inserted and deleted concurrently."""
    seed = random.randrange(2**32)
    print("seed", seed)
    rng = random.Random(seed)
    origin = SharedDocument("base 中\r\n" + "line\n" * 40 + "😀 end\r", client_id=40)
    writers = [origin.fork(client_id=41 + i) for i in range(4)]
    full, quiet = origin.fork(client_id=50), origin.fork(client_id=51)
    anchors: list[tuple[Anchor, Anchor]] = []
    for _ in range(120):
        for writer in writers:
            for _ in range(rng.randrange(4)):
                n = len(writer)
                a, b = sorted((rng.randint(0, n), rng.randint(0, n)))
                if rng.random() < 0.7:
                    b = min(n, a + rng.randrange(3))  # mostly small edits, like typing
                text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(4)))
                writer.replace(a, b, text, Origin.agent(str(writer.client_id)))
        x = rng.randrange(len(writers))
        update = writers[x].update_since(full.state())
        quiet.apply_update(update, changes=False)
        full.apply_update(update)
        sync(writers[x], writers[rng.randrange(len(writers))])
        # Positions are asked for now and then only: queues of every length build up.
        if rng.random() < 0.15:
            assert_mirror(quiet)
            assert quiet.lines.text == full.text, f"seed {seed}"
        if rng.random() < 0.2:
            offset = rng.randint(0, len(full))
            assoc = rng.choice([Assoc.BEFORE, Assoc.AFTER])
            anchors.append((full.anchor(offset, assoc), quiet.anchor(offset, assoc)))
        assert quiet.text == full.text == str(quiet.source), f"seed {seed}"
        assert len(quiet) == len(full), f"seed {seed}"
        if rng.random() < 0.3:
            for kept, moved in anchors:
                assert moved.offset == kept.offset, f"seed {seed}"
    assert_mirror(quiet)
    for kept, moved in anchors:
        assert moved.offset == kept.offset, f"seed {seed}"


@pytest.mark.parametrize("observed", [False, True])
def test_write_at_writes_at_a_cursor_that_follows_concurrent_edits(observed):
    """``write_at`` (what a simulated writer uses, without a line mirror) writes the same
    CRDT operations as inserting at the cursor's offset and moving the cursor after the
    text: two worlds with the same client ids, one writing each way, end with the same
    text, while other replicas insert and delete (line breaks, non-ASCII) around the
    cursor and exactly at it. With an observer, ``write_at`` reports its change like any
    other edit."""
    seed = random.randrange(2**32)
    print("seed", seed)
    rng = random.Random(seed)
    base = "é start\n" + "中 line\r\n" * 6
    worlds = []
    for _ in range(2):
        hub = SharedDocument(base, client_id=60)
        me = hub.fork(client_id=61)
        others = [hub.fork(client_id=62 + i) for i in range(2)]
        worlds.append((hub, me, others))
    start = base.index("\n") + 1
    cursor = worlds[0][1].anchor(start, Assoc.BEFORE)
    reference = worlds[1][1].anchor(start, Assoc.BEFORE)
    recorder = Recorder(worlds[0][1]) if observed else None
    script = []  # the other replicas' edits, replayed identically in both worlds
    for step in range(60):
        piece = f"«{step}»{rng.choice(PIECES)}{'😀' if step % 7 == 0 else ''}\n"
        edits = []
        for k in range(2):
            if rng.random() < 0.6:
                n = len(worlds[0][2][k])
                a = rng.randint(0, n)
                b = min(n, a + rng.randrange(3))
                edits.append(
                    (k, a, b, "".join(rng.choice(PIECES) for _ in range(rng.randrange(3))))
                )
        script.append((piece, edits))
    for world, (hub, me, others) in enumerate(worlds):
        for piece, edits in script:
            if world == 0:
                me.write_at(cursor, piece, Origin.agent("me"))
            else:
                at = reference.offset
                me.insert(at, piece, Origin.agent("me"))
                reference = me.anchor(at + len(piece), Assoc.BEFORE)
            hub.apply_update(me.update_since(hub.state()), Origin.agent("me"))
            for k, a, b, text in edits:
                others[k].replace(a, b, text, Origin.agent(str(k)))
                hub.apply_update(others[k].update_since(hub.state()), Origin.agent(str(k)))
            me.apply_update(hub.update_since(me.state()), changes=False)
            for other in others:
                other.apply_update(hub.update_since(other.state()), changes=False)
    assert worlds[0][0].text == worlds[1][0].text, f"seed {seed}"
    assert worlds[0][1].text == worlds[1][1].text == worlds[0][0].text, f"seed {seed}"
    assert cursor.offset == reference.offset, f"seed {seed}"
    text = worlds[0][0].text
    # The writer's pieces follow one another (the others' deletions may cut some).
    stamps = [int(n) for n in re.findall(r"«(\d+)»", text)]
    assert stamps == sorted(stamps) and len(stamps) > 30, f"seed {seed}"
    assert_mirror(worlds[0][1])
    if recorder is not None:
        assert recorder.text == worlds[0][1].text, f"seed {seed}"


def test_write_at_refuses_another_documents_cursor():
    a, b = SharedDocument("x"), SharedDocument("y")
    with pytest.raises(ValueError, match="another document"):
        a.write_at(b.anchor(0), "z", Origin.EDITOR)
    assert a.text == "x" and b.text == "y"

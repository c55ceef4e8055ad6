"""The sync messages (pycrdt's helpers) and the transport protocol replicas and the hub use."""

from __future__ import annotations

import asyncio
import random

import pytest
from pycrdt import Awareness, Doc, Text

from codecrdt.agents import sync
from codecrdt.agents.channel import Channel
from codecrdt.agents.network import NetworkModel, SimulatedChannel
from codecrdt.agents.replica import Replica
from codecrdt.agents.virtual_time import run_virtual
from codecrdt.document import SharedDocument


def _doc(text: str, client: int) -> Doc:
    doc = Doc(client_id=client)
    doc.get("source", type=Text).insert(0, text)
    return doc


def test_a_state_vector_is_answered_with_exactly_what_its_sender_lacks() -> None:
    ours, theirs = _doc("abc", 1), Doc(client_id=2)
    theirs.apply_update(ours.get_update())
    ours.get("source", type=Text).insert(3, "def")
    step1 = sync.state_message(theirs)
    assert sync.decode(step1).kind == sync.STEP1
    reply = sync.answer(step1, ours)
    assert reply is not None and sync.decode(reply).kind == sync.STEP2
    theirs.apply_update(sync.decode(reply).payload)
    assert str(theirs.get("source", type=Text)) == "abcdef"
    # Nothing lacking: no message at all, rather than an empty update.
    assert sync.answer(sync.state_message(theirs), ours) is None
    assert sync.diff_message(ours, theirs.get_state()) is None


def test_a_pushed_update_is_the_complete_diff_from_the_last_reported_state() -> None:
    ours = _doc("one", 1)
    reported = Doc(client_id=2).get_state()  # the receiver has seen nothing yet
    ours.get("source", type=Text).insert(3, " two")
    message = sync.diff_message(ours, reported)
    assert message is not None
    decoded = sync.decode(message)
    assert decoded.kind == sync.UPDATE
    fresh = Doc(client_id=3)
    fresh.apply_update(decoded.payload)  # both transactions, not only the last one
    assert str(fresh.get("source", type=Text)) == "one two"


def test_state_vectors_round_trip_and_coverage() -> None:
    doc = _doc("xyz", 7)
    vector = sync.decode_state_vector(doc.get_state())
    assert vector == {7: 3}
    assert sync.state_vector_bytes(vector) == doc.get_state()
    published = sync.encode_state_vector({7: 3, 9: 1})
    assert sync.parse_state_vector(published) == {7: 3, 9: 1}
    assert sync.covers(published, 7, 2) and not sync.covers(published, 7, 3)
    assert sync.covered({7: 3, 9: 4}, published)
    assert not sync.covered({7: 3}, published)
    assert sync.covered({}, "")


def test_awareness_messages_carry_the_states_of_the_named_clients() -> None:
    awareness = Awareness(Doc(client_id=5))
    awareness.set_local_state({"role": "implementer", "activity": "writing"})
    message = sync.awareness_message(awareness, [5])
    decoded = sync.decode(message)
    assert decoded.kind == sync.AWARENESS
    assert sync.awareness_clients(decoded.payload) == [5]
    other = Awareness(Doc(client_id=6))
    other.apply_awareness_update(decoded.payload, "remote")
    assert other.states[5] == {"role": "implementer", "activity": "writing"}


@pytest.mark.parametrize("garbage", [b"", b"codecrdt:fenced", b"\x00\x07\x00", b"\x05\x01"])
def test_anything_else_is_not_a_message(garbage: bytes) -> None:
    with pytest.raises(ValueError):
        sync.decode(garbage)


class _Recorder:
    """The smallest transport: keeps what is sent (a websocket would write it)."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed = False

    def send(self, message: bytes) -> None:
        if not self.closed:
            self.sent.append(message)

    def close(self) -> None:
        self.closed = True


def test_the_in_process_network_and_any_send_close_object_are_channels() -> None:
    simulated = SimulatedChannel(NetworkModel(), lambda _m: None, random.Random(0))
    assert isinstance(simulated, Channel)
    assert isinstance(_Recorder(), Channel)
    assert not isinstance(object(), Channel)


def test_a_replica_speaks_the_sync_protocol_over_any_channel() -> None:
    async def main() -> None:
        hub = SharedDocument("start\n")
        replica = Replica("a", "implementer", hub.fork(client_id=11), resync_s=0.05)
        channel = _Recorder()
        replica.attach(channel)
        replica.document.insert(0, "x", replica.origin)
        await asyncio.sleep(0.12)  # the push, then a resync tick
        kinds = [sync.decode(m).kind for m in channel.sent]
        assert sync.UPDATE in kinds and sync.STEP1 in kinds
        for message in channel.sent:
            decoded = sync.decode(message)
            if decoded.kind == sync.UPDATE:
                hub.apply_update(decoded.payload)
        assert hub.text == "xstart\n"
        replica.close()
        assert channel.closed

    run_virtual(main())

"""The Yjs sync and awareness messages replicas and the hub exchange, built with pycrdt.

Wire format of y-protocols (pycrdt's ``create_sync_message``, ``create_update_message``,
``create_awareness_message``): ``[0 = sync][step][varuint length][payload]`` with step
``0`` (state vector: "what I have"), ``1`` (the update answering a state vector) and ``2``
(an update pushed unasked), and ``[1 = awareness][varuint length][awareness update]``.
The same bytes can travel over a websocket to a Yjs peer.

Every update this project sends is a complete diff from the receiver's last reported state
vector, never the bare update of one transaction (see :meth:`Replica._push`): the helpers
here take the document and that state vector, not a transaction's update.
"""

from __future__ import annotations

from dataclasses import dataclass

from pycrdt import (
    Awareness,
    Decoder,
    Doc,
    Encoder,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

__all__ = [
    "AWARENESS",
    "STEP1",
    "STEP2",
    "UPDATE",
    "Message",
    "answer",
    "awareness_clients",
    "awareness_message",
    "covered",
    "covers",
    "decode",
    "decode_state_vector",
    "diff_message",
    "encode_state_vector",
    "merge_state_vectors",
    "parse_state_vector",
    "state_message",
    "state_vector_bytes",
]

STEP1 = YSyncMessageType.SYNC_STEP1
STEP2 = YSyncMessageType.SYNC_STEP2
UPDATE = YSyncMessageType.SYNC_UPDATE
#: The kind of an awareness message in :class:`Message` (not a sync step).
AWARENESS = -1
EMPTY_UPDATE = b"\x00\x00"


@dataclass(frozen=True, slots=True)
class Message:
    """A decoded message: a sync step (:data:`STEP1`, …) or :data:`AWARENESS`."""

    kind: int
    payload: bytes


def state_message(doc: Doc) -> bytes:
    """Sync step 1: this document's state vector."""
    return create_sync_message(doc)


def answer(step1: bytes, doc: Doc) -> bytes | None:
    """The step-2 answer to a step-1 message: what ``doc`` has that its sender lacks.

    ``None`` when the sender lacks nothing.
    """
    reply = handle_sync_message(step1[1:], doc)
    if reply is None or Decoder(reply[2:]).read_message() == EMPTY_UPDATE:
        return None
    return reply


def diff_message(doc: Doc, since: bytes) -> bytes | None:
    """An update message holding everything ``doc`` has that state vector ``since`` lacks.

    ``None`` when there is nothing to send.
    """
    update = doc.get_update(since)
    return None if update == EMPTY_UPDATE else create_update_message(update)


def awareness_message(awareness: Awareness, clients: list[int]) -> bytes:
    """An awareness message carrying the states of ``clients``."""
    return create_awareness_message(awareness.encode_awareness_update(clients))


def decode(message: bytes) -> Message:
    """Parse one sync or awareness message; ``ValueError`` when it is neither."""
    try:
        decoder = Decoder(message)
        kind = decoder.read_var_uint()
        if kind == YMessageType.SYNC:
            step = decoder.read_var_uint()
            if step > UPDATE:
                raise ValueError(f"unknown sync step {step}")
            payload = decoder.read_message()
            if payload is None:
                raise ValueError("no payload")
            return Message(YSyncMessageType(step), payload)
        if kind == YMessageType.AWARENESS:
            payload = decoder.read_message()
            if payload is None:
                raise ValueError("no payload")
            return Message(AWARENESS, payload)
    except (IndexError, RuntimeError) as error:
        raise ValueError("not a Yjs message") from error
    raise ValueError("not a Yjs sync or awareness message")


def awareness_clients(update: bytes) -> list[int]:
    """The client ids an awareness update carries states for."""
    decoder = Decoder(update)
    clients = []
    for _ in range(decoder.read_var_uint()):
        clients.append(decoder.read_var_uint())
        decoder.read_var_uint()  # clock
        decoder.read_var_string()  # state
    return clients


# -- state vectors --------------------------------------------------------------------


def decode_state_vector(state: bytes) -> dict[int, int]:
    """A state vector as ``{client id: number of items seen}``."""
    decoder = Decoder(state)
    vector: dict[int, int] = {}
    for _ in range(decoder.read_var_uint()):
        client = decoder.read_var_uint()
        vector[client] = decoder.read_var_uint()
    return vector


def state_vector_bytes(vector: dict[int, int]) -> bytes:
    """The binary form of a state vector (what ``Doc.get_state`` returns)."""
    encoder = Encoder()
    encoder.write_var_uint(len(vector))
    for client, clock in vector.items():
        encoder.write_var_uint(client)
        encoder.write_var_uint(clock)
    return encoder.to_bytes()


def merge_state_vectors(a: dict[int, int], b: dict[int, int]) -> dict[int, int]:
    return {c: max(a.get(c, 0), b.get(c, 0)) for c in a.keys() | b.keys()}


def encode_state_vector(vector: dict[int, int]) -> str:
    """A compact text form (``client:clock,…``) to publish a state vector as JSON."""
    return ",".join(f"{client}:{clock}" for client, clock in sorted(vector.items()))


def parse_state_vector(published: str | None) -> dict[int, int]:
    """The inverse of :func:`encode_state_vector` (empty for ``None`` or ``""``)."""
    vector: dict[int, int] = {}
    if published:
        for pair in published.split(","):
            client, _, clock = pair.partition(":")
            vector[int(client)] = int(clock)
    return vector


def covers(published: str | None, client: int, clock: int) -> bool:
    """Whether a published state vector includes item ``(client, clock)``."""
    if not published:
        return False
    for pair in published.split(","):
        c, _, k = pair.partition(":")
        if int(c) == client:
            return int(k) > clock
    return False


def covered(have: dict[int, int], published: str | None) -> bool:
    """Whether state vector ``have`` includes every item of a published one."""
    return all(have.get(c, 0) >= k for c, k in parse_state_vector(published).items())

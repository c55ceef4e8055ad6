"""The Yjs sync protocol's messages, as replicas and the hub exchange them.

Wire format of y-protocols: ``[0 = sync][step][varuint length][payload]`` with step
``0`` (state vector: "what I have"), ``1`` (the update answering a state vector) and ``2``
(an update pushed unasked). The same bytes can travel over a websocket to a Yjs peer.
"""

from __future__ import annotations

from dataclasses import dataclass

from pycrdt import YMessageType, YSyncMessageType, read_message, write_var_uint

__all__ = [
    "SyncMessage",
    "covers",
    "decode",
    "decode_state_vector",
    "encode",
    "encode_state_vector",
    "merge_state_vectors",
    "state_vector_bytes",
]

STEP1 = YSyncMessageType.SYNC_STEP1
STEP2 = YSyncMessageType.SYNC_STEP2
UPDATE = YSyncMessageType.SYNC_UPDATE
EMPTY_UPDATE = b"\x00\x00"


@dataclass(frozen=True, slots=True)
class SyncMessage:
    step: YSyncMessageType
    payload: bytes


def encode(step: YSyncMessageType, payload: bytes) -> bytes:
    return bytes((YMessageType.SYNC, step)) + write_var_uint(len(payload)) + payload


def decode(message: bytes) -> SyncMessage:
    """Parse one sync message; ``ValueError`` when it is not one."""
    if len(message) < 3 or message[0] != YMessageType.SYNC or message[1] > UPDATE:
        raise ValueError("not a Yjs sync message")
    return SyncMessage(YSyncMessageType(message[1]), read_message(message[2:]))


def _read_var_uint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7


def decode_state_vector(state: bytes) -> dict[int, int]:
    """A state vector as ``{client id: number of items seen}``."""
    count, position = _read_var_uint(state, 0)
    vector: dict[int, int] = {}
    for _ in range(count):
        client, position = _read_var_uint(state, position)
        clock, position = _read_var_uint(state, position)
        vector[client] = clock
    return vector


def state_vector_bytes(vector: dict[int, int]) -> bytes:
    """The binary form of a state vector (what ``Doc.get_state`` returns)."""
    out = bytearray(write_var_uint(len(vector)))
    for client, clock in vector.items():
        out += write_var_uint(client)
        out += write_var_uint(clock)
    return bytes(out)


def merge_state_vectors(a: dict[int, int], b: dict[int, int]) -> dict[int, int]:
    return {c: max(a.get(c, 0), b.get(c, 0)) for c in a.keys() | b.keys()}


def encode_state_vector(vector: dict[int, int]) -> str:
    """A compact text form (``client:clock,…``) to publish a state vector in a ``Map``."""
    return ",".join(f"{client}:{clock}" for client, clock in sorted(vector.items()))


def covers(published: str | None, client: int, clock: int) -> bool:
    """Whether a published state vector includes item ``(client, clock)``."""
    if not published:
        return False
    for pair in published.split(","):
        c, _, k = pair.partition(":")
        if int(c) == client:
            return int(k) > clock
    return False

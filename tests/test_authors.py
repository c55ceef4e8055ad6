"""Authorship survives concurrent writers: every character is credited to whoever typed it.

Two agents (each on its own replica, named in the authors map as a hub names them) and the
user (the document's own client) write into the same places at once; their updates are
merged in a random order, with deletions among them. Each writer types only its own
letter, so the oracle is the text itself: every ``a`` must be credited to agent A, every
``b`` to agent B, every ``u`` to the user, whatever the interleaving.
"""

from __future__ import annotations

import random

import pytest

from codecrdt.agents import authors, sync
from codecrdt.document import Origin, SharedDocument

SEEDS = [1, 2, 3, 4, 5, 6, 7, 8]
#: Each writer's second character, of 2, 3 and 4 UTF-8 bytes.
WIDE = {"a": "é", "b": "—", "u": "😀"}


@pytest.mark.parametrize("seed", SEEDS)
def test_concurrent_writers_keep_their_authorship(seed: int) -> None:
    print(f"seed={seed}")
    rng = random.Random(seed)
    main = SharedDocument("uuuu\nuuuu\n")
    replicas = {"a": main.fork(client_id=1000 + seed), "b": main.fork(client_id=2000 + seed)}
    for letter, replica in replicas.items():
        authors.register(main, replica.client_id, f"impl-{letter}", "implementer", "run-9")
    writers = {"u": main, **replicas}
    for _round in range(30):
        for letter, document in writers.items():
            for _edit in range(rng.randint(0, 3)):
                size = len(document)
                at = rng.randint(0, size)
                if size and rng.random() < 0.25:
                    end = min(size, at + rng.randint(1, 3))
                    document.replace(min(at, size - 1), end, "", Origin.EDITOR)
                else:
                    # Multi-byte characters too: the shared text counts UTF-8 bytes.
                    text = (letter + WIDE[letter]) * rng.randint(1, 3)
                    text += "\n" if rng.random() < 0.2 else ""
                    document.insert(at, text, Origin.agent(letter))
        # Exchange updates in a random order (sometimes only one way, for a while).
        pairs = [(x, y) for x in writers for y in writers if x != y]
        rng.shuffle(pairs)
        for source, target in pairs[: rng.randint(1, len(pairs))]:
            writers[target].apply_update(writers[source].update_since(), Origin.REMOTE)
    for source in writers.values():
        for target in writers.values():
            target.apply_update(source.update_since(), Origin.REMOTE)
    text = main.text
    assert {w.text for w in writers.values()} == {text}
    expected = {"a": "impl-a", "b": "impl-b", "u": ""}
    expected.update({WIDE[k]: v for k, v in list(expected.items())})
    owner = {"a": "a", "b": "b", "u": "u", **{WIDE[k]: k for k in WIDE}}
    seen = set()
    for span in authors.spans(main):
        for char in text[span.start : span.end]:
            if char == "\n":
                continue
            seen.add(char)
            assert span.author.agent == expected[char], (seed, span, char)
            assert span.author.kind == ("user" if owner[char] == "u" else "agent")
            if owner[char] != "u":
                assert span.author.run == "run-9" and span.author.role == "implementer"
    assert seen == {"a", "b", "u", *WIDE.values()}


def test_a_todo_is_credited_from_its_claim() -> None:
    """The audit trail's claims split an implementer's text between its TODOs."""
    main = SharedDocument("x\n")
    replica = main.fork(client_id=77)
    authors.register(main, 77, "impl-1", "implementer", "run-1")

    def claim(todo: str) -> None:
        first = sync.decode_state_vector(replica.state()).get(77, 0)
        replica.record("claim", "impl-1", todo=todo, client=77, first_clock=first)

    claim("first")
    replica.insert(0, "one\n", Origin.agent("impl-1"))
    claim("second")
    replica.insert(len(replica), "two\n", Origin.agent("impl-1"))
    main.apply_update(replica.update_since(), Origin.REMOTE)
    by_text = {
        main.text[s.start : s.end]: (s.author.agent, s.author.todo) for s in authors.spans(main)
    }
    assert by_text == {"one\n": ("impl-1", "first"), "x\n": ("", ""), "two\n": ("impl-1", "second")}
    assert authors.summary(main, "run-1") == [
        {"start_line": 0, "end_line": 0, "agents": ["impl-1"], "todos": ["first"]},
        {"start_line": 2, "end_line": 2, "agents": ["impl-1"], "todos": ["second"]},
    ]

"""The TODO board: each transition of a record, presence in Awareness, the one region rule.

The seeded simulations of whole runs are in ``test_claims.py``; here each unit of the
board is driven by hand, on documents whose updates and presence messages are delivered
(or held back) explicitly.
"""

from __future__ import annotations

import asyncio
import random

from pycrdt import TransactionEvent

from codecrdt.agents import sync
from codecrdt.agents.board import Board, Claim, Member, Outcome, rank
from codecrdt.agents.hub import Hub, HubOptions
from codecrdt.agents.network import NetworkModel
from codecrdt.agents.virtual_time import run_virtual
from codecrdt.document import Origin, SharedDocument
from codecrdt.markers import Marker

TEXT = "def f():\n    # TODO(codecrdt:t): the body\n    return 1\n"
MARKER_START = TEXT.index("    # TODO")
MARKER_END = TEXT.index("\n", MARKER_START) + 1


def _marker(name: str = "t", line: int = 1) -> Marker:
    return Marker(name, "the body", "    ", MARKER_START, MARKER_END, line)


def _sync(source: SharedDocument, target: SharedDocument) -> None:
    """Deliver everything ``source`` has that ``target`` lacks (a complete diff)."""
    target.apply_update(source.update_since(target.state()))


def _tell(source: SharedDocument, target: SharedDocument) -> None:
    """Deliver ``source``'s own presence to ``target`` (an awareness message)."""
    awareness = source.awareness
    message = sync.awareness_message(awareness, [awareness.client_id])
    target.awareness.apply_awareness_update(sync.decode(message).payload, "test")


# -- records: each transition ----------------------------------------------------------


def test_the_hub_creates_a_record_once_per_marker() -> None:
    document = SharedDocument(TEXT)
    hub = Board(document)
    assert hub.create(_marker(), 1)
    assert not hub.create(_marker(), 2)  # seen again: kept as it is
    (record,) = hub.records.values()
    assert (record.name, record.description, record.status) == ("t", "the body", "pending")
    assert (record.epoch, record.owner, record.attempts, record.order) == (0, "", 0, 1)
    assert record.claims == ()
    assert hub.progress() == (0, 1)
    assert hub.done_names() == set()


def test_a_claim_is_the_crdt_id_of_its_own_write_and_a_loser_withdraws_it() -> None:
    document = SharedDocument(TEXT, client_id=42)
    Board(document).create(_marker(), 1)
    agent = Board(document, "a", Origin.agent("a"))
    clock = sync.decode_state_vector(document.state())[42]
    claim = agent.claim(agent.records["t"])
    assert claim == Claim("t", 0, "a", 42, clock)
    assert document.todos["t"]["claims"].to_py() == {"a@0": f"42:{clock}"}
    assert agent.records["t"].claims == (claim,)
    agent.withdraw(claim)
    assert agent.records["t"].claims == ()
    agent.withdraw(claim)  # gone already: nothing happens


def test_the_owner_takes_the_todo_and_finishing_removes_the_marker_in_the_same_transaction() -> (
    None
):
    document = SharedDocument(TEXT)
    Board(document).create(_marker(), 1)
    agent = Board(document, "a", Origin.agent("a"))
    claim = agent.claim(agent.records["t"])
    agent.take(claim)
    record = agent.records["t"]
    assert (record.status, record.owner) == ("claimed", "a")
    transactions: list[TransactionEvent] = []
    subscription = document.doc.observe(transactions.append)
    agent.mark_done("t", 17, (MARKER_START, MARKER_END))
    document.doc.unobserve(subscription)
    assert len(transactions) == 1
    assert document.text == "def f():\n    return 1\n"
    record = agent.records["t"]
    assert (record.status, record.chars) == ("done", 17)
    assert document.todos["t"]["done_by"] == "a"
    assert agent.done_names() == {"t"}
    assert agent.progress() == (1, 1)


def test_a_released_todo_is_pending_in_a_new_epoch_until_its_last_attempt_fails() -> None:
    document = SharedDocument(TEXT)
    Board(document).create(_marker(), 1)
    agent = Board(document, "a", Origin.agent("a"))
    for attempt in (1, 2):
        claim = agent.claim(agent.records["t"])
        agent.take(claim)
        assert not agent.release(claim, "stream failed", final=False, max_attempts=3)
        record = agent.records["t"]
        assert (record.status, record.owner) == ("pending", "")
        assert (record.epoch, record.attempts) == (attempt, attempt)
    claim = agent.claim(agent.records["t"])
    agent.take(claim)
    assert agent.release(claim, "bad key", final=False, max_attempts=3)
    record = agent.records["t"]
    assert (record.status, record.attempts, record.epoch) == ("failed", 3, 3)
    assert document.todos["t"]["error"] == "bad key"


def test_a_missing_marker_fails_the_todo_at_once() -> None:
    document = SharedDocument(TEXT)
    Board(document).create(_marker(), 1)
    agent = Board(document, "a", Origin.agent("a"))
    claim = agent.claim(agent.records["t"])
    assert agent.release(claim, "its marker is gone", final=True, max_attempts=3)
    assert agent.records["t"].status == "failed"


def test_fencing_reopens_the_owners_todo_and_the_roster_says_fenced() -> None:
    document = SharedDocument(TEXT)
    hub = Board(document)
    hub.open_roster()
    hub.admit("a", "implementer", 7)
    assert hub.roster() == {"a": Member("implementer", "live", 7)}
    hub.create(_marker(), 1)
    agent = Board(document, "a", Origin.agent("a"))
    agent.take(agent.claim(agent.records["t"]))
    hub.reopen([hub.records["t"]])
    hub.set_member_state("a", "fenced")
    record = hub.records["t"]
    assert (record.status, record.owner, record.epoch, record.attempts) == ("pending", "", 1, 1)
    assert hub.roster()["a"] == Member("implementer", "fenced", 7)
    # The roster change carries the hub's state vector: it covers the reopening.
    ack = document.awareness.get_local_state()["ack"]
    assert sync.covered(sync.decode_state_vector(document.state()), ack)
    assert sync.parse_state_vector(ack) == sync.decode_state_vector(document.state())
    # A fenced agent stays fenced: leaving does not make it "finished".
    hub.set_member_state("a", "finished", only_if_live=True)
    assert hub.roster()["a"].state == "fenced"


def test_the_records_read_afresh_or_cached_until_the_todos_change() -> None:
    document = SharedDocument(TEXT)
    watched = Board(document, watch=True)
    first = watched.records
    assert watched.records is first
    Board(document).create(_marker(), 1)
    assert watched.records is not first and set(watched.records) == {"t"}
    watched.close()


# -- deciding a claim ---------------------------------------------------------------------


def _two_claimers() -> tuple[SharedDocument, SharedDocument, SharedDocument, str, str]:
    """A hub document and the replicas of two implementers admitted before a TODO.

    Returns the documents and the two agents' names, the first ranking first for ``t``.
    """
    first, second = sorted(("a", "b"), key=lambda agent: rank("t", 0, agent))
    hub_doc = SharedDocument(TEXT, client_id=1)
    hub = Board(hub_doc)
    hub.open_roster()
    hub.admit(first, "implementer", 101)
    hub.admit(second, "implementer", 102)
    hub.create(_marker(), 1)
    return hub_doc, hub_doc.fork(client_id=101), hub_doc.fork(client_id=102), first, second


def test_a_claim_is_decided_when_every_voter_acknowledged_it_and_the_smallest_rank_wins() -> None:
    hub_doc, first_doc, second_doc, first, second = _two_claimers()
    hub = Board(hub_doc)
    boards = {first: Board(first_doc, first, "a1"), second: Board(second_doc, second, "a2")}
    docs = {first: first_doc, second: second_doc}
    claims = {name: board.claim(board.records["t"]) for name, board in boards.items()}
    for name, board in boards.items():
        assert board.outcome(claims[name]) is Outcome.WAITING  # no acknowledgement yet
    for document in docs.values():
        _sync(document, hub_doc)
    hub.acknowledge()
    for document in docs.values():
        _sync(hub_doc, document)
    for board in boards.values():
        board.acknowledge()
    for name, document in docs.items():
        _tell(hub_doc, document)
        for other, source in docs.items():
            if other != name:
                _tell(source, document)
    assert boards[first].outcome(claims[first]) is Outcome.WON
    assert boards[second].outcome(claims[second]) is Outcome.LOST


def test_an_acknowledgement_that_overtakes_the_claim_it_covers_does_not_decide() -> None:
    """Presence can arrive before document updates: a voter's acknowledgement counts only
    once the deciding replica holds everything it covers (docs/claims.md, safety)."""
    hub_doc, first_doc, second_doc, first, second = _two_claimers()
    hub = Board(hub_doc)
    loser = Board(second_doc, second, "a2")  # ranks second: must not win
    winner = Board(first_doc, first, "a1")
    loser_claim = loser.claim(loser.records["t"])
    winner.claim(winner.records["t"])
    # The hub sees only the loser's claim and acknowledges it; the winner sees both.
    _sync(second_doc, hub_doc)
    hub.acknowledge()
    _sync(second_doc, first_doc)
    winner.acknowledge()
    # The loser hears both acknowledgements (they cover its claim) but not the winner's
    # claim, which the winner wrote before acknowledging.
    _tell(hub_doc, second_doc)
    _tell(first_doc, second_doc)
    acks = [hub_doc.awareness.get_local_state()["ack"], first_doc.awareness.states[101]["ack"]]
    assert all(sync.covers(ack, loser_claim.client, loser_claim.clock) for ack in acks)
    assert loser.outcome(loser_claim) is Outcome.WAITING
    _sync(first_doc, second_doc)  # the winner's claim arrives
    assert loser.outcome(loser_claim) is Outcome.LOST


def test_a_claim_is_stale_once_its_claimer_is_fenced_or_the_todo_moved_on() -> None:
    hub_doc, first_doc, second_doc, first, second = _two_claimers()
    hub = Board(hub_doc)
    fenced, other = Board(first_doc, first, "a1"), Board(second_doc, second, "a2")
    fenced_claim = fenced.claim(fenced.records["t"])
    other_claim = other.claim(other.records["t"])
    for document in (first_doc, second_doc):
        _sync(document, hub_doc)
    hub.acknowledge()
    # The first ranks first and wins; then the hub fences it and reopens its TODO.
    fenced.take(fenced_claim)
    _sync(first_doc, hub_doc)
    hub.reopen([hub.records["t"]])
    hub.set_member_state(first, "fenced")
    _tell(hub_doc, first_doc)
    assert fenced.outcome(fenced_claim) is Outcome.STALE
    # The other hears of the fencing before the reopening reaches it: were the fenced
    # claim simply left out, its own epoch-0 claim would win a TODO now in epoch 1.
    _tell(hub_doc, second_doc)
    assert other.roster()[first].state == "fenced"
    assert other.outcome(other_claim) is Outcome.WAITING
    _sync(hub_doc, second_doc)
    assert other.outcome(other_claim) is Outcome.STALE
    assert other.records["t"].epoch == 1 and other.live_claims(other.records["t"]) == []


def test_a_claim_by_an_agent_missing_from_the_roster_still_holds_the_todo() -> None:
    """Presence can lag the document: a replica may see the claim of an agent admitted
    after its last roster. That claim counts as live, or the replica would claim the TODO
    after seeing it and its acknowledgement would no longer cover its own claim (the
    simulation's seed 1428 wrote a TODO twice that way)."""
    hub_doc = SharedDocument(TEXT, client_id=1)
    hub = Board(hub_doc)
    hub.open_roster()
    hub.admit("a", "implementer", 101)
    hub.create(_marker(), 1)
    a_doc = hub_doc.fork(client_id=101)
    agent = Board(a_doc, "a", "a1")
    _tell(hub_doc, a_doc)
    hub.admit("late", "implementer", 102)  # this roster does not reach a (yet)
    late_doc = hub_doc.fork(client_id=102)
    late = Board(late_doc, "late", "l")
    late_claim = late.claim(late.records["t"])
    _sync(late_doc, a_doc)
    assert "late" not in agent.roster()
    assert agent.live_claims(agent.records["t"]) == [late_claim]
    # Fenced, it no longer holds the TODO.
    hub.set_member_state("late", "fenced")
    _tell(hub_doc, a_doc)
    assert agent.live_claims(agent.records["t"]) == []


def test_a_new_hub_on_the_same_document_keeps_the_earlier_roster() -> None:
    document = SharedDocument(TEXT)
    first = Board(document)
    first.open_roster()
    first.admit("a", "implementer", 7)
    first.set_member_state("a", "fenced")
    second = Board(document)
    second.open_roster()
    assert second.roster() == {"a": Member("implementer", "fenced", 7)}
    second.admit("a", "implementer", 8)  # the same name in a new run: a new member
    assert second.roster() == {"a": Member("implementer", "live", 8)}


def test_the_outline_is_complete_once_the_outliners_done_and_all_it_wrote_are_here() -> None:
    hub_doc = SharedDocument("", client_id=1)
    hub = Board(hub_doc)
    hub.open_roster()
    hub.admit("outliner", "outliner", 201)
    outliner_doc, reader_doc = hub_doc.fork(client_id=201), hub_doc.fork(client_id=202)
    outliner, reader = Board(outliner_doc, "outliner", "o"), Board(reader_doc, "r", "r")
    outliner_doc.insert(0, TEXT, "o")
    outliner.publish(activity="done", todo="")
    _tell(hub_doc, reader_doc)
    _tell(outliner_doc, reader_doc)
    assert reader.state_of("outliner")["activity"] == "done"
    assert not reader.outline_complete()  # its lines are not here yet
    _sync(outliner_doc, reader_doc)
    assert reader.outline_complete()


# -- the one region rule ------------------------------------------------------------------


def test_an_agents_region_ends_at_its_marker_line_and_spans_the_lines_it_wrote() -> None:
    text = "a = 1\nb = 2\n    # TODO(codecrdt:t): x\nc = 3\n"
    hub_doc = SharedDocument(text, client_id=1)
    hub = Board(hub_doc)
    hub.open_roster()
    for agent, client in (("w", 11), ("b", 12), ("idle", 13), ("far", 14), ("gone", 15)):
        hub.admit(agent, "implementer", client)
    states = {
        11: {"activity": "writing", "todo": "t", "lines": 2},
        12: {"activity": "backing-off", "todo": "t", "lines": 9},
        13: {"activity": "waiting", "todo": ""},
        14: {"activity": "writing", "todo": "elsewhere", "lines": 1},
    }
    for client, state in states.items():
        replica = hub_doc.fork(client_id=client)
        replica.awareness.set_local_state(state)
        _tell(replica, hub_doc)
    regions = hub.regions()
    assert regions == {"w": (0, 2), "b": (0, 2), "far": None}
    # In a text that lags (the editor's): the same rule, on that text.
    assert hub.regions("    # TODO(codecrdt:t): x\n") == {"w": (0, 0), "b": (0, 0), "far": None}


# -- presence travels through the hub -----------------------------------------------------


def test_presence_reaches_every_replica_and_the_hub_through_a_lossy_network() -> None:
    async def main() -> None:
        model = NetworkModel(max_delay_s=0.1, drop=0.5, duplicate=0.2)
        hub = Hub(
            SharedDocument(""), HubOptions(resync_s=0.05, network=model), rng=random.Random(3)
        )
        a = hub.connect("a", "implementer")
        b = hub.connect("b", "implementer")
        board_a, board_b = Board(a.document, "a", a.origin), Board(b.document, "b", b.origin)
        board_a.publish(role="implementer", activity="writing", todo="t", lines=2)
        for _ in range(100):
            if board_b.state_of("a").get("activity") == "writing":
                break
            await asyncio.sleep(0.05)
        assert board_b.state_of("a") == {
            "role": "implementer",
            "activity": "writing",
            "todo": "t",
            "lines": 2,
        }
        assert hub.board.state_of("a")["activity"] == "writing"
        assert set(board_b.roster()) == {"a", "b"}
        assert board_a.roster()["b"] == Member("implementer", "live", hub.links["b"].client)
        dropped = sum(link.to_replica.dropped for link in hub.links.values())
        assert dropped > 0, "the network lost messages, and presence still arrived"
        hub.close()

    run_virtual(main())


def test_a_replica_may_set_only_its_own_presence() -> None:
    async def main() -> None:
        hub = Hub(SharedDocument(""), HubOptions(resync_s=0.05))
        hub.connect("a", "implementer")
        b = hub.connect("b", "implementer")
        forged = SharedDocument("", client_id=hub.links["b"].client)
        forged.awareness.set_local_state({"activity": "forged"})
        message = sync.awareness_message(forged.awareness, [forged.client_id])
        hub._receive(hub.links["a"], message)  # a speaks for b
        await asyncio.sleep(0.2)
        assert hub.board.state_of("b").get("activity") != "forged"
        assert Board(b.document).state_of("b").get("activity") != "forged"
        hub.close()

    run_virtual(main())

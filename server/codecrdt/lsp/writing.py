"""Quiet while writing: findings inside a region an agent is still writing are held back.

While an agent is in the middle of a statement the file has a syntax error by nature; a
red squiggle (and an error in the Problems count) for it on every run says nothing. So,
while a run writes a document, the findings in the regions its agents are writing
(:meth:`codecrdt.agents.board.Board.regions`: from an implementer's first line to its
TODO's marker line; the Outliner's lines so far, at the end) are left out of the
diagnostics, pushed and pulled alike; findings elsewhere are shown as always. A syntax
error is held when its range touches a region (the error node of an unfinished statement
may begin at the enclosing definition above it); any other finding when it starts in one.
When the region is done (its TODO marked done, its marker gone) or the agent stops, the
document is analysed again and what is still there is shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from codecrdt.agents.board import WRITING, Board
from codecrdt.analysis.detect import Finding
from codecrdt.document import SharedDocument

__all__ = ["APPENDERS", "regions_being_written", "shown"]

#: A region as (first line, last line), both included, 0-based.
Region = tuple[int, int]


#: Agents that append at the end of the document (the outline, the sequential file).
APPENDERS = ("outliner", "sequential")


def regions_being_written(document: SharedDocument, text: str) -> list[Region]:
    """The line ranges of ``text`` (the text analysed) that live agents are writing now
    (a fenced or finished agent writes no more: its region is not held).

    An implementer's comes from :meth:`Board.regions`; the Outliner's (or the sequential
    writer's) is the lines it has written so far, at the end of the document, or, for an
    Outliner extending a file, the block it is writing (``region`` in its presence).
    """
    board = Board(document)
    roster = board.roster()
    live = {agent for agent, member in roster.items() if member.state == "live"}
    regions = [
        region
        for agent, region in board.regions(text).items()
        if region is not None and agent in live
    ]
    last = text.count("\n")
    for agent in live:
        state = board.state_of(agent)
        if roster[agent].role in APPENDERS and state.get("activity") in WRITING:
            region = state.get("region")
            if _is_region(region):
                # An extending Outliner writes blocks inside the file: the current one.
                regions.append((min(int(region[0]), last), min(int(region[1]), last)))
            else:
                regions.append((max(0, last - int(state.get("lines") or 0)), last))
    return regions


def _is_region(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and value[0] <= value[1]
    )


def shown(findings: Iterable[Finding], regions: list[Region]) -> list[Finding]:
    """``findings`` less those held back because an agent is still writing there."""
    if not regions:
        return list(findings)
    return [f for f in findings if not _held(f, regions)]


def _held(finding: Finding, regions: list[Region]) -> bool:
    start, end = finding.start_point[0], finding.end_point[0]
    if finding.code == "syntax-error":
        return any(start <= last and end >= first for first, last in regions)
    return any(first <= start <= last for first, last in regions)

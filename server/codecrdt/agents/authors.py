"""Who wrote what: each character's author, read from the CRDT itself.

Every character of the shared text is a pycrdt item whose id names the CRDT client that
inserted it, and every agent writes on its own replica, with its own client id. So the
authorship of a character is part of the document and survives whatever happens
concurrently (interleaved inserts, deletions around it, merges in any order): nothing
beside the text has to be kept in step with it. Two small records name the clients:

- the ``authors`` map, client id → ``{"agent", "role", "run"}``, written by the hub as it
  admits each agent (:func:`register`);
- the audit trail's ``claim`` entries, in which an implementer notes its client and its
  own clock when it starts a TODO (``client``, ``first_clock``): the text it inserts
  after that, up to its next claim, is that TODO's.

A client the map does not name (the document's own: the file as loaded, the editor's
edits, edits saved to disk meanwhile) is the user. Offsets are code points (the shared
text's own unit, UTF-8 bytes, is converted here).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from pycrdt import Assoc, Map

from codecrdt.document import SharedDocument

__all__ = ["USER", "Author", "Span", "author_at", "has_agents", "register", "spans", "summary"]

ROOT = "authors"


@dataclass(frozen=True, slots=True)
class Author:
    """An agent of a run (its id, role, run and TODO), or the user (``kind`` "user")."""

    kind: Literal["agent", "user"]
    agent: str = ""
    role: str = ""
    run: str = ""
    todo: str = ""

    def describe(self) -> str:
        if self.kind == "user":
            return "you (not a CodeCRDT agent)"
        where = [self.run] if self.run else []
        if self.todo:
            where.append(f"TODO {self.todo}")
        return f"{self.agent} ({', '.join([self.role, *where])})"

    def to_json(self) -> dict[str, str]:
        fields = {"kind": self.kind, "agent": self.agent, "role": self.role}
        fields.update({"run": self.run, "todo": self.todo})
        return fields


USER = Author("user")


@dataclass(frozen=True, slots=True)
class Span:
    """Code points ``start``..``end`` of the text, all written by ``author``."""

    start: int
    end: int
    author: Author


def register(document: SharedDocument, client: int, agent: str, role: str, run: str) -> None:
    """Name the CRDT ``client`` as ``agent`` (``role``) of ``run`` in the authors map."""
    table = document.doc.get(ROOT, type=Map)
    with document.doc.transaction(origin="hub"):
        table[str(client)] = json.dumps({"agent": agent, "role": role, "run": run})


def has_agents(document: SharedDocument) -> bool:
    """Whether any run's agent has joined this document (the authors map names one)."""
    return len(document.doc.get(ROOT, type=Map)) > 0


class _Directory:
    """The authors map and the claims of the audit trail, read once."""

    def __init__(self, document: SharedDocument) -> None:
        self.members: dict[int, dict[str, str]] = {}
        for key, value in json.loads(str(document.doc.get(ROOT, type=Map))).items():
            try:
                self.members[int(key)] = json.loads(value) if isinstance(value, str) else {}
            except (ValueError, TypeError):
                continue
        self.claims: dict[int, tuple[list[int], list[str]]] = {}
        entries: list[Any] = json.loads(str(document.audit))
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("kind") != "claim":
                continue
            client, clock = entry.get("client"), entry.get("first_clock")
            if not isinstance(client, int) or not isinstance(clock, int):
                continue
            clocks, todos = self.claims.setdefault(client, ([], []))
            at = bisect.bisect(clocks, clock)
            clocks.insert(at, clock)
            todos.insert(at, str(entry.get("todo", "")))
        self._cache: dict[tuple[int, int], Author] = {}

    def author(self, client: int, clock: int) -> Author:
        member = self.members.get(client)
        if member is None:
            return USER
        todo = ""
        claims = self.claims.get(client)
        if claims is not None:
            at = bisect.bisect(claims[0], clock) - 1
            if at >= 0:
                todo = claims[1][at]
                clock = claims[0][at]  # one cache entry per TODO
        key = (client, clock)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = Author(
                "agent",
                member.get("agent", ""),
                member.get("role", ""),
                member.get("run", ""),
                todo,
            )
        return found


#: A sticky index's JSON: the id of the item it sticks to.
_ITEM = re.compile(r'"item":\{"client":(\d+),"clock":(\d+)\}')


def spans(document: SharedDocument, start: int = 0, end: int | None = None) -> list[Span]:
    """The text's code points ``start``..``end`` (None: to the end) as runs of one author.

    Each character's CRDT id is its sticky index's item, read at its UTF-8 offset (the
    shared text's own unit) within one transaction: pycrdt's integrated text is called
    directly, since its Python wrapper opens a transaction per call (ten times slower).
    """
    end = len(document) if end is None else min(end, len(document))
    start = max(0, start)
    directory = _Directory(document)
    result: list[Span] = []
    text = document.text
    byte = document.lines.offset_to_byte(start) if start < end else 0
    integrated = document.source.integrated
    with document.doc.transaction() as txn:
        for offset in range(start, end):
            raw = integrated.sticky_index(txn._txn, byte, Assoc.AFTER).to_json_string()
            char = text[offset]
            byte += 1 if char < "\x80" else len(char.encode("utf-8"))
            found = _ITEM.search(raw)
            author = USER if found is None else directory.author(int(found[1]), int(found[2]))
            if result and result[-1].author == author and result[-1].end == offset:
                last = result[-1]
                result[-1] = Span(last.start, offset + 1, author)
            else:
                result.append(Span(offset, offset + 1, author))
    return result


def author_at(document: SharedDocument, offset: int) -> Author:
    """Who wrote the character at ``offset``."""
    found = spans(document, offset, offset + 1)
    return found[0].author if found else USER


def summary(document: SharedDocument, run: str | None = None) -> list[dict[str, Any]]:
    """The line ranges agents wrote (of ``run`` only, if given), 0-based and inclusive,
    each with the agents and TODOs that wrote in it: the regions a run touched."""
    text = document.text
    regions: list[dict[str, Any]] = []
    for span in spans(document):
        author = span.author
        if author.kind != "agent" or (run is not None and author.run != run):
            continue
        if not text[span.start : span.end].strip():
            continue
        first = text.count("\n", 0, span.start)
        last = first + text.count("\n", span.start, max(span.start, span.end - 1))
        if regions and regions[-1]["end_line"] >= first - 1:
            region = regions[-1]
            region["end_line"] = max(region["end_line"], last)
        else:
            region = {"start_line": first, "end_line": last, "agents": [], "todos": []}
            regions.append(region)
        if author.agent not in region["agents"]:
            region["agents"].append(author.agent)
        if author.todo and author.todo not in region["todos"]:
            region["todos"].append(author.todo)
    return regions

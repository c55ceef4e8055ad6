"""TODO markers: the work items the Outliner writes into the file.

A marker is one line in the language's comment syntax::

    # TODO(codecrdt:parse_args): read the CLI flags          (Python)
    // TODO(codecrdt:useTimer): the countdown state            (JavaScript, TypeScript)
    {/* TODO(codecrdt:Header): the title bar */}               (inside JSX)

The name (letters, digits, ``_``, ``-``) is unique in the file and is what every replica
uses to find the marker's place in its own text: the marker line itself is the TODO's
anchor across replicas (see docs/claims.md). Only complete lines count, so a marker that is
still being streamed is not taken for a shorter one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Marker", "find_marker", "marker_line", "scan_markers"]

_MARKER = re.compile(
    r"^(?P<indent>[ \t]*)"
    r"(?:#|//|\{/\*|/\*)[ \t]*TODO\(codecrdt:(?P<name>[A-Za-z0-9_-]+)\)"
    r"(?::[ \t]*(?P<description>.*?))?"
    r"[ \t]*(?:\*/\}?|\*/)?[ \t]*$"
)


@dataclass(frozen=True, slots=True)
class Marker:
    name: str
    description: str
    indent: str
    #: Code-point offsets of the whole line, its line break included.
    start: int
    end: int
    line: int


def scan_markers(text: str, first_line: int = 0, start_offset: int = 0) -> list[Marker]:
    """Every complete marker line in ``text`` (whose first line is line ``first_line``)."""
    found: list[Marker] = []
    offset = start_offset
    line = first_line
    for raw in text.splitlines(keepends=True):
        if raw.endswith("\n") and "TODO(codecrdt:" in raw:
            match = _MARKER.match(raw.rstrip("\r\n"))
            if match:
                found.append(
                    Marker(
                        match["name"],
                        (match["description"] or "").strip(),
                        match["indent"],
                        offset,
                        offset + len(raw),
                        line,
                    )
                )
        offset += len(raw)
        line += 1
    return found


def find_marker(text: str, name: str) -> Marker | None:
    """The marker named ``name`` in ``text``, or None when it is not (or no longer) there."""
    needle = f"TODO(codecrdt:{name})"
    position = text.find(needle)
    while position >= 0:
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position)
        if end >= 0:
            for marker in scan_markers(text[start : end + 1], start_offset=start):
                if marker.name == name:
                    return Marker(
                        marker.name,
                        marker.description,
                        marker.indent,
                        marker.start,
                        marker.end,
                        text.count("\n", 0, start),
                    )
        position = text.find(needle, position + 1)
    return None


def marker_line(
    language: str, name: str, description: str, indent: str = "", jsx: bool = False
) -> str:
    """The marker line (with its line break) for ``language``."""
    if jsx:
        return f"{indent}{{/* TODO(codecrdt:{name}): {description} */}}\n"
    comment = "#" if language == "python" else "//"
    return f"{indent}{comment} TODO(codecrdt:{name}): {description}\n"

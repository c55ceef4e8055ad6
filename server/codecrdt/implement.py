"""``implement``: the user's file is the outline; its TODO markers are the run's TODOs.

``codecrdt implement FILE`` and the language server's ``codecrdt.implement`` plan a run the
same way (:func:`plan`): every ``TODO(codecrdt:name): what`` marker in the lines asked for
(the whole file, or a selection) becomes a TODO, and plain ``TODO:``/``FIXME:`` comment
lines there are first turned into named markers, by edits the caller applies as the
user's own (one undoable edit in the editor) before the run starts. No Outliner runs: the
implementers get the rest of the file as context, and the Evaluator runs at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from codecrdt.markers import plain_notes, scan_markers
from codecrdt.request import RequestError

__all__ = ["IMPLEMENT_SPEC", "ImplementPlan", "plan"]

#: The task the implementers are given when the user names none.
IMPLEMENT_SPEC = (
    "Implement each TODO marker of this file as its description says, using the "
    "imports, types and functions the file already has."
)


@dataclass(frozen=True)
class ImplementPlan:
    """The TODOs of an implement run and the edits that name the plain TODO comments."""

    #: The marker names the run implements (after the edits).
    names: frozenset[str]
    #: (start, end, marker line) in code points of the text before the edits, in order:
    #: each replaces one plain comment line (its line break kept).
    edits: tuple[tuple[int, int, str], ...]
    #: The text once the edits are applied.
    text: str


def plan(
    text: str,
    language: str,
    *,
    first: int = 0,
    last: int | None = None,
    names: Iterable[str] | None = None,
    plain: bool = True,
    target: str = "the file",
    hint: str = "",
) -> ImplementPlan:
    """The TODOs in lines ``first``..``last`` (0-based, inclusive; None: to the end).

    ``names``: only these markers (each must be there). ``plain``: also name the plain
    ``TODO``/``FIXME`` comment lines in those lines. :class:`RequestError` when there is
    nothing to implement (its message ends with ``hint``), or a name asked for is not a
    marker there.
    """
    edits: tuple[tuple[int, int, str], ...] = ()
    if plain:
        edits = tuple((n.start, n.end, n.marker) for n in plain_notes(text, language, first, last))
    changed = text
    for start, end, marker in reversed(edits):
        changed = changed[:start] + marker + changed[end:]
    found = [
        m.name
        for m in scan_markers(changed)
        if m.line >= first and (last is None or m.line <= last)
    ]
    if names is not None:
        wanted = list(dict.fromkeys(names))
        missing = [name for name in wanted if name not in found]
        if missing:
            raise RequestError(
                f"no TODO(codecrdt:…) marker named {', '.join(missing)} in {target}"
                + (" (in the selected lines)" if first or last is not None else "")
            )
        found = wanted
    if not found:
        where = "the selected lines of " if first or last is not None else ""
        raise RequestError(
            f"nothing to implement: no TODO(codecrdt:name): … marker in {where}{target}{hint}"
        )
    return ImplementPlan(frozenset(found), edits, changed)

"""LSP ``TextEdit`` lists applied to a string, the way an editor applies them.

The edits of one list all refer to the text before any of them (LSP semantics), must
not overlap, and are applied as if at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from lsprotocol import types

from codecrdt.positions import Encoding, PositionError, TextLines

__all__ = ["apply_text_edits", "text_edit_spans"]


def text_edit_spans(
    text: str, edits: Sequence[types.TextEdit], encoding: Encoding
) -> list[tuple[int, int, str]]:
    """(start, end, new text) in code points, in document order.

    Raises PositionError for a position inside a character or for overlapping edits.
    """
    lines = TextLines(text)
    spans = sorted(
        (
            lines.lsp_to_offset(e.range.start.line, e.range.start.character, encoding),
            lines.lsp_to_offset(e.range.end.line, e.range.end.character, encoding),
            e.new_text,
        )
        for e in edits
    )
    for (_, end, _), (start, _, _) in pairwise(spans):
        if start < end:
            raise PositionError("text edits overlap")
    return spans


def apply_text_edits(text: str, edits: Sequence[types.TextEdit], encoding: Encoding) -> str:
    out: list[str] = []
    position = 0
    for start, end, new_text in text_edit_spans(text, edits, encoding):
        out += [text[position:start], new_text]
        position = end
    out.append(text[position:])
    return "".join(out)

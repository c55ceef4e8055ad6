"""Every conversion between the position units the project meets.

- LSP positions: (line, character), the character counted in the negotiated encoding:
  UTF-16 code units by default, UTF-8 bytes or UTF-32 code points when negotiated.
- Python strings: code-point offsets.
- pycrdt ``Text`` (0.14): UTF-8 byte offsets.
- tree-sitter: byte offsets and (row, byte column) points.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n``, as the LSP specification says. A character
past the end of a line means the end of that line, and a line past the last line means
the end of the document (clamping, as the specification asks). A position that falls
inside a character — between the two halves of a surrogate pair, or inside a UTF-8
sequence — is rejected with :class:`PositionError`: rounding it would turn a client's
bug into a silently corrupt edit.

:class:`TextLines` holds a document as lines and answers these conversions for it; it
is updated edit by edit, so a conversion near the cursor costs little on a large file.
"""

from __future__ import annotations

import bisect
import enum
import re
from collections.abc import Iterable
from itertools import accumulate

__all__ = [
    "Encoding",
    "PositionError",
    "TextLines",
    "column_to_units",
    "line_content_length",
    "split_lines",
    "units_length",
    "units_to_column",
]


class Encoding(enum.StrEnum):
    """Position encodings of the LSP (``PositionEncodingKind`` values)."""

    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"

    @classmethod
    def parse(cls, value: object) -> Encoding:
        """The encoding named by an LSP ``PositionEncodingKind``; UTF-16 when absent."""
        if value is None:
            return cls.UTF16
        try:
            return cls(str(getattr(value, "value", value)))
        except ValueError as exc:
            raise ValueError(f"unknown position encoding {value!r}") from exc


class PositionError(ValueError):
    """A position that names no place in the text, such as one inside a character."""


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split into lines that keep their line ending (LSP line breaks only).

    Always at least one line: a text that ends with a line break has a last, empty line,
    so the result has exactly one more element than the text has line breaks.
    """
    lines: list[str] = []
    start = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    lines.append(text[start:])
    return lines


def line_content_length(line: str) -> int:
    """Code points of a line without its line ending."""
    last = line[-1:]
    if last == "\n":
        return len(line) - (2 if line[-2:-1] == "\r" else 1)
    return len(line) - 1 if last == "\r" else len(line)


def units_length(text: str, encoding: Encoding) -> int:
    """Length of ``text`` in the units of ``encoding``."""
    if encoding is Encoding.UTF32 or text.isascii():
        return len(text)
    if encoding is Encoding.UTF8:
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def units_to_column(content: str, units: int, encoding: Encoding) -> int:
    """Code-point column of ``units`` (in ``encoding``) within one line's ``content``.

    Past the end of the content means its end. Inside a character raises PositionError.
    """
    if units < 0:
        raise PositionError(f"negative character offset {units}")
    if encoding is Encoding.UTF32 or content[:units].isascii():
        # No wide character before it: the units up to it are code points.
        return min(units, len(content))
    if encoding is Encoding.UTF8:
        data = content.encode("utf-8")
        if units >= len(data):
            return len(content)
        if 0x80 <= data[units] < 0xC0:
            raise PositionError(f"byte offset {units} falls inside a UTF-8 sequence")
        return len(data[:units].decode("utf-8"))
    data = content.encode("utf-16-le")
    if 2 * units >= len(data):
        return len(content)
    if 0xDC00 <= int.from_bytes(data[2 * units : 2 * units + 2], "little") <= 0xDFFF:
        raise PositionError(f"UTF-16 offset {units} falls inside a surrogate pair")
    return len(data[: 2 * units].decode("utf-16-le"))


def column_to_units(content: str, column: int, encoding: Encoding) -> int:
    """Units of ``encoding`` before code-point ``column`` of a line's ``content``."""
    if encoding is Encoding.UTF32 or content.isascii():
        return column
    return units_length(content[:column], encoding)


#: Line starts are recomputed at least this many lines at a time (:meth:`TextLines._byte_row`).
_BLOCK = 64


class TextLines:
    """A document held as lines, with conversions between every kind of offset.

    Line starts are kept as prefix sums (in UTF-8 bytes and in code points) that are
    recomputed lazily from the first edited line, so typing in one place stays cheap.
    """

    __slots__ = (
        "_bstart",
        "_btotal",
        "_bvalid",
        "_bytes",
        "_cstart",
        "_ctotal",
        "_cvalid",
        "_lines",
        "_text",
    )

    def __init__(self, text: str = "") -> None:
        self._lines: list[str] = split_lines(text)
        self._bytes: list[int] = [_utf8_len(line) for line in self._lines]
        self._bstart: list[int] = [0] * len(self._lines)
        self._cstart: list[int] = [0] * len(self._lines)
        self._bvalid = 1
        self._cvalid = 1
        # The lengths are kept as totals, so that asking for them does not recompute the
        # line starts up to the end of the text after every edit.
        self._btotal = sum(self._bytes)
        self._ctotal = len(text)
        self._text: str | None = text

    # -- reading ---------------------------------------------------------------------

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self._lines)
        return self._text

    def __len__(self) -> int:
        """Number of lines (at least one)."""
        return len(self._lines)

    def line(self, index: int) -> str:
        """Line ``index`` with its line ending."""
        return self._lines[index]

    def line_content(self, index: int) -> str:
        line = self._lines[index]
        return line[: line_content_length(line)]

    @property
    def byte_length(self) -> int:
        return self._btotal

    @property
    def char_length(self) -> int:
        return self._ctotal

    def line_byte_start(self, index: int) -> int:
        if index >= self._bvalid:
            self._extend(self._bstart, self._bytes, self._bvalid, index)
            self._bvalid = index + 1
        return self._bstart[index]

    def line_char_start(self, index: int) -> int:
        if index >= self._cvalid:
            self._extend(
                self._cstart, map(len, self._lines[self._cvalid - 1 : index]), self._cvalid, index
            )
            self._cvalid = index + 1
        return self._cstart[index]

    @staticmethod
    def _extend(starts: list[int], lengths: Iterable[int], valid: int, index: int) -> None:
        if isinstance(lengths, list):
            lengths = lengths[valid - 1 : index]
        starts[valid : index + 1] = list(accumulate(lengths, initial=starts[valid - 1]))[1:]

    def _byte_row(self, offset: int) -> int:
        """The line holding byte ``offset`` (0 ≤ offset ≤ byte_length).

        Line starts are made valid only as far as the offset, a block at a time: the
        edits of one CRDT update come left to right, each invalidating the starts after
        its line, and recomputing them to the end of the text for each edit made a
        32-writer update cost O(edits × lines).
        """
        starts, sizes, count = self._bstart, self._bytes, len(self._lines)
        valid = self._bvalid
        while valid < count and starts[valid - 1] + sizes[valid - 1] <= offset:
            index = min(count - 1, valid - 1 + _BLOCK)
            self._extend(starts, sizes, valid, index)
            valid = index + 1
        self._bvalid = valid
        return bisect.bisect_right(starts, offset, 0, valid) - 1

    def _char_row(self, offset: int) -> int:
        """The line holding code-point ``offset``, as :meth:`_byte_row`."""
        starts, lines, count = self._cstart, self._lines, len(self._lines)
        valid = self._cvalid
        while valid < count and starts[valid - 1] + len(lines[valid - 1]) <= offset:
            index = min(count - 1, valid - 1 + _BLOCK)
            self._extend(starts, map(len, lines[valid - 1 : index]), valid, index)
            valid = index + 1
        self._cvalid = valid
        return bisect.bisect_right(starts, offset, 0, valid) - 1

    # -- LSP positions ---------------------------------------------------------------

    def clamp(self, line: int, character: int, encoding: Encoding) -> tuple[int, int]:
        """(line, code-point column) of an LSP position, clamped as the LSP says."""
        if line < 0 or character < 0:
            raise PositionError(f"negative position ({line}, {character})")
        lines = self._lines
        if line >= len(lines):
            return len(lines) - 1, len(lines[-1])
        text = lines[line]
        if text.isascii():  # the common case, without slicing the line
            return line, min(character, line_content_length(text))
        return line, units_to_column(text[: line_content_length(text)], character, encoding)

    def lsp_to_byte(self, line: int, character: int, encoding: Encoding) -> int:
        line, column = self.clamp(line, character, encoding)
        return self.column_to_byte(line, column)

    def lsp_to_offset(self, line: int, character: int, encoding: Encoding) -> int:
        """Code-point offset of an LSP position."""
        line, column = self.clamp(line, character, encoding)
        return self.line_char_start(line) + column

    def offset_to_lsp(self, offset: int, encoding: Encoding) -> tuple[int, int]:
        line, column = self.offset_to_point(offset)
        return line, column_to_units(self._lines[line], column, encoding)

    def byte_to_lsp(self, offset: int, encoding: Encoding) -> tuple[int, int]:
        line, column = self.byte_to_column(offset)
        return line, column_to_units(self._lines[line], column, encoding)

    # -- code points, bytes and tree-sitter points ------------------------------------

    def offset_to_point(self, offset: int) -> tuple[int, int]:
        """(line, code-point column) of a code-point offset."""
        if not 0 <= offset <= self.char_length:
            raise PositionError(f"offset {offset} is outside the text (0..{self.char_length})")
        line = self._char_row(offset)
        return line, offset - self._cstart[line]

    def byte_to_column(self, offset: int) -> tuple[int, int]:
        """(line, code-point column) of a UTF-8 byte offset."""
        row, byte_column = self.byte_to_point(offset)
        line = self._lines[row]
        if line.isascii():
            return row, byte_column
        data = line.encode("utf-8")
        if byte_column < len(data) and 0x80 <= data[byte_column] < 0xC0:
            raise PositionError(f"byte offset {offset} falls inside a UTF-8 sequence")
        return row, len(data[:byte_column].decode("utf-8"))

    def byte_to_point(self, offset: int) -> tuple[int, int]:
        """(row, byte column) of a byte offset, rows split at LSP line breaks.

        This is tree-sitter's point wherever the text has no lone ``\r`` (tree-sitter
        starts a row at ``\n`` only); byte offsets, which tree-sitter also takes, are
        exact everywhere.
        """
        if not 0 <= offset <= self.byte_length:
            raise PositionError(f"byte offset {offset} is outside the text (0..{self.byte_length})")
        line = self._byte_row(offset)
        return line, offset - self._bstart[line]

    def point_to_byte(self, row: int, byte_column: int) -> int:
        """Byte offset of a (row, byte column) point; the column must lie on a character."""
        if not 0 <= row < len(self._lines) or not 0 <= byte_column <= self._bytes[row]:
            raise PositionError(f"point ({row}, {byte_column}) is outside the text")
        line = self._lines[row]
        if not line.isascii():
            data = line.encode("utf-8")
            if byte_column < len(data) and 0x80 <= data[byte_column] < 0xC0:
                raise PositionError(f"point ({row}, {byte_column}) falls inside a character")
        return self.line_byte_start(row) + byte_column

    def offset_to_byte(self, offset: int) -> int:
        line, column = self.offset_to_point(offset)
        return self.column_to_byte(line, column)

    def byte_to_offset(self, offset: int) -> int:
        line, column = self.byte_to_column(offset)
        return self.line_char_start(line) + column

    def offset_to_utf16(self, offset: int) -> int:
        """UTF-16 code units before code-point ``offset`` (pycrdt sticky indices count these)."""
        self.offset_to_point(offset)  # validates
        return units_length(self.text[:offset], Encoding.UTF16)

    def utf16_to_offset(self, units: int) -> int:
        """Code-point offset of a document-wide UTF-16 offset."""
        text = self.text
        if text.isascii():
            if not 0 <= units <= len(text):
                raise PositionError(f"UTF-16 offset {units} is outside the text")
            return units
        data = text.encode("utf-16-le")
        if not 0 <= 2 * units <= len(data):
            raise PositionError(f"UTF-16 offset {units} is outside the text")
        if (
            2 * units < len(data)
            and 0xDC00 <= int.from_bytes(data[2 * units : 2 * units + 2], "little") <= 0xDFFF
        ):
            raise PositionError(f"UTF-16 offset {units} falls inside a surrogate pair")
        return len(data[: 2 * units].decode("utf-16-le"))

    def column_to_byte(self, line: int, column: int) -> int:
        """Byte offset of (line, code-point column)."""
        text = self._lines[line]
        return self.line_byte_start(line) + (column if text.isascii() else _utf8_len(text[:column]))

    # -- editing ---------------------------------------------------------------------

    def replace(self, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """Replace from ``start`` to ``end``, both (line, code-point column), by ``text``."""
        (l1, c1), (l2, c2) = start, end
        lines = self._lines
        if l1 == l2 and "\r" not in text and "\n" not in text:
            old = lines[l1]
            new = old[:c1] + text + old[c2:]
            # Emptying a line that ends in "\n" after one ending in a lone "\r" joins the
            # two into one "\r\n" break: that case takes the general path below.
            if c2 <= line_content_length(old) and not (
                c1 == 0 and new.startswith("\n") and l1 and lines[l1 - 1].endswith("\r")
            ):
                lines[l1] = new
                # Only the edited part is measured, not the whole (possibly long) line.
                grown = _utf8_len(text) - _utf8_len(old[c1:c2])
                self._bytes[l1] += grown
                self._btotal += grown
                self._ctotal += len(text) - (c2 - c1)
                self._touched(l1)
                return
        first, last = l1, l2
        # Re-split one line on either side so that "\r" + "\n" pairs formed or broken by
        # this edit end up as one line break, as a fresh split would see them.
        if first > 0 and lines[first - 1].endswith("\r"):
            first -= 1
        if last + 1 < len(lines):
            last += 1
        head = "".join(lines[first:l1]) + lines[l1][:c1]
        tail = lines[l2][c2:] + "".join(lines[l2 + 1 : last + 1])
        new_lines = split_lines(head + text + tail)
        if last < len(lines) - 1:
            # The region ends with a line break and the next line follows it, so the empty
            # piece after that break is not a line of its own.
            new_lines.pop()
        self._btotal -= sum(self._bytes[first : last + 1])
        self._ctotal -= sum(map(len, lines[first : last + 1]))
        lines[first : last + 1] = new_lines
        new_bytes = [_utf8_len(x) for x in new_lines]
        self._bytes[first : last + 1] = new_bytes
        self._btotal += sum(new_bytes)
        self._ctotal += sum(map(len, new_lines))
        keep_b = self._bstart[first] if first < self._bvalid else 0
        keep_c = self._cstart[first] if first < self._cvalid else 0
        self._bstart[first : last + 1] = [keep_b] * len(new_lines)
        self._cstart[first : last + 1] = [keep_c] * len(new_lines)
        self._touched(first)

    def replace_bytes(self, start: int, end: int, text: str) -> None:
        self.replace(self.byte_to_column(start), self.byte_to_column(end), text)

    def replace_offsets(self, start: int, end: int, text: str) -> None:
        self.replace(self.offset_to_point(start), self.offset_to_point(end), text)

    def _touched(self, line: int) -> None:
        self._text = None
        if self._bvalid > line + 1:
            self._bvalid = line + 1
        if self._cvalid > line + 1:
            self._cvalid = line + 1


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))

"""Position conversions: exhaustive small cases against a naive reference, and properties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codecrdt.positions import (
    Encoding,
    PositionError,
    TextLines,
    column_to_units,
    line_content_length,
    split_lines,
    units_length,
    units_to_column,
)

ENCODINGS = list(Encoding)
CODECS = {Encoding.UTF8: "utf-8", Encoding.UTF16: "utf-16-le", Encoding.UTF32: "utf-32-le"}
WIDTH = {Encoding.UTF8: 1, Encoding.UTF16: 2, Encoding.UTF32: 4}

TEXTS = [
    "",
    "a",
    "\n",
    "\r",
    "\r\n",
    "abc\n",
    "é",
    "中",
    "😀",
    "héllo\nwörld",
    "a😀b\r\nc中d\re",
    "😀😀\n\n中\r\r\n",
    "x\r\ny\n",
    "\r\n\r\n",
    "\n\r",
    "é\r😀\n中\r\n",
    "trailing newline é\n",
    "no newline at end 😀",
]


# -- a naive reference ---------------------------------------------------------------


def ref_units(text: str, encoding: Encoding) -> int:
    return len(text.encode(CODECS[encoding])) // WIDTH[encoding]


def ref_lines(text: str) -> list[str]:
    """Lines with their endings, split by hand (\\r\\n, \\r, \\n)."""
    lines, current, i = [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\r" and text[i + 1 : i + 2] == "\n":
            lines.append(current + "\r\n")
            current, i = "", i + 2
            continue
        current += ch
        if ch in "\r\n":
            lines.append(current)
            current = ""
        i += 1
    lines.append(current)
    return lines


def ref_content(line: str) -> str:
    return line.removesuffix("\n").removesuffix("\r")


def ref_points(text: str) -> list[tuple[int, int, int]]:
    """(code-point offset, line, code-point column) for every offset on an LSP position."""
    out, start = [], 0
    for row, line in enumerate(ref_lines(text)):
        for column in range(len(ref_content(line)) + 1):
            out.append((start + column, row, column))
        start += len(line)
    return out


def ref_all_points(text: str) -> list[tuple[int, int, int]]:
    """(offset, line, column) for every code-point offset, including inside "\\r\\n"."""
    out, start = [], 0
    lines = ref_lines(text)
    for row, line in enumerate(lines):
        last = row == len(lines) - 1
        for column in range(len(line) + (1 if last else 0)):
            out.append((start + column, row, column))
        start += len(line)
    return out


def byte_of(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-8"))


def line_texts(lines: TextLines) -> list[str]:
    return [lines.line(i) for i in range(len(lines))]


# -- module functions ----------------------------------------------------------------


@pytest.mark.parametrize("text", TEXTS)
def test_split_lines_matches_reference(text):
    lines = split_lines(text)
    assert lines == ref_lines(text)
    assert "".join(lines) == text
    breaks = text.count("\r\n") + text.replace("\r\n", "").count("\r")
    breaks += text.replace("\r\n", "").count("\n")
    assert len(lines) == breaks + 1


def test_split_lines_specific():
    assert split_lines("") == [""]
    assert split_lines("a\n") == ["a\n", ""]
    assert split_lines("a\r\nb\rc\nd") == ["a\r\n", "b\r", "c\n", "d"]
    assert split_lines("\r\r\n\n") == ["\r", "\r\n", "\n", ""]
    assert split_lines("\n\r") == ["\n", "\r", ""]
    # Nothing but "\r\n", "\r" and "\n" breaks a line.
    assert split_lines("a\u2028b\x0bc\x0cd\x85e") == ["a\u2028b\x0bc\x0cd\x85e"]


@pytest.mark.parametrize(
    ("line", "length"),
    [
        ("", 0),
        ("a", 1),
        ("a\n", 1),
        ("a\r\n", 1),
        ("a\r", 1),
        ("\r", 0),
        ("\n", 0),
        ("\r\n", 0),
        ("😀\r\n", 1),
        ("é中", 2),
    ],
)
def test_line_content_length(line, length):
    assert line_content_length(line) == length


@pytest.mark.parametrize("text", ["", "abc", "é", "中", "😀", "aé中😀\r\n"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_units_length(text, encoding):
    assert units_length(text, encoding) == ref_units(text, encoding)


def test_units_length_specific():
    assert units_length("é中😀", Encoding.UTF8) == 2 + 3 + 4
    assert units_length("é中😀", Encoding.UTF16) == 1 + 1 + 2
    assert units_length("é中😀", Encoding.UTF32) == 3


@pytest.mark.parametrize("content", ["", "abc", "é", "中", "😀", "aé中😀b", "😀😀"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_units_column_exhaustive(content, encoding):
    boundaries = {}
    for column in range(len(content) + 1):
        units = ref_units(content[:column], encoding)
        boundaries[units] = column
        assert column_to_units(content, column, encoding) == units
        assert units_to_column(content, units, encoding) == column
    total = ref_units(content, encoding)
    for units in range(total + 1):
        if units not in boundaries:
            with pytest.raises(PositionError):
                units_to_column(content, units, encoding)
    # Past the end: the end of the content.
    for extra in (1, 2, 100):
        assert units_to_column(content, total + extra, encoding) == len(content)
    with pytest.raises(PositionError):
        units_to_column(content, -1, encoding)


def test_units_to_column_inside_characters():
    with pytest.raises(PositionError):
        units_to_column("a😀b", 2, Encoding.UTF16)  # between the halves of the surrogate pair
    assert units_to_column("a😀b", 1, Encoding.UTF16) == 1
    assert units_to_column("a😀b", 3, Encoding.UTF16) == 2
    with pytest.raises(PositionError):
        units_to_column("é", 1, Encoding.UTF8)  # inside the two bytes of "é"
    assert units_to_column("é", 2, Encoding.UTF8) == 1
    for inside in (1, 2):
        with pytest.raises(PositionError):
            units_to_column("中", inside, Encoding.UTF8)
    for inside in (1, 2, 3):
        with pytest.raises(PositionError):
            units_to_column("😀", inside, Encoding.UTF8)
    assert units_to_column("😀", 1, Encoding.UTF32) == 1


def test_encoding_parse():
    assert Encoding.parse(None) is Encoding.UTF16
    assert Encoding.parse("utf-8") is Encoding.UTF8
    assert Encoding.parse("utf-32") is Encoding.UTF32
    from lsprotocol import types

    assert Encoding.parse(types.PositionEncodingKind.Utf8) is Encoding.UTF8
    with pytest.raises(ValueError):
        Encoding.parse("latin-1")


# -- TextLines, exhaustively on small texts -----------------------------------------


@pytest.mark.parametrize("text", TEXTS)
def test_textlines_basics(text):
    lines = TextLines(text)
    assert lines.text == text
    assert line_texts(lines) == ref_lines(text)
    assert len(lines) == len(ref_lines(text))
    assert lines.char_length == len(text)
    assert lines.byte_length == len(text.encode("utf-8"))
    for i, line in enumerate(ref_lines(text)):
        assert lines.line_content(i) == ref_content(line)
        start = len("".join(ref_lines(text)[:i]))
        assert lines.line_char_start(i) == start
        assert lines.line_byte_start(i) == byte_of(text, start)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_textlines_lsp_exhaustive(text, encoding):
    lines = TextLines(text)
    for offset, row, column in ref_points(text):
        content = ref_content(ref_lines(text)[row])
        character = ref_units(content[:column], encoding)
        assert lines.lsp_to_offset(row, character, encoding) == offset
        assert lines.lsp_to_byte(row, character, encoding) == byte_of(text, offset)
        assert lines.clamp(row, character, encoding) == (row, column)
        assert lines.offset_to_lsp(offset, encoding) == (row, character)
        assert lines.byte_to_lsp(byte_of(text, offset), encoding) == (row, character)


@pytest.mark.parametrize("text", TEXTS)
def test_textlines_points_exhaustive(text):
    lines = TextLines(text)
    rl = ref_lines(text)
    for offset, row, column in ref_all_points(text):
        byte = byte_of(text, offset)
        byte_column = len(rl[row][:column].encode("utf-8"))
        assert lines.offset_to_point(offset) == (row, column)
        assert lines.offset_to_byte(offset) == byte
        assert lines.byte_to_offset(byte) == offset
        assert lines.byte_to_column(byte) == (row, column)
        assert lines.byte_to_point(byte) == (row, byte_column)
        assert lines.point_to_byte(row, byte_column) == byte
        assert lines.column_to_byte(row, column) == byte
        utf16 = ref_units(text[:offset], Encoding.UTF16)
        assert lines.offset_to_utf16(offset) == utf16
        assert lines.utf16_to_offset(utf16) == offset
    # Every byte offset inside a character is rejected.
    boundaries = {byte_of(text, o) for o in range(len(text) + 1)}
    for byte in range(len(text.encode("utf-8")) + 1):
        if byte not in boundaries:
            with pytest.raises(PositionError):
                lines.byte_to_column(byte)
            with pytest.raises(PositionError):
                lines.byte_to_offset(byte)
            row, byte_column = lines.byte_to_point(byte)  # a point needs no boundary
            with pytest.raises(PositionError):
                lines.point_to_byte(row, byte_column)
    utf16_boundaries = {ref_units(text[:o], Encoding.UTF16) for o in range(len(text) + 1)}
    for units in range(ref_units(text, Encoding.UTF16) + 1):
        if units not in utf16_boundaries:
            with pytest.raises(PositionError):
                lines.utf16_to_offset(units)


@pytest.mark.parametrize("text", TEXTS)
def test_textlines_out_of_range(text):
    lines = TextLines(text)
    n, b = len(text), len(text.encode("utf-8"))
    u16 = ref_units(text, Encoding.UTF16)
    for bad in (-1, n + 1):
        with pytest.raises(PositionError):
            lines.offset_to_point(bad)
        with pytest.raises(PositionError):
            lines.offset_to_byte(bad)
        with pytest.raises(PositionError):
            lines.offset_to_utf16(bad)
        with pytest.raises(PositionError):
            lines.offset_to_lsp(bad, Encoding.UTF16)
    for bad in (-1, b + 1):
        with pytest.raises(PositionError):
            lines.byte_to_point(bad)
        with pytest.raises(PositionError):
            lines.byte_to_offset(bad)
    for bad in (-1, u16 + 1):
        with pytest.raises(PositionError):
            lines.utf16_to_offset(bad)
    with pytest.raises(PositionError):
        lines.point_to_byte(len(lines), 0)
    with pytest.raises(PositionError):
        lines.point_to_byte(-1, 0)
    with pytest.raises(PositionError):
        lines.point_to_byte(0, len(lines.line(0).encode("utf-8")) + 1)
    with pytest.raises(PositionError):
        lines.point_to_byte(0, -1)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_negative_lsp_positions(encoding):
    lines = TextLines("ab\ncd")
    for line, character in [(-1, 0), (0, -1), (-1, -1), (5, -1)]:
        with pytest.raises(PositionError):
            lines.clamp(line, character, encoding)
        with pytest.raises(PositionError):
            lines.lsp_to_offset(line, character, encoding)
        with pytest.raises(PositionError):
            lines.lsp_to_byte(line, character, encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_clamping(encoding):
    text = "é中😀\r\nab\rcd\nlast"
    lines = TextLines(text)
    # A character past the end of a line: the end of its content, not past the break.
    assert lines.clamp(0, 99, encoding) == (0, 3)
    assert lines.lsp_to_offset(0, 99, encoding) == 3
    assert lines.lsp_to_byte(0, 99, encoding) == len("é中😀".encode())
    assert lines.lsp_to_offset(1, 99, encoding) == text.index("ab") + 2
    assert lines.lsp_to_offset(2, 3, encoding) == text.index("cd") + 2
    # Exactly at the end of the content (units of the line's content).
    full = ref_units("é中😀", encoding)
    assert lines.lsp_to_offset(0, full, encoding) == 3
    assert lines.lsp_to_offset(0, full + 1, encoding) == 3  # would be inside "\r\n"
    # A line past the last: the end of the document.
    for line in (4, 5, 1000):
        assert lines.clamp(line, 0, encoding) == (3, 4)
        assert lines.lsp_to_offset(line, 7, encoding) == len(text)
        assert lines.lsp_to_byte(line, 0, encoding) == len(text.encode("utf-8"))
    assert lines.lsp_to_offset(3, 99, encoding) == len(text)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_clamping_trailing_newline_and_empty(encoding):
    lines = TextLines("ab\n")
    assert len(lines) == 2
    assert lines.lsp_to_offset(0, 5, encoding) == 2
    assert lines.lsp_to_offset(1, 0, encoding) == 3
    assert lines.lsp_to_offset(1, 5, encoding) == 3
    assert lines.lsp_to_offset(2, 0, encoding) == 3
    assert lines.offset_to_lsp(3, encoding) == (1, 0)
    empty = TextLines("")
    assert len(empty) == 1
    assert empty.clamp(0, 0, encoding) == (0, 0)
    assert empty.lsp_to_offset(0, 3, encoding) == 0
    assert empty.lsp_to_offset(3, 3, encoding) == 0
    assert empty.offset_to_lsp(0, encoding) == (0, 0)
    assert empty.byte_to_point(0) == (0, 0)
    assert empty.byte_length == 0
    assert empty.char_length == 0


def test_position_inside_characters_rejected():
    lines = TextLines("x\na😀b\nhé")
    with pytest.raises(PositionError):
        lines.lsp_to_offset(1, 2, Encoding.UTF16)
    with pytest.raises(PositionError):
        lines.lsp_to_byte(1, 2, Encoding.UTF16)
    assert lines.lsp_to_offset(1, 3, Encoding.UTF16) == 4
    with pytest.raises(PositionError):
        lines.lsp_to_offset(2, 2, Encoding.UTF8)  # inside "é"
    assert lines.lsp_to_offset(2, 3, Encoding.UTF8) == len("x\na😀b\nhé")
    with pytest.raises(PositionError):
        lines.utf16_to_offset(4)  # "x\na" is 3 units, the pair is 3..5
    assert lines.utf16_to_offset(5) == 4
    start = len(b"x\na")
    for inside in range(1, 4):
        with pytest.raises(PositionError):
            lines.byte_to_offset(start + inside)
    with pytest.raises(PositionError):
        lines.point_to_byte(1, 2)
    assert lines.byte_to_point(start + 2) == (1, 3)


def test_specific_conversions():
    text = "a😀b\r\nc中d\re"
    lines = TextLines(text)
    # tree-sitter points count bytes within the row.
    assert lines.byte_to_point(len("a😀".encode())) == (0, 5)
    assert lines.point_to_byte(1, 4) == len("a😀b\r\nc中".encode())
    assert lines.byte_to_point(len(text.encode())) == (2, 1)
    assert lines.offset_to_lsp(2, Encoding.UTF16) == (0, 3)
    assert lines.offset_to_lsp(2, Encoding.UTF8) == (0, 5)
    assert lines.offset_to_lsp(2, Encoding.UTF32) == (0, 2)
    assert lines.offset_to_lsp(7, Encoding.UTF8) == (1, 4)
    assert lines.lsp_to_offset(1, 2, Encoding.UTF16) == 7
    assert lines.offset_to_utf16(len(text)) == len(text) + 1


# -- editing, small cases ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "insert"),
    [
        ("a\rb", 2, 2, "\n"),  # "\r" + "\n" become one break
        ("a\r\nb", 2, 2, "x"),  # splitting "\r\n"
        ("a\rx\nb", 2, 3, ""),  # deleting between "\r" and "\n" joins them
        ("a\r\n", 1, 2, ""),  # deleting the "\r" of "\r\n"
        ("a\r\n", 2, 3, ""),  # deleting the "\n" of "\r\n"
        ("\r", 1, 1, "\n"),
        ("x\n", 0, 2, ""),
        ("", 0, 0, "é\r\n😀"),
        ("ab\ncd\nef", 1, 7, "中"),
        ("ab\ncd\nef", 0, 8, ""),
        ("\r\r\r", 1, 2, "\n\n"),
        ("a\r", 2, 2, "\n"),
        ("a\rb\nc", 2, 3, ""),  # emptying a line ending in "\n" after a lone "\r"
    ],
)
def test_replace_offsets_small(text, start, end, insert):
    lines = TextLines(text)
    lines.replace_offsets(start, end, insert)
    expected = text[:start] + insert + text[end:]
    assert lines.text == expected
    assert line_texts(lines) == split_lines(expected)
    assert lines.byte_length == len(expected.encode("utf-8"))
    assert lines.char_length == len(expected)


def test_replace_bytes_inside_character_rejected():
    lines = TextLines("é")
    with pytest.raises(PositionError):
        lines.replace_bytes(1, 2, "")
    assert lines.text == "é"


# -- properties ----------------------------------------------------------------------

PIECES = st.sampled_from(["a", "b", " ", "é", "中", "😀", "𝄞", "\r", "\n", "\r\n"])
TEXT = st.one_of(
    st.lists(PIECES, max_size=30).map("".join),
    st.text(
        alphabet=st.one_of(
            st.sampled_from("aé中😀\r\n"), st.characters(codec="utf-8", exclude_categories=["Cs"])
        ),
        max_size=30,
    ),
)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT, st.sampled_from(ENCODINGS))
def test_roundtrips_property(text, encoding):
    lines = TextLines(text)
    assert line_texts(lines) == split_lines(text)
    assert "".join(line_texts(lines)) == text
    on_lsp = {o for o, _, _ in ref_points(text)}
    for offset in range(len(text) + 1):
        byte = lines.offset_to_byte(offset)
        assert byte == byte_of(text, offset)
        assert lines.byte_to_offset(byte) == offset
        point = lines.byte_to_point(byte)
        assert lines.point_to_byte(*point) == byte
        assert lines.offset_to_point(offset) == lines.byte_to_column(byte)
        utf16 = lines.offset_to_utf16(offset)
        assert utf16 == ref_units(text[:offset], Encoding.UTF16)
        assert lines.utf16_to_offset(utf16) == offset
        lsp = lines.offset_to_lsp(offset, encoding)
        assert lines.byte_to_lsp(byte, encoding) == lsp
        if offset in on_lsp:
            assert lines.lsp_to_offset(*lsp, encoding) == offset
            assert lines.lsp_to_byte(*lsp, encoding) == byte
            # The same position in every other encoding names the same offset.
            for other in ENCODINGS:
                converted = lines.offset_to_lsp(offset, other)
                assert converted[0] == lsp[0]
                assert lines.lsp_to_offset(*converted, other) == offset
        else:  # between "\r" and "\n": no LSP position names it; the line's end is nearest
            line, _ = lines.offset_to_point(offset)
            assert lines.lsp_to_offset(*lsp, encoding) == offset - 1
            assert lines.line(line).endswith("\r\n")


@SETTINGS
@given(TEXT)
def test_line_content_and_units_length_property(text):
    for line in split_lines(text):
        content = ref_content(line)
        assert line_content_length(line) == len(content)
        assert line[len(content) :] in ("", "\r", "\n", "\r\n")
    for encoding in ENCODINGS:
        assert units_length(text, encoding) == ref_units(text, encoding)


@SETTINGS
@given(TEXT, st.sampled_from(ENCODINGS))
def test_units_column_roundtrip_property(text, encoding):
    content = text.replace("\r", "").replace("\n", "")
    for column in range(len(content) + 1):
        units = column_to_units(content, column, encoding)
        assert units == ref_units(content[:column], encoding)
        assert units_to_column(content, units, encoding) == column


@st.composite
def edits(draw):
    text = draw(TEXT)
    steps = []
    length = len(text)
    for _ in range(draw(st.integers(1, 6))):
        a = draw(st.integers(0, length))
        b = draw(st.integers(0, length))
        start, end = min(a, b), max(a, b)
        insert = draw(TEXT)
        kind = draw(st.sampled_from(["offsets", "bytes", "points"]))
        steps.append((kind, start, end, insert))
        length += len(insert) - (end - start)
    return text, steps


@SETTINGS
@given(edits())
def test_replace_matches_fresh_split_property(case):
    text, steps = case
    lines = TextLines(text)
    current = text
    for kind, start, end, insert in steps:
        if kind == "offsets":
            lines.replace_offsets(start, end, insert)
        elif kind == "bytes":
            lines.replace_bytes(byte_of(current, start), byte_of(current, end), insert)
        else:
            lines.replace(lines.offset_to_point(start), lines.offset_to_point(end), insert)
        current = current[:start] + insert + current[end:]
        fresh = TextLines(current)
        assert lines.text == current
        assert line_texts(lines) == split_lines(current)
        assert len(lines) == len(fresh)
        assert lines.byte_length == fresh.byte_length == len(current.encode("utf-8"))
        assert lines.char_length == len(current)
        # The lazily recomputed line starts agree with a fresh mirror.
        for i in range(len(lines)):
            assert lines.line_byte_start(i) == fresh.line_byte_start(i)
            assert lines.line_char_start(i) == fresh.line_char_start(i)
        for offset in range(0, len(current) + 1, max(1, len(current) // 7)):
            assert lines.offset_to_point(offset) == fresh.offset_to_point(offset)
            assert lines.offset_to_byte(offset) == fresh.offset_to_byte(offset)
            assert lines.offset_to_lsp(offset, Encoding.UTF16) == fresh.offset_to_lsp(
                offset, Encoding.UTF16
            )


def test_text_edits_apply_at_once_in_document_order() -> None:
    from lsprotocol import types

    from codecrdt.textedit import apply_text_edits

    def edit(l1: int, c1: int, l2: int, c2: int, text: str) -> types.TextEdit:
        return types.TextEdit(
            range=types.Range(start=types.Position(l1, c1), end=types.Position(l2, c2)),
            new_text=text,
        )

    text = "a😀b\r\nsecond"
    # Given out of order; both refer to the original text. UTF-16: 😀 is two units.
    edits = [edit(1, 0, 1, 6, "2nd"), edit(0, 3, 0, 4, "B")]
    assert apply_text_edits(text, edits, Encoding.UTF16) == "a😀B\r\n2nd"
    assert apply_text_edits(text, [edit(0, 5, 0, 6, "B")], Encoding.UTF8) == "a😀B\r\nsecond"
    with pytest.raises(PositionError, match="surrogate"):
        apply_text_edits(text, [edit(0, 2, 0, 2, "x")], Encoding.UTF16)
    with pytest.raises(PositionError, match="overlap"):
        apply_text_edits(text, [edit(0, 0, 0, 3, "x"), edit(0, 1, 0, 4, "y")], Encoding.UTF16)

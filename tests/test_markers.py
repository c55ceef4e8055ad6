"""The TODO marker syntax (``codecrdt.markers``): every form written is read back, near
misses are refused, and the prompts, the repair of plain TODOs and the VS Code extension
follow the same syntax."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codecrdt.agents.prompts import implementer_request, outline_request
from codecrdt.agents.shaping import MarkerRepair
from codecrdt.analysis.languages import LANGUAGES, language_named
from codecrdt.analysis.tree import analyze_text
from codecrdt.markers import (
    BLOCK,
    LANGUAGE_FORMS,
    MARKER_TAG,
    PLAIN_TODO,
    WRITTEN_FORMS,
    as_name,
    find_marker,
    json_text,
    marker_line,
    render,
    scan_markers,
    tag,
)

EXTENSION_JSON = Path(__file__).parent.parent / "extension" / "src" / "common" / "markers.json"


def _forms() -> list[tuple[str, bool]]:
    return [
        (language, jsx)
        for language, forms in LANGUAGE_FORMS.items()
        for jsx in (False, True)
        if not jsx or forms.jsx is not None
    ]


def test_every_language_of_the_registry_has_its_marker_forms() -> None:
    assert set(LANGUAGE_FORMS) == {spec.name for spec in LANGUAGES}
    assert [(form.open, form.close) for form in WRITTEN_FORMS] == [
        ("#", ""),
        ("//", ""),
        ("{/*", "*/}"),
    ]


def test_the_forms_are_the_documented_ones() -> None:
    assert marker_line("python", "parse_args", "read the CLI flags", "    ") == (
        "    # TODO(codecrdt:parse_args): read the CLI flags\n"
    )
    for language in ("javascript", "typescript", "tsx"):
        assert marker_line(language, "useTimer", "the countdown state") == (
            "// TODO(codecrdt:useTimer): the countdown state\n"
        )
    for language in ("javascript", "tsx"):
        assert marker_line(language, "Header", "the title bar", "  ", jsx=True) == (
            "  {/* TODO(codecrdt:Header): the title bar */}\n"
        )
    for language in ("python", "typescript"):
        with pytest.raises(ValueError, match="no JSX"):
            marker_line(language, "Header", "the title bar", jsx=True)


@pytest.mark.parametrize(("language", "jsx"), _forms())
@pytest.mark.parametrize("indent", ["", "    ", "\t  "])
@pytest.mark.parametrize("name", ["a", "parse_args", "use-Timer-2", "X_1"])
@pytest.mark.parametrize("description", ["do it", "a */ inside, é😀 and (parens): ok", ""])
def test_a_rendered_marker_is_scanned_and_found_again(
    language: str, jsx: bool, indent: str, name: str, description: str
) -> None:
    line = marker_line(language, name, description, indent, jsx=jsx)
    text = f"before\n{line}after\n"
    (marker,) = scan_markers(text)
    assert (marker.name, marker.description, marker.indent) == (name, description, indent)
    assert text[marker.start : marker.end] == line
    assert marker.line == 1
    assert find_marker(text, name) == marker
    # A marker still being streamed (no line break yet) is not one.
    assert scan_markers(f"before\n{line.rstrip()}") == []
    assert find_marker(f"before\n{line.rstrip()}", name) is None


@pytest.mark.parametrize("language", [spec.name for spec in LANGUAGES])
def test_rendered_markers_are_comments_in_their_language(language: str) -> None:
    """A skeleton with a marker in every form of its language parses, and every marker is a
    comment that ``leftover-todo`` reports."""
    spec = language_named(language)
    assert spec is not None
    if language == "python":
        text = "def f():\n" + marker_line(language, "body", "the body", "    ")
    else:
        text = "function f() {\n" + marker_line(language, "body", "the body", "  ") + "}\n"
        if LANGUAGE_FORMS[language].jsx is not None:
            text += (
                "function App() {\n  return (\n    <main>\n"
                + marker_line(language, "Main", "the content", "      ", jsx=True)
                + "    </main>\n  );\n}\n"
            )
    names = [m.name for m in scan_markers(text)]
    assert names == (["body"] if LANGUAGE_FORMS[language].jsx is None else ["body", "Main"])
    findings = analyze_text(text, spec)
    assert [(f.code, f.data["name"]) for f in findings] == [("leftover-todo", n) for n in names]


def test_a_block_comment_is_read_as_a_marker_but_never_written() -> None:
    assert BLOCK not in WRITTEN_FORMS
    (marker,) = scan_markers(render(BLOCK, "cache", "an LRU cache", "  "))
    assert (marker.name, marker.description, marker.indent) == ("cache", "an LRU cache", "  ")
    assert scan_markers("/* TODO(codecrdt:cache) */\n")[0].description == ""


@pytest.mark.parametrize(
    "line",
    [
        "TODO(codecrdt:a): no comment\n",  # not in a comment
        "x = 1  # TODO(codecrdt:a): after code\n",  # not a line of its own
        "# TODO(codecrdt:a b): a space in the name\n",
        "# TODO(codecrdt:a.b): a dot in the name\n",
        "# TODO(codecrdt:): no name\n",
        "# TODO(codecrdt:a: no closing parenthesis\n",
        "# TODO(codecrdt:a) no colon before the description\n",
        "# TODO(codecrdt:a)x\n",
        "# todo(codecrdt:a): lower case\n",
        "# TODO (codecrdt:a): a space before the parenthesis\n",
        "# TODO(CodeCRDT:a): another tag\n",
        "-- TODO(codecrdt:a): another comment syntax\n",
        "/ TODO(codecrdt:a): half a comment opener\n",
        "{/* TODO(codecrdt:a) */} y\n",  # code after the comment
    ],
)
def test_near_misses_are_not_markers(line: str) -> None:
    assert scan_markers(line) == []


def test_find_marker_skips_mentions_that_are_not_marker_lines() -> None:
    text = (
        'HELP = "write TODO(codecrdt:load) to mark work"\n'
        "# TODO(codecrdt:load-2): the other one\n"
        "def load():\n"
        "    # TODO(codecrdt:load): read the file\n"
        "    # TODO(codecrdt:save): partial"
    )
    marker = find_marker(text, "load")
    assert marker is not None
    assert (marker.line, marker.indent, marker.description) == (3, "    ", "read the file")
    assert text[marker.start : marker.end] == "    # TODO(codecrdt:load): read the file\n"
    assert find_marker(text, "load-2") is not None
    assert find_marker(text, "save") is None  # the last line is still being written
    assert find_marker(text, "lo") is None


def test_a_marker_tag_is_found_anywhere_with_any_name_but_white_space() -> None:
    text = "x = 1  # TODO(codecrdt:run) wire it\n/* TODO(codecrdt:a.b) */ TODO(codecrdt:a b)\n"
    assert [(m["name"], m.start()) for m in MARKER_TAG.finditer(text)] == [
        ("run", 9),
        ("a.b", 39),
    ]
    assert tag("run") == "TODO(codecrdt:run)"


@pytest.mark.parametrize(
    ("line", "groups"),
    [
        ("    # TODO: read the file", ("    ", "#", "read the file")),
        ("// TODO - the timer", ("", "//", "the timer")),
        ("  {/* TODO: the header */}", ("  ", "{/*", "the header")),
        ("# TODO", ("", "#", "")),
    ],
)
def test_plain_todo_comments_are_recognised(line: str, groups: tuple[str, str, str]) -> None:
    match = PLAIN_TODO.match(line)
    assert match is not None
    assert (match["indent"], match["open"], match["text"]) == groups


@pytest.mark.parametrize(
    "line",
    ["# TODO(codecrdt:a): a marker", "# TODOs are done", "/* TODO: a block */", "x  # TODO: y"],
)
def test_other_lines_are_not_plain_todo_comments(line: str) -> None:
    assert PLAIN_TODO.match(line) is None


def test_a_repaired_plain_todo_is_a_marker_in_the_same_form() -> None:
    repair = MarkerRepair()
    repair("def load_all(path):\n")
    for form in WRITTEN_FORMS:
        line = f"  {form.wrap('TODO: the work')}\n"
        (marker,) = scan_markers(repair(line))
        assert marker.name.startswith("load_all") and marker.description == "the work"
        assert repair(line).startswith(f"  {form.open} ")
    assert as_name("a.b c$d") == "a_b_c_d"


@pytest.mark.parametrize("language", list(LANGUAGE_FORMS))
def test_the_prompts_show_markers_in_the_syntax(language: str) -> None:
    system = outline_request(language, "spec", "", "outliner").system
    example = system.split("--- example, another task ---\n", 1)[1]
    example, after = example.split("--- end of example ---", 1)
    assert not after.strip()  # the task comes after the example, never inside it
    names = [m.name for m in scan_markers(example)]
    expected = {"python": ["load_notes", "save_notes"]}.get(language, ["loadNotes", "NoteList"])
    assert names == expected
    # Every marker of the example states its size, as the instructions ask.
    assert all(m.size for m in scan_markers(example))
    assert "`~N lines`" in system
    assert (
        marker_line(language, "parse_args", "read the command-line flags", size=12).strip()
        in system
    )
    prompt = implementer_request(language, "spec", "", "parse_args", "read", "impl-1").prompt
    assert tag("parse_args") in prompt


def test_the_extension_reads_the_same_syntax() -> None:
    """extension/src/common/markers.json is written by ``python -m codecrdt.markers --json``."""
    assert EXTENSION_JSON.read_text(encoding="utf-8") == json_text(), (
        "the extension's marker syntax is out of date: run "
        "`python -m codecrdt.markers --json > extension/src/common/markers.json`"
    )
    syntax = json.loads(json_text())
    assert syntax["prefix"] + "x" + syntax["suffix"] == tag("x")
    written = subprocess.run(
        [sys.executable, "-m", "codecrdt.markers", "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert written == json_text()


# -- size hints ---------------------------------------------------------------------


@pytest.mark.parametrize(("language", "jsx"), _forms())
@pytest.mark.parametrize("size", [1, 40, 10_000])
def test_a_size_hint_is_rendered_and_read_back(language: str, jsx: bool, size: int) -> None:
    line = marker_line(language, "use-Timer_2", "the countdown", "  ", jsx=jsx, size=size)
    assert f"TODO(codecrdt:use-Timer_2 ~{size} lines): the countdown" in line
    text = f"before\n{line}after\n"
    (marker,) = scan_markers(text)
    assert (marker.name, marker.description, marker.size) == ("use-Timer_2", "the countdown", size)
    assert find_marker(text, "use-Timer_2") == marker
    assert find_marker(text, "use-Timer") is None


@pytest.mark.parametrize(
    ("hint", "size"),
    [
        ("", None),
        (" ~40 lines", 40),
        (" ~40", 40),
        (" ~1 line", 1),
        ("  ~ 12  lines ", 12),
        ("\t~7lines", 7),
        # Malformed hints: the marker stays a marker, of unknown size.
        (" ~forty lines", None),
        (" ~40 chars", None),
        (" ~0 lines", None),
        (" ~-3 lines", None),
        (" ~4.5 lines", None),
        (" ~99999 lines", None),
        (" ~40 lines, maybe more", None),
        (" ~", None),
    ],
)
def test_a_malformed_size_hint_is_ignored_not_fatal(hint: str, size: int | None) -> None:
    text = f"def f():\n    # TODO(codecrdt:body{hint}): the body\n"
    (marker,) = scan_markers(text)
    assert (marker.name, marker.description, marker.size) == ("body", "the body", size)
    assert find_marker(text, "body") == marker
    (tagged,) = MARKER_TAG.finditer(text)
    assert tagged["name"] == "body"
    # leftover-todo reports it like any marker.
    spec = language_named("python")
    assert spec is not None
    assert [(f.code, f.data["name"]) for f in analyze_text(text, spec)] == [
        ("leftover-todo", "body")
    ]


@pytest.mark.parametrize(
    "line",
    [
        "# TODO(codecrdt:a 40 lines): no tilde before the size\n",
        "# TODO(codecrdt:a ~40 lines: no closing parenthesis\n",
        "# TODO(codecrdt:a ~(40) lines): parentheses in the hint\n",
        "# TODO(codecrdt:a ~40 lines) no colon before the description\n",
        "x = 1  # TODO(codecrdt:a ~40 lines): after code\n",
    ],
)
def test_near_misses_with_a_hint_are_not_markers(line: str) -> None:
    assert scan_markers(line) == []


def test_a_renamed_duplicate_marker_keeps_its_size_hint() -> None:
    repair = MarkerRepair()
    first = "# TODO(codecrdt:load ~30 lines): read it\n"
    assert repair(first) == first
    (marker,) = scan_markers(repair(first))
    assert (marker.name, marker.size, marker.description) == ("load-2", 30, "read it")

"""TODO markers: the syntax of the work items the Outliner writes into the file, in one place.

A marker is one line in the language's comment syntax::

    # TODO(codecrdt:parse_args ~12 lines): read the CLI flags    (Python)
    // TODO(codecrdt:useTimer ~40 lines): the countdown state     (JavaScript, TypeScript)
    {/* TODO(codecrdt:Header): the title bar */}                  (inside JSX)

The name (letters, digits, ``_``, ``-``) is unique in the file and is what every replica
uses to find the marker's place in its own text: the marker line itself is the TODO's
anchor across replicas (see docs/claims.md). Only complete lines count, so a marker that is
still being streamed is not taken for a shorter one.

The Outliner states the expected size of each TODO's code after the name, ``~N lines``
(the *size hint*): implementers take the largest TODO first and time their lookahead by it
(docs/agents.md, "Scheduling"). The hint is optional, and one that does not read as
``~N`` or ``~N lines`` with N from 1 to :data:`MAX_SIZE_HINT` (``~forty lines``,
``~40 chars``, ``~0 lines``) is ignored: the marker is still a marker, of unknown size.

This module owns the syntax: the tag, the name pattern, the comment forms per language
(:data:`LANGUAGE_FORMS`, keyed by the names of the language registry), the regular
expressions built from them, the renderer and the scanner. Agents, analysis, prompts and
``codecrdt check`` import it; the VS Code extension reads the same syntax from
``extension/src/common/markers.json``, which ``python -m codecrdt.markers --json`` writes
(a test keeps the two equal). It imports nothing from the package, so every layer may use it.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass

__all__ = [
    "BLOCK",
    "HASH",
    "HINT_PATTERN",
    "JSX",
    "KEYWORD",
    "LANGUAGE_FORMS",
    "MARKER_LINE",
    "MARKER_TAG",
    "MAX_SIZE_HINT",
    "NAME_PATTERN",
    "NAME_RULE",
    "PLAIN_TODO",
    "PREFIX",
    "SLASHES",
    "SUFFIX",
    "WRITTEN_FORMS",
    "CommentForm",
    "LanguageForms",
    "Marker",
    "PlainNote",
    "as_name",
    "find_marker",
    "form_opened_by",
    "json_text",
    "marker_line",
    "mentions_marker",
    "plain_notes",
    "render",
    "scan_markers",
    "size_hint",
    "tag",
]

#: The word every marker starts with; a plain comment with this word is a marker the model
#: wrote in its own way (see :data:`PLAIN_TODO`).
KEYWORD = "TODO"
#: A marker's tag is ``PREFIX + name + SUFFIX``: ``TODO(codecrdt:parse_args)``.
PREFIX = f"{KEYWORD}(codecrdt:"
SUFFIX = ")"
_NAME_CHARS = "A-Za-z0-9_-"
NAME_PATTERN = rf"[{_NAME_CHARS}]+"
#: :data:`NAME_PATTERN` in words, for the models' instructions.
NAME_RULE = "letters, digits, _ or -"
#: What may follow the name inside the parentheses: white space, ``~`` and the size hint's
#: text (read by :func:`size_hint`; a hint it cannot read leaves the marker's size unknown).
HINT_PATTERN = r"[ \t]+~[^()\n]*?"
#: The largest size hint read, in lines; a larger one is ignored as malformed.
MAX_SIZE_HINT = 10_000
_SIZE = re.compile(r"~[ \t]*(?P<lines>[0-9]{1,5})(?:[ \t]*lines?)?[ \t]*")


@dataclass(frozen=True, slots=True)
class CommentForm:
    """One comment syntax around a marker: ``{open} TODO(codecrdt:name): … {close}``."""

    open: str
    #: Empty for a comment that runs to the end of the line.
    close: str = ""

    def wrap(self, text: str) -> str:
        return f"{self.open} {text} {self.close}" if self.close else f"{self.open} {text}"


HASH = CommentForm("#")
SLASHES = CommentForm("//")
JSX = CommentForm("{/*", "*/}")
#: Never written, but a block comment holding a marker is read as one.
BLOCK = CommentForm("/*", "*/")


@dataclass(frozen=True, slots=True)
class LanguageForms:
    """How a language's markers are written."""

    #: On a line of code (statements, declarations, class bodies).
    line: CommentForm
    #: Inside JSX, where a ``//`` comment would be text; None where there is no JSX.
    jsx: CommentForm | None = None


#: Per language of the registry (``codecrdt.analysis.languages``; a test keeps them equal).
#: A new language, or a new comment form for one, is an entry here: the regexes, the
#: renderer, the prompts and the extension's JSON follow.
LANGUAGE_FORMS: dict[str, LanguageForms] = {
    "python": LanguageForms(HASH),
    "javascript": LanguageForms(SLASHES, JSX),
    "typescript": LanguageForms(SLASHES),
    "tsx": LanguageForms(SLASHES, JSX),
}

#: Every form a marker is written in (by the Outliner, by
#: :class:`~codecrdt.agents.shaping.MarkerRepair`), in a fixed order; the forms read are
#: these and :data:`BLOCK`.
WRITTEN_FORMS: tuple[CommentForm, ...] = tuple(
    dict.fromkeys(
        form
        for forms in LANGUAGE_FORMS.values()
        for form in (forms.line, forms.jsx)
        if form is not None
    )
)
_READ_FORMS = (*WRITTEN_FORMS, BLOCK)


def _alternatives(texts: set[str]) -> str:
    # Longest first, so that a closer such as "*/}" is not cut to "*/".
    return "|".join(re.escape(text) for text in sorted(texts, key=lambda t: (-len(t), t)))


_READ_OPEN = _alternatives({form.open for form in _READ_FORMS})
_READ_CLOSE = _alternatives({form.close for form in _READ_FORMS if form.close})
_WRITTEN_OPEN = _alternatives({form.open for form in WRITTEN_FORMS})
_WRITTEN_CLOSE = _alternatives({form.close for form in WRITTEN_FORMS if form.close})
_PREFIX, _SUFFIX = re.escape(PREFIX), re.escape(SUFFIX)

#: A complete marker line (without its line break), in any form read.
MARKER_LINE = re.compile(
    rf"^(?P<indent>[ \t]*)(?:{_READ_OPEN})[ \t]*"
    rf"{_PREFIX}(?P<name>{NAME_PATTERN})(?P<hint>{HINT_PATTERN})?[ \t]*{_SUFFIX}"
    r"(?::[ \t]*(?P<description>.*?))?"
    rf"[ \t]*(?:{_READ_CLOSE})?[ \t]*$"
)
#: A marker's tag anywhere in a text, its name any characters but white space up to the
#: closing parenthesis: what ``leftover-todo`` reports (a name the scan refuses too, so that
#: ``codecrdt check`` shows it) and what :class:`~codecrdt.agents.shaping.MarkerRepair`
#: keeps unique.
MARKER_TAG = re.compile(
    rf"{_PREFIX}(?P<name>[^{_SUFFIX}\s]+)(?P<hint>{HINT_PATTERN})?[ \t]*{_SUFFIX}"
)
#: A plain TODO comment line in a written form (``# TODO: parse the flags``), not a marker:
#: the marker a model meant, which :class:`codecrdt.agents.shaping.MarkerRepair` names.
PLAIN_TODO = re.compile(
    rf"^(?P<indent>[ \t]*)(?P<open>{_WRITTEN_OPEN})[ \t]*{KEYWORD}\b"
    rf"(?!{re.escape(PREFIX[len(KEYWORD) :])})[ \t:.-]*"
    rf"(?P<text>.*?)[ \t]*(?:{_WRITTEN_CLOSE})?[ \t]*$"
)


#: A user's plain ``TODO``/``FIXME`` comment line (``# TODO: parse the flags``), which
#: ``codecrdt implement`` names (:func:`plain_notes`).
PLAIN_NOTE = re.compile(
    rf"^(?P<indent>[ \t]*)(?P<open>{_WRITTEN_OPEN})[ \t]*(?:{KEYWORD}|FIXME)\b"
    rf"(?!{re.escape(PREFIX[len(KEYWORD) :])})[ \t:.-]*"
    rf"(?P<text>.*?)[ \t]*(?:{_WRITTEN_CLOSE})?[ \t]*$"
)


def tag(name: str, size: int | None = None) -> str:
    """``TODO(codecrdt:name)``, or with a size hint ``TODO(codecrdt:name ~40 lines)``."""
    hint = f" ~{size} lines" if size is not None else ""
    return f"{PREFIX}{name}{hint}{SUFFIX}"


def size_hint(hint: str | None) -> int | None:
    """The lines a marker's hint (``" ~40 lines"``, the ``hint`` group of
    :data:`MARKER_LINE`) promises, or None when there is none or it does not read."""
    if not hint:
        return None
    match = _SIZE.fullmatch(hint.strip())
    if match is None:
        return None
    lines = int(match["lines"])
    return lines if 1 <= lines <= MAX_SIZE_HINT else None


_NOT_NAME_CHAR = re.compile(rf"[^{_NAME_CHARS}]")


def as_name(text: str) -> str:
    """``text`` made a marker name: every character a name cannot hold becomes ``_``."""
    return _NOT_NAME_CHAR.sub("_", text)


def mentions_marker(text: str) -> bool:
    """Whether ``text`` may hold a marker: the cheap test before a scan, and the filter
    that keeps a model's echoed markers out of code it writes."""
    return PREFIX in text


def render(
    form: CommentForm, name: str, description: str, indent: str = "", size: int | None = None
) -> str:
    """The marker line (with its line break) in ``form``, with a size hint if ``size``."""
    return f"{indent}{form.wrap(f'{tag(name, size)}: {description}')}\n"


def marker_line(
    language: str,
    name: str,
    description: str,
    indent: str = "",
    jsx: bool = False,
    size: int | None = None,
) -> str:
    """The marker line (with its line break) for ``language``, inside JSX if ``jsx``."""
    forms = LANGUAGE_FORMS[language]
    form = forms.jsx if jsx else forms.line
    if form is None:
        raise ValueError(f"{language} has no JSX, so no marker form inside JSX")
    return render(form, name, description, indent, size)


def form_opened_by(opener: str) -> CommentForm:
    """The written form that starts with ``opener`` (a :data:`PLAIN_TODO` ``open`` group)."""
    return next(form for form in WRITTEN_FORMS if form.open == opener)


@dataclass(frozen=True, slots=True)
class Marker:
    name: str
    description: str
    indent: str
    #: Code-point offsets of the whole line, its line break included.
    start: int
    end: int
    line: int
    #: The lines its size hint promises; None without a (readable) hint.
    size: int | None = None


def scan_markers(text: str, first_line: int = 0, start_offset: int = 0) -> list[Marker]:
    """Every complete marker line in ``text`` (whose first line is line ``first_line``)."""
    found: list[Marker] = []
    offset = start_offset
    line = first_line
    for raw in text.splitlines(keepends=True):
        if raw.endswith("\n") and mentions_marker(raw):
            match = MARKER_LINE.match(raw.rstrip("\r\n"))
            if match:
                found.append(
                    Marker(
                        match["name"],
                        (match["description"] or "").strip(),
                        match["indent"],
                        offset,
                        offset + len(raw),
                        line,
                        size_hint(match["hint"]),
                    )
                )
        offset += len(raw)
        line += 1
    return found


def find_marker(text: str, name: str) -> Marker | None:
    """The marker named ``name`` in ``text``, or None when it is not (or no longer) there."""
    needle = f"{PREFIX}{name}"  # then ")" or a size hint: the scan of the line decides
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
                        marker.size,
                    )
        position = text.find(needle, position + 1)
    return None


@dataclass(frozen=True, slots=True)
class PlainNote:
    """A plain ``TODO``/``FIXME`` comment line and the marker line that names it."""

    name: str
    #: Code-point offsets of the comment line, without its line break.
    start: int
    end: int
    line: int
    marker: str


_WORD = re.compile(r"[A-Za-z0-9]+")


def plain_notes(
    text: str, language: str, first: int = 0, last: int | None = None
) -> list[PlainNote]:
    """The plain ``TODO``/``FIXME`` comment lines, in ``language``'s comment forms, of lines
    ``first``..``last`` (inclusive; None: to the end), each with a marker line to replace
    it: same indentation and comment form, its text as the description, named after its
    first words (unique in ``text``)."""
    forms = LANGUAGE_FORMS[language]
    opens = {form.open for form in (forms.line, forms.jsx) if form is not None}
    used = {marker.name for marker in scan_markers(text)}
    notes: list[PlainNote] = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True)):
        line = raw.rstrip("\r\n")
        if number >= first and (last is None or number <= last):
            match = PLAIN_NOTE.match(line)
            if match is not None and match["open"] in opens:
                description = match["text"].strip() or "implement this"
                base = "_".join(_WORD.findall(description.lower())[:4]) or "todo"
                name, count = base, 2
                while name in used:
                    name, count = f"{base}_{count}", count + 1
                used.add(name)
                marker = render(form_opened_by(match["open"]), name, description, match["indent"])
                notes.append(
                    PlainNote(name, offset, offset + len(line), number, marker.rstrip("\n"))
                )
        offset += len(raw)
    return notes


def _form_json(form: CommentForm | None) -> dict[str, str] | None:
    return None if form is None else {"open": form.open, "close": form.close}


def json_text() -> str:
    """The syntax for the VS Code extension: ``extension/src/common/markers.json``."""
    syntax = {
        "generatedBy": "python -m codecrdt.markers --json (server/codecrdt/markers.py)",
        "prefix": PREFIX,
        "suffix": SUFFIX,
        "namePattern": NAME_PATTERN,
        "hintPattern": HINT_PATTERN,
        "languages": {
            name: {"line": _form_json(forms.line), "jsx": _form_json(forms.jsx)}
            for name, forms in LANGUAGE_FORMS.items()
        },
        "readOnly": [_form_json(BLOCK)],
    }
    return json.dumps(syntax, indent=4) + "\n"


def main(argv: list[str]) -> int:
    if argv != ["--json"]:
        print("usage: python -m codecrdt.markers --json", file=sys.stderr)
        return 2
    sys.stdout.write(json_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

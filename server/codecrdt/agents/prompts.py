"""The requests each agent sends to its model.

The shared part of every request (the task and the current document) goes into
``context``, which providers cache; what differs per call goes into ``prompt``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from string import Template

from codecrdt.agents.fix_answers import numbered
from codecrdt.agents.providers.base import Request
from codecrdt.markers import LANGUAGE_FORMS, NAME_RULE, marker_line, tag

__all__ = [
    "ANSWER_REGION",
    "EXAMPLE_END",
    "EXAMPLE_START",
    "FILE_IN_OUTLINE",
    "FILE_NOW",
    "FILE_NUMBERED",
    "OUTLINE",
    "REGION_INTRO",
    "SECTION_HEADERS",
    "TASK",
    "WHOLE_FILE_CHARS",
    "FixSite",
    "evaluator_request",
    "extend_request",
    "implementer_request",
    "outline_request",
    "sequential_request",
]

_LANG = {"python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "tsx": "TSX"}

_CODE_ONLY = "Answer with code only: no explanations, no Markdown fences."

#: The section headers of a request's shared part (``context``). A model that echoes its
#: request starts with one of them (:mod:`codecrdt.agents.echo`).
TASK = "# Task"
FILE_NOW = "# The file as it is now"
FILE_NUMBERED = f"{FILE_NOW}, numbered"
FILE_IN_OUTLINE = f"{FILE_NOW}, in outline (bodies elided)"
OUTLINE = "# The outline"
SECTION_HEADERS = (TASK, FILE_NOW, FILE_NUMBERED, FILE_IN_OUTLINE, OUTLINE)
#: The lines around an implementer's region in its prompt: what lies between is the
#: file's code, not the request's prose.
REGION_INTRO = "It is here in the file now:"
#: The lines around the Outliner's example skeleton in its system text (code, not prose).
EXAMPLE_START = "--- example, another task ---"
EXAMPLE_END = "--- end of example ---"
ANSWER_REGION = "Answer with the lines that replace that marker line."
#: Added to the Outliner's prompt when its first answer was only its request echoed.
_ECHOED = (
    "Your last answer repeated this request, or copied the example of another task, "
    "instead of writing this Task's skeleton. Do not repeat any of it: write the skeleton "
    "of the Task above now."
)


def _marker(
    language: str, name: str, description: str, jsx: bool = False, size: int | None = None
) -> str:
    # Without indentation and line break: the example's text around it has both.
    return marker_line(language, name, description, jsx=jsx, size=size).removesuffix("\n")


#: How the Outliner is told to state each TODO's size (the marker's ``~N lines`` hint).
_SIZE_RULE = (
    "After the name, state the number of lines you expect that code to take, as `~N lines` "
    "inside the parentheses (implementers take the largest TODOs first)."
)


# The examples' markers are rendered, so they follow the syntax of codecrdt.markers.
_PYTHON_EXAMPLE = Template('''import json
from dataclasses import dataclass


@dataclass
class Note:
    title: str
    body: str


def load_notes(path: str) -> list[Note]:
    """Read the notes saved in a JSON file."""
    $load_notes


def save_notes(path: str, notes: list[Note]) -> None:
    """Write the notes to a JSON file."""
    $save_notes
''').substitute(
    load_notes=_marker(
        "python", "load_notes", "open the file, parse the JSON list, build Note objects", size=6
    ),
    save_notes=_marker(
        "python", "save_notes", "serialise the notes as a JSON list and write the file", size=4
    ),
)

_TS_EXAMPLE = Template("""import React, { useState } from "react";

interface Note {
  title: string;
  body: string;
}

function loadNotes(raw: string): Note[] {
  $loadNotes
}

export default function Notes() {
  const [notes, setNotes] = useState<Note[]>([]);
  return (
    <main>
      $NoteList
    </main>
  );
}
""").substitute(
    loadNotes=_marker("tsx", "loadNotes", "parse the JSON list and keep the valid notes", size=8),
    NoteList=_marker("tsx", "NoteList", "one card per note, newest first", jsx=True, size=10),
)

_EXAMPLES = {
    "python": _PYTHON_EXAMPLE,
    "typescript": _TS_EXAMPLE,
    "tsx": _TS_EXAMPLE,
    "javascript": _TS_EXAMPLE,
}


def _context(spec: str, document: str) -> str:
    body = document if document.strip() else "(empty)"
    return f"{TASK}\n{spec.strip()}\n\n{FILE_NOW}\n{body}"


def _outline_context(spec: str, outline: str) -> str:
    return f"{TASK}\n{spec.strip()}\n\n{FILE_IN_OUTLINE}\n{outline}"


def outline_request(
    language: str, spec: str, document: str, agent: str, *, echoed: bool = False
) -> Request:
    """The Outliner's request on an empty file; ``echoed``: asked again because the last
    answer was only the request echoed (the prompt says so)."""
    lang = _LANG.get(language, language)
    example = marker_line(language, "parse_args", "read the command-line flags", size=12).strip()
    jsx = (
        "\nInside JSX write the marker as "
        + marker_line(language, "Header", "the title bar", jsx=True, size=15).strip()
        if LANGUAGE_FORMS[language].jsx is not None
        else ""
    )
    system = (
        f"You are the Outliner of a team writing one {lang} file in parallel. Write the "
        "file's skeleton: imports, constants, types, classes, function signatures with "
        "docstrings, and the overall structure. Where code is still to be written, put one "
        f"TODO marker line instead, exactly of the form `{example}`, with a unique name "
        f"({NAME_RULE}) and a one-line description of what to write there. {_SIZE_RULE}"
        f"{jsx} Several implementers will fill the markers at the same time, each seeing "
        "the whole file, so give each marker a self-contained piece of work. Declare every "
        "import and shared helper signature in the skeleton, so implementers need not add "
        f"module-level declarations. The skeleton must be valid {lang}. {_CODE_ONLY}"
        "\n\nThe example below shows the format only. It is the skeleton of another task "
        "(a notes store): none of its names, types or functions belong in this file."
        f"\n{EXAMPLE_START}\n{_EXAMPLES.get(language, '')}{EXAMPLE_END}"
    )
    return Request(
        "outliner",
        system,
        _context(spec, document),
        "Write the skeleton for the Task above now, after what the file already holds: "
        "only the imports, types, constants and functions this Task needs, each function "
        "body a TODO marker." + (f" {_ECHOED}" if echoed else ""),
        "outline",
        max_tokens=8192,
        agent=agent,
    )


def extend_request(language: str, spec: str, numbered: str, agent: str) -> Request:
    """The Outliner's request on a file that already holds code (shown ``numbered``)."""
    lang = _LANG.get(language, language)
    example = marker_line(language, "parse_args", "read the command-line flags", size=12).strip()
    system = (
        f"You are the Outliner of a team adding to an existing {lang} file in parallel. The "
        "file already holds code, shown with line numbers. Plan only the additions the Task "
        "needs: new imports, constants, types, functions and methods, each new body one TODO "
        f"marker line of the form `{example}`, with a unique name ({NAME_RULE}) and a "
        f"one-line description. {_SIZE_RULE} Never repeat, rewrite or remove the file's "
        "code. Write each addition as a block led by one placement line:\n"
        "@@ imports  (with the file's imports)\n"
        "@@ inside-class NAME  (at the end of class NAME's body)\n"
        "@@ after NAME  (after the top-level function or class NAME)\n"
        "@@ after-line N  (after line N, between two top-level statements)\n"
        "@@ end  (at the end of the file)\n"
        "followed by the block's lines at the indentation they have in the file. The "
        "placement lines are not written into the file; everything else is. "
        f"{_CODE_ONLY}"
    )
    return Request(
        "outliner",
        system,
        f"{TASK}\n{spec.strip()}\n\n{FILE_NUMBERED}\n{numbered}",
        "Write the placed blocks for the Task above now.",
        "outline",
        max_tokens=8192,
        agent=agent,
    )


def implementer_request(
    language: str,
    spec: str,
    outline: str,
    todo: str,
    description: str,
    agent: str,
    promised: Sequence[tuple[str, str]] = (),
    *,
    region: str = "",
    others: Sequence[str] = (),
    outline_complete: bool = True,
    retry: str = "",
) -> Request:
    """An implementer's request: the task and the ``outline`` are the shared part (the
    same text for every implementer and every call of a run once the outline is complete,
    so providers reuse the cached prefix); the prompt holds only what is this TODO's: its
    marker, ``region`` (the lines around the marker in the file now), the definitions other
    TODOs write (``promised``: (TODO, definition header)) and the other open TODOs
    (``others``: their names; their descriptions are in the outline).

    Before the outline is complete (``outline_complete`` False) ``outline`` is the outline
    so far, and the prompt says so: under the same title, so that the shared part of an
    early request is a prefix of the later ones' (a prefix cache reuses it).

    ``retry``: why an earlier answer for this marker was not used; the prompt ends saying
    so (at temperature 0 the same request would get the same answer).
    """
    lang = _LANG.get(language, language)
    system = (
        f"You write the code of one TODO marker of a {lang} file whose other markers other "
        "implementers fill at the same time. Your lines replace the marker line, at its "
        "indentation. Use what the outline declares: never declare again a name it declares "
        "or another TODO owns, add no module-level import, do not repeat the surrounding "
        f"signature or docstring. {_CODE_ONLY}"
    )
    body = outline if outline.strip() else "(empty)"
    prompt = "" if outline_complete else "(The outline above is still being written.)\n"
    prompt += f"Write the code for the marker {tag(todo)}: {description}\n"
    if region:
        prompt += f"{REGION_INTRO}\n{region.rstrip()}\n"
    prompt += ANSWER_REGION
    if promised:
        listed = "\n".join(f"- {header}  (TODO {name})" for name, header in promised)
        prompt += (
            "\n\nOther implementers own these TODOs and are writing them now. Call their "
            "definitions by these names and parameters; never write them here, and do not "
            f"write another helper for the same job:\n{listed}"
        )
    headed = {name for name, _ in promised}
    rest = [name for name in others if name not in headed]
    if rest:
        prompt += f"\n\nOther implementers also own the TODOs {', '.join(rest)}."
    if retry:
        prompt += (
            f"\n\nAn earlier answer for this marker was not used: {retry}. Answer with "
            f"only the lines that replace the marker {tag(todo)}, at its indentation: the "
            "code of this TODO, nothing of the other TODOs' definitions."
        )
    return Request(
        "implementer",
        system,
        f"{TASK}\n{spec.strip()}\n\n{OUTLINE}\n{body}",
        prompt,
        f"todo:{todo}",
        max_tokens=4096,
        agent=agent,
    )


@dataclass(frozen=True, slots=True)
class FixSite:
    """One place of a batched Evaluator request: the conflict there (and any other
    conflict in the same lines), the lines a fix replaces (``lines``, from line
    ``first_line`` of the file) and the other places involved."""

    number: int
    code: str
    name: str | None
    message: str
    lines: str
    first_line: int
    #: Other places shown with it: (what it is, its text, its first line).
    others: tuple[tuple[str, str, int], ...] = ()
    #: What else the model needs to know (for an undefined name: the names in scope).
    details: tuple[str, ...] = ()
    #: Why it is asked again (the last fix did not hold, or could not be used).
    notes: tuple[str, ...] = ()
    #: Other conflicts in the same lines, fixed by the same edit: (code, name, message).
    also_here: tuple[tuple[str, str | None, str], ...] = ()


_DUPLICATE = (
    "The earlier declaration stays: answer with an empty block to delete these lines, or, "
    "if the file needs this version too, with it under a name of its own."
)
#: What the smallest edit is, by kind of conflict.
_FIX_HINTS = {
    "conflicting-value": "Decide which value the file needs (read how the name is used) and "
    "answer with the one statement that stands: it replaces these lines, and the second "
    "place is removed with it.",
    "duplicate-declaration": _DUPLICATE,
    "duplicate-member": _DUPLICATE,
    "conflicting-signature": _DUPLICATE,
    "duplicate-import": "Remove the names imported again; keep the rest of the statement.",
    "arity-mismatch": "Change the call so that it fits the definition.",
    "undefined-name": "Read the name the code meant, or import or define it (an import or a "
    "definition goes at the top of these lines).",
    "syntax-error": "Make these lines valid code that does what they were meant to do.",
}

#: Up to this size (characters; about 1,500 tokens at 4 characters a token) the
#: Evaluator's request carries the whole file; above it, the file in outline
#: (:func:`codecrdt.analysis.fileview.outline_view`: long bodies left out, line numbers at
#: the left), since every conflict already carries its own numbered lines. The request's
#: shared context is prefilled uncached (its file matches no earlier request), so its size
#: is time before the fix's first token: on a hosted model a few tenths of a second per
#: thousand tokens, on a local CPU model (prefill ~40 tokens/s) 25 s per thousand.
WHOLE_FILE_CHARS = 6_000

_OUTLINE_NOTE = (
    "The file is shown in outline: a long body is left out, replaced by one line that says "
    "which file lines it leaves out; the numbers at the left are the file's line numbers, "
    "as in the conflicts' lines."
)

_FIX_FORMAT = (
    "For each conflict you fix, write a line `FIX <number>` and then one code block with "
    "the lines that replace that conflict's lines, at their indentation, without the line "
    "numbers. To replace only some of them, write `FIX <number> lines A-B`. An empty code "
    "block deletes the lines. Leave out a conflict you cannot fix. No explanations.\n"
    "The answer's form:\nFIX 1\n```\n<the new lines for conflict 1>\n```\nFIX 2\n```\n"
    "<the new lines for conflict 2>\n```"
)


def evaluator_request(
    language: str,
    spec: str,
    document: str,
    sites: Sequence[FixSite],
    agent: str,
    *,
    outline: str | None = None,
) -> Request:
    """One request for every conflict of an Evaluator round that still needs a model; its
    answer is read by :func:`codecrdt.agents.fix_answers.parse_answer`. The key lists the
    places, ``fix:<code>:<name> <code>:<name> …``, numbered 1, 2, … in that order; the
    conflicts of one place are joined by ``+``. ``outline``: the file in outline (numbered,
    bodies elided), shown instead of the whole ``document`` (a file above
    :data:`WHOLE_FILE_CHARS`)."""
    lang = _LANG.get(language, language)
    shown = "" if outline is None else f" {_OUTLINE_NOTE}"
    system = (
        f"You are the Evaluator of a team writing one {lang} file in parallel. Parallel "
        "writers left conflicts in it. Each conflict below has a number, what is wrong, its "
        "lines as they are in the file (numbered) and the other places it involves. Make the "
        "smallest edit that removes each conflict and keeps the file working; change "
        f"nothing else.{shown}\n{_FIX_FORMAT}"
    )
    parts = []
    for site in sites:
        part = f"## Conflict {site.number}: {site.code}{_about(site.name)}\n{site.message}\n"
        for code, name, message in site.also_here:
            part += f"In the same lines, {code}{_about(name)}: {message}\n"
        part += f"Lines to replace:\n{numbered(site.lines, site.first_line)}"
        for label, text, first in site.others:
            part += f"{label}:\n{numbered(text, first)}"
        for line in site.details:
            part += f"{line}\n"
        codes = dict.fromkeys([site.code, *(code for code, _n, _m in site.also_here)])
        for code in codes:
            if hint := _FIX_HINTS.get(code):
                part += f"{hint}\n"
        for line in site.notes:
            part += f"{line}\n"
        parts.append(part)
    conflicts = len(sites) + sum(len(site.also_here) for site in sites)
    count = "one conflict" if conflicts == 1 else f"{conflicts} conflicts"
    if conflicts > len(sites):
        count += " in one place" if len(sites) == 1 else f" in {len(sites)} places"
    prompt = f"Fix {count}.\n\n" + "\n".join(parts)
    return Request(
        "evaluator",
        system,
        _context(spec, document) if outline is None else _outline_context(spec, outline),
        prompt,
        "fix:" + " ".join(_key(site) for site in sites),
        max_tokens=4096,
        agent=agent,
    )


def _key(site: FixSite) -> str:
    """A place in a request's key: ``code:name``, ``+`` the other conflicts there."""
    here = [(site.code, site.name), *((code, name) for code, name, _m in site.also_here)]
    return "+".join(f"{code}:{name or ''}" for code, name in here)


def _about(name: str | None) -> str:
    return f" '{name}'" if name else ""


def sequential_request(language: str, spec: str, document: str, agent: str) -> Request:
    lang = _LANG.get(language, language)
    system = (
        f"You write a complete {lang} file in one pass, from top to bottom: every import, "
        f"type and function fully implemented. {_CODE_ONLY}"
    )
    return Request(
        "sequential",
        system,
        _context(spec, document),
        "Write the whole file now, after what the file already holds.",
        "sequential",
        max_tokens=16384,
        agent=agent,
    )

"""The requests each agent sends to its model.

The shared part of every request (the task and the current document) goes into
``context``, which providers cache; what differs per call goes into ``prompt``.
"""

from __future__ import annotations

from collections.abc import Sequence
from string import Template

from codecrdt.agents.providers.base import Request
from codecrdt.markers import LANGUAGE_FORMS, NAME_RULE, marker_line, tag

__all__ = [
    "evaluator_request",
    "extend_request",
    "implementer_request",
    "outline_request",
    "sequential_request",
]

_LANG = {"python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "tsx": "TSX"}

_CODE_ONLY = "Answer with code only: no explanations, no Markdown fences."


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
    return f"# Task\n{spec.strip()}\n\n# The file as it is now\n{body}"


def outline_request(language: str, spec: str, document: str, agent: str) -> Request:
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
        f"\n--- example, another task ---\n{_EXAMPLES.get(language, '')}--- end of example ---"
    )
    return Request(
        "outliner",
        system,
        _context(spec, document),
        "Write the skeleton for the Task above now, after what the file already holds: "
        "only the imports, types, constants and functions this Task needs, each function "
        "body a TODO marker.",
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
        f"# Task\n{spec.strip()}\n\n# The file as it is now, numbered\n{numbered}",
        "Write the placed blocks for the Task above now.",
        "outline",
        max_tokens=8192,
        agent=agent,
    )


def implementer_request(
    language: str,
    spec: str,
    document: str,
    todo: str,
    description: str,
    agent: str,
    promised: Sequence[tuple[str, str]] = (),
) -> Request:
    """``promised``: (TODO, definition header) of the definitions other TODOs write."""
    lang = _LANG.get(language, language)
    system = (
        f"You are an Implementer in a team writing one {lang} file in parallel. You write the "
        "code for one TODO marker; other implementers write the other markers at the same "
        "time. Your code replaces the marker line, at its indentation. Use the imports, "
        "types and helpers the file already declares; never declare again a name the file "
        "already declares, and do not add imports at module level. Do not repeat the "
        f"surrounding code (signature, docstring). {_CODE_ONLY}"
    )
    prompt = (
        f"Write the code for the marker {tag(todo)}: {description}\n"
        "Answer with the lines that replace that marker line."
    )
    if promised:
        listed = "\n".join(f"- {header}  (TODO {name})" for name, header in promised)
        prompt += (
            "\n\nOther implementers are writing these definitions now. Call them by these "
            "names and parameters where you need them; do not write another helper for the "
            f"same job:\n{listed}"
        )
    return Request(
        "implementer",
        system,
        _context(spec, document),
        prompt,
        f"todo:{todo}",
        max_tokens=4096,
        agent=agent,
    )


def evaluator_request(
    language: str,
    spec: str,
    document: str,
    code: str,
    name: str | None,
    message: str,
    region: str,
    agent: str,
    sites: str = "",
) -> Request:
    """``sites``: what the model needs beyond the region. For a conflict between two places
    (two values of one constant), both of them: the answer replaces the region, which is
    the first, and the second is removed. For a call mismatch, the definition the call
    reaches; for an undefined name, the names in scope."""
    lang = _LANG.get(language, language)
    system = (
        f"You are the Evaluator of a team writing one {lang} file in parallel. Parallel "
        "writers left a semantic conflict. You get the conflict and one region of the file; "
        "answer with the text that replaces that region so that the conflict is gone and "
        "the file still works (an empty answer deletes the region). Keep the rest of the "
        f"region's behaviour. {_CODE_ONLY}"
    )
    prompt = f"Conflict ({code}): {message}\n\nRegion to replace:\n{region}"
    if sites:
        if code == "conflicting-value":
            prompt = (
                f"Conflict ({code}): {message}\n\nThe two places:\n{sites}\n\n"
                "Make the smallest edit: decide which value the file needs (read how the "
                "name is used) and answer with the one statement that stands. It replaces "
                "the first place; the second is removed.\n\n"
                f"Region to replace (the first place):\n{region}"
            )
        else:
            prompt += f"\n\n{sites}"
    return Request(
        "evaluator",
        system,
        _context(spec, document),
        prompt,
        f"fix:{code}:{name or ''}",
        max_tokens=4096,
        agent=agent,
    )


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

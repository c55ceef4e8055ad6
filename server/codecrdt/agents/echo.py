"""Keeping a model's echo of its own request out of the file.

Small models asked for code sometimes answer with their request: the ``# Task`` section
and the spec, ``# The outline`` and a copy of the outline, the closing instruction.
:class:`EchoFilter` sits after the line shaper (before the Outliner's marker repair and
an implementer's lane guard) and drops, as the answer streams:

- **an echo**: a line that is one of the request's section headers
  (:data:`~codecrdt.agents.prompts.SECTION_HEADERS`) followed, after any blank lines, by
  a line copied from the request. The echo runs while the lines are copies of the request
  (any of its lines, the outline's code included), blank lines or headers, and ends at the
  first line that is not: that line and what follows are written, the extra indentation
  of the line that ended it taken off them (a model echoing its outline goes on writing
  the body at the outline's depth). An echo that reaches the end of the answer is dropped
  whole. A header followed by anything else is an ordinary comment and is written.
- **a stray line of the request's prose**: a line whose text is a line of the task or of
  the instructions, of four words or more (not of the file, the outline, the region
  shown or the Outliner's example skeleton, which a model legitimately repeats), and is
  not valid code on its own.

- **a copy of the Outliner's example**: a top-level definition whose header line is one of
  the example skeleton's (``def load_notes(path: str) -> list[Note]:``, ``class Note:``,
  ``interface Note {``) and whose name shares no word with the task
  (:func:`codecrdt.agents.onspec.words`), with its body and the decorators above it. The
  example shows the format of another task; a small model copies it into the plan (seen
  with Qwen2.5-Coder-0.5B on wordstats: ``Note``, ``load_notes``, ``save_notes`` as the
  whole plan). A task that is about notes keeps them.

Lines inside a multi-line string or comment are never dropped: a docstring may quote the
spec. :attr:`EchoFilter.dropped` counts the lines dropped (the report's
``echo_dropped``).
"""

from __future__ import annotations

import re

from codecrdt.agents.onspec import words
from codecrdt.agents.prompts import (
    ANSWER_REGION,
    EXAMPLE_END,
    EXAMPLE_START,
    REGION_INTRO,
    SECTION_HEADERS,
    TASK,
)
from codecrdt.agents.providers.base import Request
from codecrdt.analysis.languages import LanguageSpec, valid_code

__all__ = ["EchoFilter", "request_lines"]

#: The fewest words a line of the request's prose has to be dropped on its own.
_PROSE_WORDS = 4


def request_lines(request: Request) -> tuple[frozenset[str], frozenset[str]]:
    """The request's lines (non-blank, as :func:`_bare` compares them), and of them its
    prose: the system text, the ``# Task`` section and the prompt, less the region shown
    in the prompt, the Outliner's example and any line the file or outline sections also
    hold."""
    every: set[str] = set()
    prose: set[str] = set()
    code: set[str] = set()
    in_example = False
    for line in request.system.splitlines():
        stripped = line.strip()
        if stripped in (EXAMPLE_START, EXAMPLE_END):
            in_example = stripped == EXAMPLE_START
        (code if in_example else prose).add(stripped)
    section = ""
    for line in request.context.splitlines():
        stripped = line.strip()
        if stripped in SECTION_HEADERS:
            section = stripped
            every.add(stripped)
            continue
        (prose if section == TASK else code).add(stripped)
    in_region = False
    for line in request.prompt.splitlines():
        stripped = line.strip()
        if stripped == REGION_INTRO:
            in_region = True
        elif stripped.startswith(ANSWER_REGION):
            in_region = False
        elif in_region:
            code.add(stripped)
            continue
        prose.add(stripped)
    every |= prose | code
    every = {_bare(line) for line in every} - {""}
    # A line of a few words could be code a model writes anyway (``return (``).
    prose = {_bare(line) for line in prose - code if len(line.split()) >= _PROSE_WORDS}
    return frozenset(every), frozenset(prose - {_bare(line) for line in code})


def example_headers(request: Request) -> frozenset[str]:
    """The header lines (stripped) of the top-level definitions in the request's example
    skeleton whose names share no word with the request's task; empty without an example.
    """
    lines = request.system.splitlines()
    if EXAMPLE_START not in lines:
        return frozenset()
    body = lines[lines.index(EXAMPLE_START) + 1 :]
    if EXAMPLE_END in body:
        body = body[: body.index(EXAMPLE_END)]
    task = _task_text(request.context)
    wanted = words(task)
    headers = set()
    for line in body:
        if not line or line[0].isspace():
            continue
        match = _DEFINITION.match(line)
        if match is not None and not words(match["name"]) & wanted:
            headers.add(line.strip())
    return frozenset(headers)


#: A top-level definition's header and its name, in Python or the JavaScript family.
_DEFINITION = re.compile(
    r"(?:export\s+(?:default\s+)?)?(?:async\s+)?"
    r"(?:def|class|function|interface|type|enum)\s+(?P<name>[A-Za-z_$][\w$]*)"
)
#: A line that only closes brackets: the end of a JavaScript-family definition's body.
_CLOSER = re.compile(r"[)}\]]+;?")


def _task_text(context: str) -> str:
    """The ``# Task`` section of a request's context."""
    lines, taken, inside = context.splitlines(), [], False
    for line in lines:
        if line.strip() in SECTION_HEADERS:
            inside = line.strip() == TASK
            continue
        if inside:
            taken.append(line)
    return "\n".join(taken)


def _bare(text: str) -> str:
    """``text`` as lines are compared: stripped, and without the brackets around it (a
    model copies ``(The outline above is still being written.)`` without them)."""
    return text.strip().removeprefix("(").removesuffix(")").strip()


class EchoFilter:
    """Passes on the shaped lines (each ending ``\\n``, at ``indent``) that are not an
    echo of ``request``; see the module's description."""

    def __init__(self, request: Request, language: LanguageSpec, indent: str = "") -> None:
        self.language = language
        self.indent = indent
        self.copies, self.prose = request_lines(request)
        #: Lines dropped so far.
        self.dropped = 0
        self._held: list[str] = []  # a header line (and blank lines after it)
        self._echo = False
        self._rebase = ""  # extra indentation taken off the lines after an echo
        self._strings = _OpenStrings(language.name == "python")
        self._examples = example_headers(request)
        self._decorators: list[str] = []  # top-level decorator lines, held for their header
        self._skipping = False  # inside a copied example definition's body
        self._blanks = False  # after a copied definition's closing line

    def feed(self, line: str) -> list[str]:
        """The lines that may be written now that ``line`` came."""
        stripped = line.strip()
        if self._echo:
            if not stripped or _bare(stripped) in self.copies:
                self.dropped += 1
                return []
            self._echo = False
            lead = line[: len(line) - len(line.lstrip())]
            self._rebase = lead[len(self.indent) :] if lead.startswith(self.indent) else ""
            return self._plain(line)
        if self._held:
            if not stripped:
                self._held.append(line)
                return []
            if _bare(stripped) in self.copies:
                self.dropped += len(self._held) + 1
                self._held, self._echo = [], True
                return []
            held, self._held = self._held, []
            for kept in held:
                self._strings.read(kept)
            return held + self._plain(line)
        return self._plain(line)

    def finish(self) -> list[str]:
        """A header held at the end is an ordinary comment: written, without the blank
        lines after it; decorators held at the end are written."""
        held, self._held = self._held, []
        while held and not held[-1].strip():
            held.pop()
        decorators, self._decorators = self._decorators, []
        return decorators + held

    def _plain(self, line: str) -> list[str]:
        if self._rebase:
            start = self.indent + self._rebase
            if line.startswith(start):
                line = self.indent + line[len(start) :]
        if self._examples and not self._strings.open:
            kept = self._example_copy(line)
            if kept is not None:
                return kept
        return self._kept(line)

    def _kept(self, line: str) -> list[str]:
        """``line`` (rebased, not an example copy) unless it opens an echo or is prose."""
        stripped = line.strip()
        if not self._strings.open:
            if stripped in SECTION_HEADERS:
                self._held = [line]
                return []
            if _bare(stripped) in self.prose and not valid_code(stripped, self.language):
                self.dropped += 1
                return []
        self._strings.read(line)
        return [line]

    def _example_copy(self, line: str) -> list[str] | None:
        """Drops a copied example definition (its decorators, header and body); returns
        the lines to write when this line settles held decorators, [] for a line dropped
        or held, None for a line to go on with."""
        body = line[len(self.indent) :] if line.startswith(self.indent) else line
        stripped = body.strip()
        if self._skipping:
            # The body, and the blank lines after it: those before the definition
            # already keep what follows apart from what came before.
            if not stripped or body[0].isspace():
                self.dropped += 1
                return []
            self._skipping = False
            if _CLOSER.fullmatch(stripped):
                self.dropped += 1
                self._blanks = True  # and the blank lines after it
                return []
        if self._blanks:
            if not stripped:
                self.dropped += 1
                return []
            self._blanks = False
        if stripped.startswith("@") and not body[0].isspace():
            self._decorators.append(line)
            return []
        if stripped in self._examples:
            self.dropped += len(self._decorators) + 1
            self._decorators, self._skipping = [], True
            return []
        if self._decorators:
            held, self._decorators = self._decorators, []
            for kept in held:
                self._strings.read(kept)
            return held + self._kept(line)
        return None


class _OpenStrings:
    """Follows the written lines to know whether a multi-line string or comment is open
    (Python: triple-quoted strings; the JavaScript family: template literals and block
    comments)."""

    def __init__(self, python: bool) -> None:
        self.python = python
        #: The delimiter that closes what is open, or None.
        self.closer: str | None = None

    @property
    def open(self) -> bool:
        return self.closer is not None

    def read(self, line: str) -> None:
        i, n = 0, len(line)
        while i < n:
            if self.closer is not None:
                end = _find_unescaped(line, self.closer, i)
                if end < 0:
                    return
                i, self.closer = end + len(self.closer), None
                continue
            rest = line[i:]
            if self.python:
                if rest.startswith("#"):
                    return
                if rest.startswith(('"""', "'''")):
                    self.closer, i = rest[:3], i + 3
                    continue
            else:
                if rest.startswith("//"):
                    return
                if rest.startswith("/*"):
                    self.closer, i = "*/", i + 2
                    continue
                if rest.startswith("`"):
                    self.closer, i = "`", i + 1
                    continue
            if rest[0] in "'\"":
                end = _find_unescaped(line, rest[0], i + 1)
                i = n if end < 0 else end + 1
                continue
            i += 1


def _find_unescaped(line: str, delimiter: str, start: int) -> int:
    """Where ``delimiter`` next occurs in ``line`` from ``start``, not after a backslash."""
    while True:
        found = line.find(delimiter, start)
        if found < 0:
            return -1
        backslashes = 0
        while found - backslashes - 1 >= start and line[found - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return found
        start = found + 1

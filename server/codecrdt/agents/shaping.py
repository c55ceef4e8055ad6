"""Turn a model's streamed text into whole lines, indented for their place in the file.

Models answer with code that may be wrapped in Markdown fences and indented however they
like. :class:`LineShaper` cuts the stream into complete lines, drops fence lines, removes
the indentation of the first non-blank line from every line and puts the target
indentation (the TODO marker's) in front instead. Once a fenced block closes, the rest of
the answer is prose about the code and is dropped.

:class:`MarkerRepair` turns an outline's plain TODO comments (``# TODO: …``) into
CodeCRDT markers named after the enclosing definition, for models that do not follow the
marker format; in Python it also turns a stub body (``pass``, ``...`` or
``raise NotImplementedError`` as a function's only statement after its docstring) into a
marker, since a skeleton's stub is code still to be written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from codecrdt.markers import (
    HASH,
    MARKER_TAG,
    PLAIN_TODO,
    as_name,
    form_opened_by,
    render,
)

__all__ = ["LineShaper", "MarkerRepair", "strip_fences"]


class LineShaper:
    def __init__(self, indent: str = "") -> None:
        self.indent = indent
        self._pending = ""
        self._base: str | None = None
        self._held_blank = 0
        self._fences = 0

    def feed(self, text: str) -> list[str]:
        """The lines completed by ``text``, shaped, each ending with ``\\n``."""
        self._pending += text
        if "\n" not in self._pending:
            return []
        *complete, self._pending = self._pending.split("\n")
        return [shaped for line in complete for shaped in self._shape(line)]

    def finish(self) -> list[str]:
        """The last line, if the answer did not end with a line break."""
        rest, self._pending = self._pending, ""
        return list(self._shape(rest)) if rest.strip() else []

    def _shape(self, line: str) -> list[str]:
        line = line.rstrip("\r")
        if self._fences >= 2:
            return []  # after the code block: the model explaining itself
        if line.lstrip().startswith("```"):
            self._fences += 1
            return []
        if not line.strip():
            if self._base is None:
                return []  # leading blank lines
            self._held_blank += 1
            return []
        if self._base is None:
            self._base = line[: len(line) - len(line.lstrip())]
        body = line[len(self._base) :] if line.startswith(self._base) else line.lstrip()
        out = ["\n"] * self._held_blank
        self._held_blank = 0
        out.append(f"{self.indent}{body}\n")
        return out


_DEFINITION = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?:default[ \t]+)?(?:async[ \t]+)?"
    r"(?:def|class|function|const|let|interface|type)[ \t]+(?P<name>[A-Za-z_$][\w$]*)"
)


_PY_DEF = re.compile(r"^(?P<indent>[ \t]*)(?:async[ \t]+)?def[ \t]+(?P<name>\w+)")
_STUB = re.compile(r"^(?:pass|\.\.\.|raise[ \t]+NotImplementedError\b.*)[ \t]*(?:#.*)?$")
_DOCSTRING_OPEN = re.compile(r'^[rRuU]?("""|\'\'\'|"|\')')


class _PythonStubs:
    """Follows a Python outline line by line to find a function whose body is a stub.

    The state is the function being read: its header (which may span lines while its
    brackets are open), then its docstring (remembered as the marker's description), then
    the first statement, which is a stub or ends the watch. A line at the ``def``'s
    indentation or less, a one-line ``def`` and a TODO comment end the watch too.
    """

    def __init__(self) -> None:
        self._name: str | None = None
        self._indent = 0
        self._depth = 0  # open brackets in the header
        self._header_open = False
        self._docstring_quote: str | None = None
        self._description = ""

    def __call__(self, line: str) -> tuple[str, str] | None:
        """(function name, description) when ``line`` is that function's stub body."""
        stripped = line.strip()
        definition = _PY_DEF.match(line)
        if definition:
            self._name, self._description = definition["name"], ""
            self._indent = _indent_width(line)
            self._docstring_quote = None
            self._depth = 0
            self._read_header(line)
            return None
        if self._name is None:
            return None
        if self._header_open:
            self._read_header(line)
            return None
        if self._docstring_quote is not None:
            if not self._description:
                self._description = stripped.replace(self._docstring_quote, "").strip()
            if self._docstring_quote in stripped:
                self._docstring_quote = None
            return None
        if not stripped:
            return None
        if _indent_width(line) <= self._indent or "TODO" in stripped:
            self._name = None
            return None
        if stripped.startswith("#"):
            return None
        opening = _DOCSTRING_OPEN.match(stripped)
        if opening and not self._description:
            quote = opening.group(1)
            body = stripped[opening.end() :]
            self._description = body.split(quote, 1)[0].strip()
            if quote not in body:
                self._docstring_quote = quote
            return None
        name, self._name = self._name, None
        if _STUB.match(stripped):
            return name, self._description.rstrip(".") or f"write {name}"
        return None

    def _read_header(self, line: str) -> None:
        code = line.split("#", 1)[0]
        self._depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        if self._depth > 0:
            self._header_open = True
            return
        self._header_open = False
        if not code.rstrip().endswith(":"):
            self._name = None  # `def f(): pass` on one line, or not a header at all


def _indent_width(line: str) -> int:
    """The columns of ``line``'s indentation, tabs expanded."""
    expanded = line.expandtabs()
    return len(expanded) - len(expanded.lstrip())


class MarkerRepair:
    """Makes an outline's TODO markers usable: plain TODO comments (and, in Python, stub
    bodies) become markers named after the enclosing definition, and a marker name used
    twice gets a new name (a TODO is one name; a second marker of that name would outlive
    the TODO's completion)."""

    def __init__(self, language: str | None = None, used: Iterable[str] = ()) -> None:
        self._last_definition = "todo"
        #: Names taken (``used``: the file's own markers, when an outline extends a file).
        self._used: set[str] = set(used)
        self._stubs = _PythonStubs() if language == "python" else None

    def _unique(self, name: str) -> str:
        unique, number = name, 2
        while unique in self._used:
            unique, number = f"{name}-{number}", number + 1
        self._used.add(unique)
        return unique

    def __call__(self, line: str) -> str:
        definition = _DEFINITION.match(line)
        if definition:
            self._last_definition = definition["name"]
        if self._stubs is not None:
            stub = self._stubs(line)
            if stub is not None:
                name, description = stub
                indent = line[: len(line) - len(line.lstrip())]
                unique = self._unique(as_name(name) or "todo")
                return render(HASH, unique, description, indent)
        match = PLAIN_TODO.match(line.rstrip("\n"))
        if match is None:
            named = MARKER_TAG.search(line)
            if named:
                name = named["name"]
                unique = self._unique(name)
                if unique != name:  # the name only: a size hint after it stays
                    line = line[: named.start("name")] + unique + line[named.end("name") :]
            return line
        name = as_name(self._last_definition) or "todo"
        unique = self._unique(name)
        description = match["text"] or f"write {name}"
        return render(form_opened_by(match["open"]), unique, description, match["indent"])


def strip_fences(text: str) -> str:
    """``text`` without Markdown code fence lines."""
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("```")
    )

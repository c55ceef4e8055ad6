"""Turn a model's streamed text into whole lines, indented for their place in the file.

Models answer with code that may be wrapped in Markdown fences and indented however they
like. :class:`LineShaper` cuts the stream into complete lines, drops fence lines, removes
the indentation of the first non-blank line from every line and puts the target
indentation (the TODO marker's) in front instead. Once a fenced block closes, the rest of
the answer is prose about the code and is dropped.

:class:`MarkerRepair` turns an outline's plain TODO comments (``# TODO: …``) into
CodeCRDT markers named after the enclosing definition, for models that do not follow the
marker format.
"""

from __future__ import annotations

import re

from codecrdt.markers import MARKER_TAG, PLAIN_TODO, as_name, form_opened_by, render, tag

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


class MarkerRepair:
    """Makes an outline's TODO markers usable: plain TODO comments become markers named
    after the enclosing definition, and a marker name used twice gets a new name (a TODO
    is one name; a second marker of that name would outlive the TODO's completion)."""

    def __init__(self) -> None:
        self._last_definition = "todo"
        self._used: set[str] = set()

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
        match = PLAIN_TODO.match(line.rstrip("\n"))
        if match is None:
            named = MARKER_TAG.search(line)
            if named:
                name = named["name"]
                unique = self._unique(name)
                if unique != name:
                    line = line.replace(tag(name), tag(unique), 1)
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

"""Turn a model's streamed text into whole lines, indented for their place in the file.

Models answer with code that may be wrapped in Markdown fences and indented however they
like. :class:`LineShaper` cuts the stream into complete lines, drops fence lines, removes
the indentation of the first non-blank line from every line and puts the target
indentation (the TODO marker's) in front instead.
"""

from __future__ import annotations

__all__ = ["LineShaper", "strip_fences"]


class LineShaper:
    def __init__(self, indent: str = "") -> None:
        self.indent = indent
        self._pending = ""
        self._base: str | None = None
        self._held_blank = 0

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
        if line.lstrip().startswith("```"):
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


def strip_fences(text: str) -> str:
    """``text`` without Markdown code fence lines."""
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("```")
    )

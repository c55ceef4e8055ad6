"""A document's syntax tree, kept up to date from the shared document's change events.

Edits are recorded as they arrive (``tree.edit`` is cheap) and the parser runs once,
incrementally, when findings are asked for: a burst of agent edits costs one reparse.
"""

from __future__ import annotations

from collections.abc import Iterable

import tree_sitter

from codecrdt.analysis.detect import Finding, analyze
from codecrdt.analysis.languages import LanguageSpec
from codecrdt.document import ChangeEvent, SharedDocument

__all__ = ["DocumentAnalysis", "analyze_text"]


def analyze_text(
    text: str | bytes,
    spec: LanguageSpec,
    *,
    done_todos: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    limit: int | None = None,
) -> list[Finding]:
    """Findings for a whole text, parsed from scratch (as ``codecrdt check`` does)."""
    source = text.encode("utf-8") if isinstance(text, str) else text
    tree = tree_sitter.Parser(spec.tree_sitter).parse(source)
    return analyze(tree, source, spec, done_todos=done_todos, codes=codes, limit=limit)


class DocumentAnalysis:
    """Incremental analysis of one shared document."""

    def __init__(self, document: SharedDocument, spec: LanguageSpec) -> None:
        self.document = document
        self.spec = spec
        self.parser = tree_sitter.Parser(spec.tree_sitter)
        self._source = document.text.encode("utf-8")
        self.tree = self.parser.parse(self._source)
        self._dirty = False
        self.reparses = 0
        self._unsubscribe = document.observe(self._on_change)

    def _on_change(self, event: ChangeEvent) -> None:
        for change in event.changes:
            self.tree.edit(
                start_byte=change.start_byte,
                old_end_byte=change.old_end_byte,
                new_end_byte=change.new_end_byte,
                start_point=change.start_point,
                old_end_point=change.old_end_point,
                new_end_point=change.new_end_point,
            )
        self._dirty = True

    def current_tree(self) -> tuple[tree_sitter.Tree, bytes]:
        if self._dirty:
            self._source = self.document.text.encode("utf-8")
            self.tree = self.parser.parse(self._source, self.tree)
            self._dirty = False
            self.reparses += 1
        return self.tree, self._source

    def findings(
        self,
        *,
        done_todos: Iterable[str] = (),
        codes: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[Finding]:
        tree, source = self.current_tree()
        return analyze(tree, source, self.spec, done_todos=done_todos, codes=codes, limit=limit)

    def close(self) -> None:
        self._unsubscribe()

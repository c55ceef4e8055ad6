"""A document's syntax tree, kept up to date from the shared document's change events.

Edits are recorded as they arrive (``tree.edit`` is cheap) and the parser runs once,
incrementally, when findings are asked for: a burst of agent edits costs one reparse. The
detectors, too, work only on the top-level statements whose text changed
(:mod:`codecrdt.analysis.statements`).
"""

from __future__ import annotations

from collections.abc import Iterable

import tree_sitter

from codecrdt.analysis.detect import Finding, analyze
from codecrdt.analysis.languages import LanguageSpec
from codecrdt.analysis.statements import StatementFacts
from codecrdt.document import ChangeEvent, SharedDocument

__all__ = ["DocumentAnalysis", "analyze_text", "parse_and_analyze"]


def analyze_text(
    text: str | bytes,
    spec: LanguageSpec,
    *,
    done_todos: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    limit: int | None = None,
    stub: bool = False,
) -> list[Finding]:
    """Findings for a whole text, parsed from scratch (as ``codecrdt check`` does);
    ``stub``: a Python stub (``.pyi``)."""
    source = text.encode("utf-8") if isinstance(text, str) else text
    tree = tree_sitter.Parser(spec.tree_sitter).parse(source)
    return analyze(tree, source, spec, done_todos=done_todos, codes=codes, limit=limit, stub=stub)


def parse_and_analyze(
    spec: LanguageSpec,
    source: bytes,
    tree: tree_sitter.Tree | None,
    *,
    reparse: bool = True,
    done_todos: Iterable[str] = (),
    codes: Iterable[str] | None = None,
    limit: int | None = None,
    stub: bool = False,
    facts: StatementFacts | None = None,
) -> tuple[tree_sitter.Tree, list[Finding]]:
    """Findings for ``source`` (the first ``limit``): ``tree`` is its tree (``reparse``
    False), the edited old tree to parse it from incrementally, or None (parsed from
    scratch). ``facts``: the document's, from its last analysis: only the top-level
    statements whose text changed are analysed again.

    Thread-safe: it uses a parser of its own and touches nothing but its arguments (and
    ``facts``, which an analysis replaces whole).
    """
    if tree is None:
        tree = tree_sitter.Parser(spec.tree_sitter).parse(source)
    elif reparse:
        tree = tree_sitter.Parser(spec.tree_sitter).parse(source, tree)
    findings = analyze(
        tree,
        source,
        spec,
        done_todos=done_todos,
        codes=codes,
        limit=limit,
        stub=stub,
        facts=facts,
    )
    return tree, findings


class DocumentAnalysis:
    """Incremental analysis of one shared document."""

    def __init__(self, document: SharedDocument, spec: LanguageSpec, stub: bool = False) -> None:
        self.document = document
        self.spec = spec
        #: A Python stub (``.pyi``): its annotations are never evaluated.
        self.stub = stub
        self.parser = tree_sitter.Parser(spec.tree_sitter)
        self._source = document.text.encode("utf-8")
        self.tree = self.parser.parse(self._source)
        self._dirty = False
        self.reparses = 0
        #: Change events seen: tells whether a snapshot is still the document's text.
        self.changes = 0
        #: What the detectors keep of each top-level statement between analyses.
        self.facts = StatementFacts()
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
        self.changes += 1

    def snapshot(self) -> tuple[int, bytes, tree_sitter.Tree, bool]:
        """What a worker thread needs to analyse the current text, parsing incrementally.

        (changes seen, the text's bytes, a copy of the tree, whether that tree is an
        edited old one to parse from). Taken on the event loop: the document is not
        thread-safe, but the bytes and the tree copy are the thread's own.
        """
        if not self._dirty:
            return self.changes, self._source, self.tree.copy(), False
        return self.changes, self.document.text.encode("utf-8"), self.tree.copy(), True

    def adopt(self, changes: int, tree: tree_sitter.Tree, source: bytes) -> None:
        """Take a tree a worker parsed from :meth:`snapshot`, if nothing changed since."""
        if changes == self.changes and self._dirty:
            self.tree, self._source, self._dirty = tree, source, False
            self.reparses += 1

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
        return analyze(
            tree,
            source,
            self.spec,
            done_todos=done_todos,
            codes=codes,
            limit=limit,
            stub=self.stub,
            facts=self.facts,
        )

    def close(self) -> None:
        self._unsubscribe()

"""The detectors that need the file's scopes: ``undefined-name`` and ``arity-mismatch``.

The scope model is built once (one walk of the tree) and only when one of them is wanted;
for a document analysed after each edit, statement by statement
(:mod:`codecrdt.analysis.statements`).
"""

from __future__ import annotations

from collections.abc import Iterator, Set

import tree_sitter

from codecrdt.analysis.calls import arity_mismatches
from codecrdt.analysis.languages import LanguageSpec
from codecrdt.analysis.model import scope_model
from codecrdt.analysis.names import Report, undefined_names
from codecrdt.analysis.statements import ROOTS, StatementFacts

__all__ = ["REFERENCE_CODES", "Report", "reference_reports"]

REFERENCE_CODES = frozenset({"undefined-name", "arity-mismatch"})


def reference_reports(
    root: tree_sitter.Node,
    spec: LanguageSpec,
    wanted: Set[str],
    facts: StatementFacts | None = None,
) -> Iterator[Report]:
    """The reports of the wanted codes; with ``facts`` (a document's, kept from its last
    analysis), binding only the top-level statements whose text changed since."""
    if not wanted & REFERENCE_CODES:
        return
    if facts is not None and root.type in ROOTS:
        yield from facts.reports(root, spec, wanted)
        return
    model = scope_model(root, spec)
    if model is None:
        return
    if "undefined-name" in wanted:
        yield from undefined_names(model, spec)
    if "arity-mismatch" in wanted:
        yield from arity_mismatches(model, spec)

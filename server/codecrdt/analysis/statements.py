"""The scope-based detectors (``undefined-name``, ``arity-mismatch``) on a document that is
analysed again after every edit: only the top-level statements whose text is new are
bound.

What the detectors need of a top-level statement is kept as its *facts*, keyed by the
statement's text: the names it binds in the module, the signatures of the functions it
defines there, the names it reads that none of its own scopes binds, the module-level
names it calls with what each call passes, and whether a ``self.m(...)``/``this.m(...)``
call in it is reported. Facts hold no byte offsets, only rows counted from the
statement's first row, so a statement that an edit elsewhere moved keeps them.

After an edit, the statements with new text are bound (one walk over all of them), and a
pass over every statement's facts decides which statements hold a report: a read of a
name the module does not bind, or a call that none of its name's definitions accepts.
Only those statements (and, for a call, the statements that define its name) are bound
again, with the names every other statement binds in the module, and the detectors run on
them: each report has the nodes, message and data of a whole-file analysis. A file
without reports binds nothing more than its edited statements.

Not cached: statements with syntax errors (a broken region's parse depends on its
surroundings) and files whose root itself is broken, which are analysed whole.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, TypeVar

import tree_sitter

from codecrdt.analysis.calls import (
    Shape,
    Signature,
    arity_mismatches,
    call_fails,
    call_shape,
    definition_signatures,
    method_call_reports,
)
from codecrdt.analysis.languages import LanguageSpec
from codecrdt.analysis.model import scope_model
from codecrdt.analysis.names import Report, Rows, unbound_references, undefined_names

__all__ = ["ROOTS", "StatementFacts"]

T = TypeVar("T")

#: Root node types of well-formed files (a root of another type is analysed whole).
ROOTS = frozenset({"module", "program"})


@dataclass
class _Facts:
    """One top-level statement's facts (rows from its first row)."""

    #: Module-level name → the signatures of its definitions here, in order; None when
    #: one of its bindings here is not a function with a known signature.
    signatures: dict[str, list[Signature] | None] = field(default_factory=dict)
    #: Name → rows of its reads that no scope of the statement but the module binds.
    free: dict[str, list[int]] = field(default_factory=dict)
    #: Calls of a name that no scope of the statement but the module binds.
    calls: list[tuple[str, Shape]] = field(default_factory=list)
    #: A ``self.m(...)``/``this.m(...)`` call here is reported.
    methods: bool = False
    star_import: bool = False
    broken_names: set[str] = field(default_factory=set)
    broken_rows: list[tuple[int, int]] = field(default_factory=list)


class StatementFacts:
    """The facts of a document's top-level statements, kept from one analysis to the
    next, in tables (one per kind of facts: the scope facts here, the declarations'
    in :mod:`codecrdt.analysis.detect`). Safe to share between the event loop and an
    analysis thread: an analysis reads a table of the previous one and replaces it
    whole."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[tuple[int, bytes], Any]] = {}
        #: Statements bound or queried in the last analysis, per table: for tests.
        self.worked: dict[str, int] = {}

    def per_statement(
        self,
        table: str,
        statements: Sequence[tree_sitter.Node],
        compute: Callable[[list[tree_sitter.Node]], list[T]],
    ) -> list[T]:
        """Each statement's facts: the last analysis's where its text is the same,
        ``compute``'s (called once, with the others, in order) otherwise. Statements with
        syntax errors are never kept: a broken region's parse depends on its
        surroundings."""
        known = self._tables.get(table, {})
        kept: dict[tuple[int, bytes], Any] = {}
        facts: list[T | None] = []
        missing: list[int] = []
        for index, statement in enumerate(statements):
            key = (statement.kind_id, statement.text or b"")
            found = None if statement.has_error else known.get(key)
            if found is None:
                missing.append(index)
            else:
                kept[key] = found
            facts.append(found)
        fresh = compute([statements[i] for i in missing]) if missing else []
        for index, found in zip(missing, fresh, strict=True):
            facts[index] = found
            statement = statements[index]
            if not statement.has_error:
                kept[(statement.kind_id, statement.text or b"")] = found
        self._tables[table] = kept
        self.worked[table] = len(missing)
        return [f for f in facts if f is not None]

    def reports(
        self, root: tree_sitter.Node, spec: LanguageSpec, wanted: Set[str]
    ) -> Iterator[Report]:
        """The reports a whole-file :func:`~codecrdt.analysis.references.reference_reports`
        gives for ``root`` (a module or program node)."""
        statements = root.children
        every = self.per_statement(
            "scopes", statements, lambda missing: _bind_facts(root, missing, spec)
        )
        marked, combined = _combine(statements, every, spec, wanted)
        self.worked["scopes"] += len(marked)
        if not marked:
            return
        model = scope_model(root, spec, [statements[i] for i in sorted(marked)])
        if model is None:
            return
        for name in combined.module:
            model.module.bindings.setdefault(name, [])
        model.star_import = combined.star_import
        model.broken_names = combined.broken_names
        model.broken_rows = combined.broken_rows
        if "undefined-name" in wanted:
            yield from undefined_names(model, spec)
        if "arity-mismatch" in wanted:
            for report in arity_mismatches(model, spec):
                # A call of a module-level name is decided only when every statement that
                # binds the name was bound again; a method call, within its class.
                definers = combined.module.get(report.name)
                if definers is None or definers <= marked:
                    yield report


@dataclass
class _Combined:
    """The whole file, from its statements' facts."""

    #: Name → the indexes of the statements that bind it in the module.
    module: dict[str, set[int]] = field(default_factory=dict)
    star_import: bool = False
    broken_names: set[str] = field(default_factory=set)
    broken_rows: list[tuple[int, int]] = field(default_factory=list)


def _combine(
    statements: Sequence[tree_sitter.Node],
    facts: list[_Facts],
    spec: LanguageSpec,
    wanted: Set[str],
) -> tuple[set[int], _Combined]:
    """The indexes of the statements to bind again for their reports, and the file."""
    combined = _Combined()
    module: defaultdict[str, set[int]] = defaultdict(set)
    rows = [s.start_point[0] for s in statements]
    for index, found in enumerate(facts):
        for name in found.signatures:
            module[name].add(index)
        combined.star_import |= found.star_import
        combined.broken_names |= found.broken_names
        row = rows[index]
        combined.broken_rows += [(row + a, row + b) for a, b in found.broken_rows]
    combined.module = dict(module)
    marked: set[int] = set()
    if "undefined-name" in wanted and not combined.star_import:
        broken = Rows(combined.broken_rows)
        skip = combined.broken_names
        for index, found in enumerate(facts):
            row = rows[index]
            for name, at in found.free.items():
                if name in module or name in skip:
                    continue
                if not broken or any(row + r not in broken for r in at):
                    marked.add(index)
                    break
    if "arity-mismatch" in wanted:
        verdicts: dict[tuple[str, Shape], bool] = {}
        for index, found in enumerate(facts):
            if found.methods:
                marked.add(index)
            for name, shape in found.calls:
                definers = module.get(name)
                if not definers:
                    continue
                verdict = verdicts.get((name, shape))
                if verdict is None:
                    verdict = verdicts[(name, shape)] = _fails(name, shape, definers, facts, spec)
                if verdict:
                    marked.add(index)
                    marked |= definers
    return marked, combined


def _fails(
    name: str, shape: Shape, definers: set[int], facts: list[_Facts], spec: LanguageSpec
) -> bool:
    signatures: list[Signature] = []
    for index in sorted(definers):
        found = facts[index].signatures[name]
        if found is None:
            return False
        signatures += found
    return call_fails(signatures, shape, spec)


def _bind_facts(
    root: tree_sitter.Node, statements: list[tree_sitter.Node], spec: LanguageSpec
) -> list[_Facts]:
    """The facts of ``statements`` (top-level children of ``root``): those without syntax
    errors bound in one walk, each broken one alone (for the names its broken regions
    mention)."""
    facts: list[_Facts] = [_Facts() for _ in statements]
    clean = [i for i, s in enumerate(statements) if not s.has_error]
    groups = [clean] if clean else []
    groups += [[i] for i, s in enumerate(statements) if s.has_error]
    for group in groups:
        found = _bind_group(root, [statements[i] for i in group], spec)
        for index, one in zip(group, found, strict=True):
            facts[index] = one
    return facts


def _bind_group(
    root: tree_sitter.Node, statements: list[tree_sitter.Node], spec: LanguageSpec
) -> list[_Facts]:
    facts = [_Facts() for _ in statements]
    model = scope_model(root, spec, statements)
    if model is None:
        return facts
    starts = [s.start_byte for s in statements]
    first_rows = [s.start_point[0] for s in statements]

    def owner(node: tree_sitter.Node) -> int:
        return bisect.bisect_right(starts, node.start_byte) - 1

    module = model.module
    for name, nodes in module.bindings.items():
        by_statement: defaultdict[int, list[tree_sitter.Node]] = defaultdict(list)
        for node in nodes:
            by_statement[owner(node)].append(node)
        for index, bound in by_statement.items():
            facts[index].signatures[name] = definition_signatures(bound, spec)
    for reference, name in unbound_references(model, spec, open_module=True):
        index = owner(reference.node)
        row = reference.node.start_point[0] - first_rows[index]
        facts[index].free.setdefault(name, []).append(row)
    for call in model.calls:
        callee = call.callee
        if callee.type != "identifier":
            continue
        name = (callee.text or b"").decode("utf-8", "replace")
        scope = call.scope.lookup(name)
        if scope is not None and scope is not module:
            continue
        shape = call_shape(call.node, spec)
        if shape is not None:
            facts[owner(call.node)].calls.append((name, shape))
    for report in method_call_reports(model, spec):
        facts[owner(report.node)].methods = True
    for node in model.wildcards:
        facts[owner(node)].star_import = True
    for first, last in model.broken_rows:
        index = bisect.bisect_right(first_rows, first) - 1
        facts[index].broken_rows.append((first - first_rows[index], last - first_rows[index]))
    if len(statements) == 1:
        facts[0].broken_names = set(model.broken_names)
    return facts

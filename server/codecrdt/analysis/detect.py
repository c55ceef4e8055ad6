"""Detectors: semantic conflicts that concurrent writers leave in a syntax tree.

Every finding has a stable code:

- ``duplicate-import``: a local name bound by two imports in one scope (a Python
  re-import of the same object: whatever came between);
- ``duplicate-declaration``: a function, class, constant/variable or type alias
  declared twice in one scope;
- ``duplicate-member``: a method or field declared twice in one class, interface or
  object type;
- ``conflicting-signature``: the same function declared twice with different parameters;
- ``conflicting-value``: a constant assigned twice with different values;
- ``syntax-error``: ERROR and MISSING nodes, once per broken region;
- ``leftover-todo``: a ``TODO(codecrdt:<name>)`` marker still in the file.
- ``undefined-name``: a name read that no scope binds (:mod:`codecrdt.analysis.names`);
- ``arity-mismatch``: a call its one definition cannot accept (:mod:`codecrdt.analysis.calls`).

Never reported: a property with its setter/deleter and other definitions decorated by
their own name, ``typing.overload`` and TypeScript overload signatures, merging that the
language allows (interfaces, enums, namespaces are not captured at all), declarations in
different ``if``/``else`` or ``try``/``except`` arms (or in an arm and outside it, e.g.
``if TYPE_CHECKING``), ``var`` in JavaScript, the name ``_``; in Python, a name rebound
after a use that runs before the rebinding (as pyflakes' "redefinition of unused name";
``self.name`` counts as a use of a member; a use in a function body defined in between
runs later and does not count: :mod:`codecrdt.analysis.python_uses`), a constant declared
``None`` and given its value later; declarations inside an ERROR node (their scope is a
guess).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import tree_sitter

from codecrdt.analysis.languages import LanguageSpec
from codecrdt.analysis.python_uses import deferred_reason, lazy_annotations, uses_between
from codecrdt.analysis.queries import queries_for
from codecrdt.analysis.references import Report, reference_reports
from codecrdt.analysis.statements import ROOTS, StatementFacts
from codecrdt.analysis.values import conflicting_values, import_key, placeholder
from codecrdt.markers import MARKER_TAG

__all__ = ["CODES", "Declaration", "Finding", "analyze", "node_text", "top_level_declarations"]

CODES: dict[str, str] = {
    "duplicate-import": "error",
    "duplicate-declaration": "error",
    "duplicate-member": "error",
    "conflicting-signature": "error",
    "conflicting-value": "error",
    "syntax-error": "error",
    "leftover-todo": "warning",
    "undefined-name": "error",
    "arity-mismatch": "error",
}

_IGNORE = re.compile(r"codecrdt:\s*ignore(?:\[([\w\s,-]*)\])?")


@dataclass(frozen=True)
class Finding:
    """One finding, located by UTF-8 byte offsets and tree-sitter points."""

    code: str
    message: str
    start_byte: int
    end_byte: int
    start_point: tuple[int, int]
    end_point: tuple[int, int]
    name: str | None = None
    #: Earlier declarations this one conflicts with: (start_byte, end_byte, start_point).
    related: tuple[tuple[int, int, tuple[int, int]], ...] = ()
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def severity(self) -> str:
        return CODES[self.code]


@dataclass
class _Binding:
    kind: str  # function, class, variable, type, import, method, field, property
    node: tree_sitter.Node  # the declaration (or import statement)
    name: tree_sitter.Node
    parameters: tree_sitter.Node | None = None
    decorators: list[tree_sitter.Node] = field(default_factory=list)
    dotted: bool = False  # Python `import a.b`: binds `a` alongside other `import a.*`
    #: Python imports: what is imported (``import_key``): the same twice is a re-import.
    imported: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Declaration:
    """A name a file's top level binds, as the duplicate detectors see it."""

    kind: str  # function, class, variable, type, import
    name: str
    #: The declaration (for an import, the import statement).
    node: tree_sitter.Node
    #: Python imports: what is imported (``import_key``), None otherwise.
    imported: tuple[str, ...] | None = None
    #: Under an ``if``/``try``/loop of the top level (one of several alternatives).
    conditional: bool = False


def top_level_declarations(root: tree_sitter.Node, spec: LanguageSpec) -> list[Declaration]:
    """The names ``root``'s own scope binds (a file's module level), in document order:
    the bindings the duplicate detectors compare (functions, classes, types, imports,
    constants as :attr:`LanguageSpec.variable_names` counts them), outside broken regions."""
    captured = _capture(root, spec)
    scopes = {n.id for n in captured.scopes}
    found: list[Declaration] = []
    for binding in _bindings(captured, spec):
        if root.has_error and _in_error(binding.node):
            continue
        scope, context = _scope_and_context(binding.node, scopes, spec)
        if scope != root.id or _category(binding, scope).startswith("member:"):
            continue
        found.append(
            Declaration(
                binding.kind,
                node_text(binding.name),
                binding.node,
                binding.imported,
                bool(context),
            )
        )
    found.sort(key=lambda d: (d.node.start_byte, d.name))
    return found


def analyze(
    tree: tree_sitter.Tree,
    source: bytes,
    spec: LanguageSpec,
    *,
    done_todos: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    limit: int | None = None,
    stub: bool = False,
    facts: StatementFacts | None = None,
) -> list[Finding]:
    """All findings in ``tree``, in document order (the first ``limit`` of them).

    ``done_todos``: names of TODOs marked done (a run); None reports every marker.
    ``codes``: the codes to report (default: all). ``codecrdt: ignore[code]`` comments
    suppress findings that start on their line. With a ``limit``, the syntax errors
    (found in document order) are collected only up to it. ``stub``: a Python stub
    (``.pyi``), whose annotations are never evaluated. ``facts``: the document's
    statement facts from its last analysis (:mod:`codecrdt.analysis.statements`), to bind
    only the statements an edit changed; the findings are the same.
    """
    root = tree.root_node
    if facts is not None and root.type in ROOTS:
        captured = _changed_captures(root, spec, facts)
    else:
        captured = _capture(root, spec)
    comments = captured.comments
    wanted = set(CODES if codes is None else codes)
    ignored = _ignored_lines(comments)

    def kept(found: Iterable[Finding]) -> Iterator[Finding]:
        for f in found:
            if f.code in wanted and not _suppressed(ignored.get(f.start_point[0]), f.code):
                yield f

    syntax = kept(_syntax_errors(root)) if "syntax-error" in wanted else iter(())
    findings = [
        *kept(_duplicates(root, source, spec, captured, stub)),
        *(syntax if limit is None else itertools.islice(syntax, limit)),
        *kept(_leftover_todos(comments, None if done_todos is None else set(done_todos))),
        *kept(map(_located, reference_reports(root, spec, wanted, facts))),
    ]
    findings.sort(key=lambda f: (f.start_byte, f.code))
    return findings if limit is None else findings[:limit]


# -- duplicates ---------------------------------------------------------------------


def _duplicates(
    root: tree_sitter.Node,
    source: bytes,
    spec: LanguageSpec,
    captured: _Captured,
    stub: bool = False,
) -> Iterator[Finding]:
    by_name: dict[str, list[_Binding]] = defaultdict(list)
    for binding in _bindings(captured, spec):
        by_name[node_text(binding.name)].append(binding)
    # Most names are bound once: only names bound twice or more need the (costlier) walk
    # up the tree to their scope and branch context.
    scopes = {n.id for n in captured.scopes}
    broken = root.has_error
    groups: dict[tuple[Any, ...], list[_Binding]] = defaultdict(list)
    children = _Children()
    for name, named in by_name.items():
        if len(named) < 2 or name == "_":
            continue
        for binding in named:
            if _exempt(binding, name) or (broken and _in_error(binding.node)):
                continue
            scope, context = _scope_and_context(binding.node, scopes, spec)
            groups[(scope, context, _category(binding, scope), name)].append(binding)
    lazy: bool | None = None
    for (_, _, category, name), bindings in groups.items():
        bindings.sort(key=lambda b: b.node.start_byte)
        first = bindings[0]
        imported = {first.imported: first}
        # Searched for uses since `first` up to this byte, and the deferred uses found.
        searched: int | None = None
        deferred: list[tree_sitter.Node] = []
        for later in bindings[1:]:
            # A re-import (the same object again) is redundant whatever came between:
            # the same import as the binding in force, or a dotted `import a.b` again
            # (every `import a.*` binds the same package `a`).
            original = imported.get(later.imported) if later.imported is not None else None
            reimport = original is not None and (original is first or first.dotted or later.dotted)
            imported.setdefault(later.imported, later)
            if category == "import" and (first.dotted or later.dotted) and not reimport:
                continue
            if reimport and original is not None:
                yield _duplicate_finding(category, name, original, later, source, True)
                continue
            reason = ""
            if later.kind == "variable" and placeholder(first.node):
                first = later  # `X = None`, then its value: a declaration, then the value
                searched, deferred = None, []
                continue
            if spec.queries in _REBINDABLE and not stub:
                # (A stub is never run: no use in it keeps a binding alive.)
                if lazy is None:
                    lazy = lazy_annotations(root, stub)
                uses = uses_between(
                    root,
                    name,
                    first.node,
                    later.node,
                    later.name,
                    later_evaluates=later.kind != "import",
                    lazy=lazy,
                    children=children.within,
                    since=searched,
                )
                if uses.evaluated is not None:
                    # Python rebinds on purpose once the first binding was used (pyflakes'
                    # "redefinition of unused name"): `def gcv(): ...; use(gcv); def gcv()`.
                    # Only a use evaluated before the rebinding counts: a function body
                    # defined in between runs later and sees the second binding.
                    first = later
                    searched, deferred = None, []
                    continue
                searched = later.node.end_byte if later.kind != "import" else later.name.start_byte
                deferred.extend(uses.deferred)
                if deferred:
                    reason = deferred_reason(deferred[0])
            yield _duplicate_finding(category, name, first, later, source, reimport, reason)


#: Languages where a name may be rebound after it was used (queries folder names).
_REBINDABLE = frozenset({"python"})


class _Children:
    """Each node's children, listed once per analysis, found by byte range by bisection:
    a module of 20,000 top-level statements is not listed again for every duplicate (a
    file of 20,000 broken ``def f(:`` had taken 57 s)."""

    def __init__(self) -> None:
        # By id and start: tree-sitter shares identical subtrees, which have one id.
        self._listed: dict[tuple[int, int], tuple[list[tree_sitter.Node], list[int]]] = {}

    def within(self, node: tree_sitter.Node, start: int, end: int) -> Iterator[tree_sitter.Node]:
        """The children of ``node`` that overlap ``start:end`` (and empty ones at its ends)."""
        key = (node.id, node.start_byte)
        listed = self._listed.get(key)
        if listed is None:
            children = node.children
            listed = self._listed[key] = (children, [c.end_byte for c in children])
        children, ends = listed
        for index in range(bisect.bisect_left(ends, start), len(children)):
            child = children[index]
            if child.start_byte > end:
                break
            yield child


def _bindings(captured: _Captured, spec: LanguageSpec) -> Iterator[_Binding]:
    by_node: dict[int, _Binding] = {}
    for captures in captured.definitions:
        for capture, nodes in captures.items():
            if not capture.startswith(("declaration.", "member.")):
                continue
            node = nodes[0]
            binding = by_node.get(node.id)
            if binding is None:
                kind = capture.split(".", 1)[1]
                parameters = (captures.get("parameters") or [None])[0]
                binding = _Binding(kind, node, captures["name"][0], parameters)
                by_node[node.id] = binding
            binding.decorators += [
                d for d in captures.get("decorator", []) if d not in binding.decorators
            ]
    for binding in by_node.values():
        names = spec.variable_names
        if binding.kind == "variable" and names and not names.match(node_text(binding.name)):
            continue
        yield binding
    for captures in captured.imports:
        statement = captures["import"][0]
        for name in captures.get("import.name", []):
            dotted = name.type == "dotted_name" and name.named_child_count > 1
            imported = import_key(statement, name)
            if name.type == "dotted_name":
                name = name.named_children[0]
            yield _Binding("import", statement, name, dotted=dotted, imported=imported)


def _exempt(binding: _Binding, name: str) -> bool:
    """Definitions that may repeat: overloads and definitions decorated by their own name."""
    for decorator in binding.decorators:
        expression = node_text(decorator).lstrip("@").strip()
        # The dotted name called or used (the node may hold a comment after it).
        target = re.split(r"[^\w.]", expression, maxsplit=1)[0]
        if target.split(".")[-1] == "overload" or target.split(".")[0] == name:
            return True
    return False


def _in_error(node: tree_sitter.Node) -> bool:
    """Inside a broken region the scopes are guesses: ``syntax-error`` reports it instead."""
    parent = node.parent
    while parent is not None:
        if parent.is_error:
            return True
        parent = parent.parent
    return False


def _scope_and_context(
    node: tree_sitter.Node, scopes: set[int], spec: LanguageSpec
) -> tuple[int, tuple[int, ...]]:
    context: list[int] = []
    parent = node.parent
    while parent is not None and parent.id not in scopes:
        if parent.type in spec.branches:
            context.append(parent.id)
        parent = parent.parent
    return (parent.id if parent is not None else -1), tuple(context)


def _category(binding: _Binding, scope: int) -> str:
    if binding.kind == "import":
        return "import"
    if binding.kind in ("method", "field", "property"):
        return f"member:{_member_key(binding.node)}"
    if binding.kind == "function" and binding.node.parent is not None and _in_class(binding):
        return f"member:{_member_key(binding.node)}"
    if binding.kind == "type":
        return "type"
    if binding.kind == "variable" and binding.node.type in ("assignment",):
        return "constant"
    return "value"


def _in_class(binding: _Binding) -> bool:
    """A Python function directly in a class body is a method."""
    parent = binding.node.parent
    if parent is not None and parent.type == "decorated_definition":
        parent = parent.parent
    return (
        parent is not None
        and parent.type == "block"
        and (parent.parent is not None and parent.parent.type == "class_definition")
    )


def _member_key(node: tree_sitter.Node) -> str:
    """Static and instance members, and a getter and its setter, are different members."""
    words = [c.type for c in node.children if c.type in ("static", "get", "set")]
    return "-".join(words) or "plain"


def _duplicate_finding(
    category: str,
    name: str,
    first: _Binding,
    later: _Binding,
    source: bytes,
    reimport: bool = False,
    reason: str = "",
) -> Finding:
    # Lines as editors count them (a lone "\r" ends a line; tree-sitter rows do not).
    at = first.name.start_byte
    line = 1 + source.count(b"\n", 0, at) + source.count(b"\r", 0, at)
    line -= source.count(b"\r\n", 0, at)
    related = ((first.name.start_byte, first.name.end_byte, _point(first.name.start_point)),)
    data: dict[str, Any] = {
        "name": name,
        "first": [first.node.start_byte, first.node.end_byte],
        "second": [later.node.start_byte, later.node.end_byte],
        "identical": first.node.text == later.node.text,
    }
    values = None
    if later.kind == "variable" and first.kind == "variable":
        values = conflicting_values(first.node, later.node)
    if category == "import":
        code, message = "duplicate-import", f"'{name}' is imported again (first on line {line})"
        if reimport:
            message += ": the same binding again, so this import is redundant"
            data["reimport"] = True
    elif values is not None:
        code = "conflicting-value"
        message = f"'{name}' is assigned {values[1]} here but {values[0]} on line {line}"
        data["values"] = list(values)
    elif (
        first.parameters is not None
        and later.parameters is not None
        and _squash(first.parameters) != _squash(later.parameters)
    ):
        code = "conflicting-signature"
        message = (
            f"'{name}' is declared again with parameters {_squash(later.parameters)} "
            f"(first on line {line} with {_squash(first.parameters)})"
        )
    elif category.startswith("member:"):
        code, message = (
            "duplicate-member",
            f"member '{name}' is declared again (first on line {line})",
        )
    else:
        code, message = (
            "duplicate-declaration",
            f"'{name}' is declared again (first on line {line})",
        )
    if reason:
        message += f"; {reason}"
    data["code"] = code
    return Finding(
        code,
        message,
        later.name.start_byte,
        later.name.end_byte,
        _point(later.name.start_point),
        _point(later.name.end_point),
        name,
        related,
        data,
    )


def _squash(node: tree_sitter.Node) -> str:
    return re.sub(r"\s+", " ", node_text(node)).replace("( ", "(").replace(" )", ")")


def _located(report: Report) -> Finding:
    """A finding of the scope-based detectors (``undefined-name``, ``arity-mismatch``)."""
    node = report.node
    related = tuple((r.start_byte, r.end_byte, _point(r.start_point)) for r in report.related)
    return Finding(
        report.code,
        report.message,
        node.start_byte,
        node.end_byte,
        _point(node.start_point),
        _point(node.end_point),
        report.name,
        related,
        {"code": report.code, **report.data},
    )


# -- syntax errors ------------------------------------------------------------------


def _syntax_errors(root: tree_sitter.Node) -> Iterator[Finding]:
    if not root.has_error:
        return
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error:
            yield Finding(
                "syntax-error",
                "syntax error",
                node.start_byte,
                node.end_byte,
                _point(node.start_point),
                _point(node.end_point),
            )
            continue  # one finding per broken region
        if node.is_missing:
            yield Finding(
                "syntax-error",
                f"missing {node.type!s}",
                node.start_byte,
                node.end_byte,
                _point(node.start_point),
                _point(node.end_point),
            )
            continue
        stack.extend(c for c in reversed(node.children) if c.has_error or c.is_missing)


# -- TODO markers and suppressions --------------------------------------------------


def _leftover_todos(comments: list[tree_sitter.Node], done: set[str] | None) -> Iterator[Finding]:
    for comment in comments:
        text = node_text(comment)
        for match in MARKER_TAG.finditer(text):
            name = match["name"]
            if done is not None and name not in done:
                continue
            before = text[: match.start()]
            start = comment.start_byte + len(before.encode("utf-8"))
            end = start + len(match.group(0).encode("utf-8"))
            row, column = comment.start_point
            if "\n" in before:  # a marker on a later line of a block comment
                row += before.count("\n")
                column = len(before.rsplit("\n", 1)[1].encode("utf-8"))
            else:
                column += len(before.encode("utf-8"))
            yield Finding(
                "leftover-todo",
                f"TODO '{name}' is still in the file",
                start,
                end,
                (row, column),
                (row, column + end - start),
                name,
                data={"name": name},
            )


def _ignored_lines(comments: list[tree_sitter.Node]) -> dict[int, set[str]]:
    """Row → suppressed codes ("*": all) from ``codecrdt: ignore[...]`` comments."""
    ignored: dict[int, set[str]] = defaultdict(set)
    for comment in comments:
        text = node_text(comment)
        for match in _IGNORE.finditer(text):
            codes = match.group(1)
            # In a block comment over several lines, the line the words are on.
            row = comment.start_point[0] + text.count("\n", 0, match.start())
            ignored[row] |= (
                {"*"} if codes is None else {c.strip() for c in codes.split(",") if c.strip()}
            )
    return ignored


def _suppressed(rule: set[str] | None, code: str) -> bool:
    return rule is not None and ("*" in rule or code in rule)


# -- helpers --------------------------------------------------------------------------


@dataclass
class _Captured:
    """What one walk of the combined query found, sorted by purpose."""

    scopes: list[tree_sitter.Node] = field(default_factory=list)
    comments: list[tree_sitter.Node] = field(default_factory=list)
    definitions: list[dict[str, list[tree_sitter.Node]]] = field(default_factory=list)
    imports: list[dict[str, list[tree_sitter.Node]]] = field(default_factory=list)


def _capture(
    root: tree_sitter.Node,
    spec: LanguageSpec,
    statements: list[tree_sitter.Node] | None = None,
) -> _Captured:
    """What the combined query finds under ``root``, or in its top-level ``statements``
    only (``root`` counts as a scope either way)."""
    captured = _Captured()
    if statements is None:
        ranges: list[tuple[int, int]] = [(root.start_byte, root.end_byte)]
    else:
        captured.scopes.append(root)
        ranges = _runs(root, statements)
    starts = [s.start_byte for s in statements or ()]
    ends = [s.end_byte for s in statements or ()]
    for start, end in ranges:
        cursor = tree_sitter.QueryCursor(queries_for(spec).combined)
        if statements is not None:
            cursor.set_byte_range(start, end)
        for _, captures in cursor.matches(root):
            if statements is not None:
                # Only what lies in the statements (a match may touch a neighbour).
                node = next(iter(captures.values()))[0]
                if node == root:
                    continue
                index = bisect.bisect_right(starts, node.start_byte) - 1
                if index < 0 or node.start_byte >= ends[index]:
                    continue
            if "scope" in captures:
                captured.scopes += captures["scope"]
            elif "comment" in captures:
                captured.comments += captures["comment"]
            elif "import" in captures:
                captured.imports.append(captures)
            else:
                captured.definitions.append(captures)
    captured.comments.sort(key=lambda n: n.start_byte)
    return captured


def _runs(root: tree_sitter.Node, statements: list[tree_sitter.Node]) -> list[tuple[int, int]]:
    """The byte ranges of the runs of consecutive top-level ``statements`` (in order)."""
    indexes = {(s.start_byte, s.end_byte) for s in statements}
    ranges: list[tuple[int, int]] = []
    previous_in = False
    for child in root.children:
        inside = (child.start_byte, child.end_byte) in indexes
        if inside and previous_in:
            ranges[-1] = (ranges[-1][0], child.end_byte)
        elif inside:
            ranges.append((child.start_byte, child.end_byte))
        previous_in = inside
    return ranges


# -- the same, statement by statement ---------------------------------------------------


@dataclass
class _Declared:
    """A top-level statement's declarations, for :func:`_changed_captures`."""

    #: A name declared twice in one scope of the statement itself.
    repeated: bool = False
    #: The names it declares in the module scope.
    module: set[str] = field(default_factory=set)
    #: A comment with a TODO marker or a ``codecrdt: ignore``.
    flagged: bool = False


def _changed_captures(
    root: tree_sitter.Node, spec: LanguageSpec, facts: StatementFacts
) -> _Captured:
    """The captures of the statements that can hold a duplicate, a TODO or a suppression:
    those that declare a name twice, declare one in the module that another statement
    declares there too, or have a flagged comment. The findings over them are the whole
    file's (a name declared in the module once, or only in different functions, never
    makes one)."""
    statements = root.children
    declared = facts.per_statement(
        "declarations", statements, lambda missing: _declarations(root, spec, missing)
    )
    counts: dict[str, int] = defaultdict(int)
    for one in declared:
        for name in one.module:
            counts[name] += 1
    marked = [
        statement
        for statement, one in zip(statements, declared, strict=True)
        if one.repeated or one.flagged or any(counts[n] > 1 for n in one.module)
    ]
    facts.worked["declarations"] += len(marked)
    return _capture(root, spec, marked) if marked else _Captured(scopes=[root])


def _declarations(
    root: tree_sitter.Node, spec: LanguageSpec, statements: list[tree_sitter.Node]
) -> list[_Declared]:
    captured = _capture(root, spec, statements)
    found = [_Declared() for _ in statements]
    starts = [s.start_byte for s in statements]

    def owner(node: tree_sitter.Node) -> _Declared:
        return found[bisect.bisect_right(starts, node.start_byte) - 1]

    scopes = {n.id for n in captured.scopes}
    seen: set[tuple[int, int, str]] = set()
    for binding in _bindings(captured, spec):
        name = node_text(binding.name)
        if name == "_":
            continue
        index = bisect.bisect_right(starts, binding.node.start_byte) - 1
        scope = _scope_and_context(binding.node, scopes, spec)[0]
        if (index, scope, name) in seen:
            found[index].repeated = True
        seen.add((index, scope, name))
        if scope == root.id:
            found[index].module.add(name)
    for comment in captured.comments:
        text = node_text(comment)
        if MARKER_TAG.search(text) or _IGNORE.search(text):
            owner(comment).flagged = True
    return found


def node_text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def _point(point: tree_sitter.Point | tuple[int, int]) -> tuple[int, int]:
    return (point[0], point[1])

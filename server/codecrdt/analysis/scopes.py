"""Scopes, bindings and references of one file, for the name and call detectors.

A :class:`ScopeModel` is built by one walk of the tree (linear in its size) by the
language's binder (:mod:`codecrdt.analysis.pybinder`, :mod:`codecrdt.analysis.jsbinder`).
It is flow-insensitive: a name bound anywhere in a scope is bound in all of it, as Python
decides at compile time which names a function binds, and as ``let``/``const`` are hoisted
to their block in JavaScript. Resolution follows the language's visibility rules: a Python
class body is visible from its own statements and the annotation scopes (type parameters)
directly in it, never from its methods or comprehensions (whose first iterable is
evaluated in the class body itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import tree_sitter

__all__ = ["Call", "Found", "Kinds", "Reference", "Scope", "ScopeModel", "descend", "kind_ids"]


@dataclass(eq=False)
class Scope:
    """One scope: ``kind`` is module, class, function, comprehension, annotation or block."""

    kind: str
    parent: Scope | None
    node: tree_sitter.Node
    #: Name → the identifier nodes that bind it here.
    bindings: dict[str, list[tree_sitter.Node]] = field(default_factory=dict)
    #: :meth:`visible`, listed once (scopes are complete before names are looked up).
    _chain: list[Scope] | None = field(default=None, repr=False)

    def bind(self, name: str, node: tree_sitter.Node) -> None:
        self.bindings.setdefault(name, []).append(node)

    def visible(self) -> list[Scope]:
        """The scopes a name read here is looked up in, innermost first."""
        if self._chain is None:
            self._chain = self._visible()
        return self._chain

    def _visible(self) -> list[Scope]:
        chain: list[Scope] = [self]
        see_class = True  # a class scope is seen through annotation scopes only
        scope = self
        while scope.parent is not None:
            if scope.kind not in ("annotation", "block"):
                see_class = False
            scope = scope.parent
            if scope.kind == "class" and not see_class:
                continue
            chain.append(scope)
        return chain

    def lookup(self, name: str) -> Scope | None:
        """The scope whose binding ``name`` read here refers to, or None."""
        for scope in self.visible():
            if name in scope.bindings:
                return scope
        return None

    def enclosing_class(self) -> Scope | None:
        scope: Scope | None = self
        while scope is not None and scope.kind != "class":
            scope = scope.parent
        return scope


@dataclass(frozen=True)
class Reference:
    """An identifier that reads a name (``type_position``: it names a type)."""

    node: tree_sitter.Node
    scope: Scope
    #: Inside ``try`` whose handlers catch NameError: a missing name is expected there.
    guarded: bool = False
    type_position: bool = False
    #: The name of a JSX tag (``<Card/>``, the ``Icons`` of ``<Icons.Star/>``).
    jsx: bool = False


@dataclass(frozen=True)
class Call:
    """A call: ``callee`` is its function expression, read in ``scope``."""

    node: tree_sitter.Node
    callee: tree_sitter.Node
    scope: Scope


@dataclass
class ScopeModel:
    module: Scope
    references: list[Reference] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    scopes: list[Scope] = field(default_factory=list)
    #: A wildcard import (``from m import *``): any name may be bound.
    star_import: bool = False
    #: The wildcard import statements.
    wildcards: list[tree_sitter.Node] = field(default_factory=list)
    #: Names seen inside broken regions: they may bind anything, anywhere.
    broken_names: set[str] = field(default_factory=set)
    #: The rows (first, last) of the top-level statements with syntax errors, in order.
    broken_rows: list[tuple[int, int]] = field(default_factory=list)

    def new_scope(self, kind: str, parent: Scope, node: tree_sitter.Node) -> Scope:
        scope = Scope(kind, parent, node)
        self.scopes.append(scope)
        return scope


@cache
def kind_ids(language: tree_sitter.Language, names: frozenset[str]) -> frozenset[int]:
    """The ids of the named node kinds called ``names``: a walk compares ``kind_id``
    (an int, several times cheaper to read than ``type``, a new string each time)."""
    found = {
        kind
        for kind in range(language.node_kind_count)
        if language.node_kind_is_named(kind) and language.node_kind_for_id(kind) in names
    }
    if "ERROR" in names:
        found.add(_ERROR_KIND)
    return frozenset(found)


#: The kind id of ERROR nodes (tree-sitter's built-in error symbol, outside the grammar's).
_ERROR_KIND = 0xFFFF


@dataclass(frozen=True)
class Kinds:
    """What a cursor walk (:func:`descend`) looks for, as kind and field ids."""

    #: Identifiers that read a name, and those that name a type.
    names: frozenset[int]
    types: frozenset[int]
    #: Nodes the binder handles itself: the walk stops there.
    stops: frozenset[int]
    #: Calls: noted, and walked into.
    calls: frozenset[int]
    #: Fields whose identifier is not a read (``x.attr``, ``f(key=…)``).
    unread_fields: frozenset[int]

    @staticmethod
    def of(
        language: tree_sitter.Language,
        names: frozenset[str],
        types: frozenset[str],
        stops: frozenset[str],
        calls: frozenset[str],
        unread_fields: frozenset[str],
    ) -> Kinds:
        fields = {language.field_id_for_name(f) for f in unread_fields}
        return Kinds(
            kind_ids(language, names),
            kind_ids(language, types),
            kind_ids(language, stops),
            kind_ids(language, calls),
            frozenset(f for f in fields if f is not None),
        )


@dataclass
class Found:
    """What :func:`descend` found under a node, in document order."""

    names: list[tree_sitter.Node] = field(default_factory=list)
    types: list[tree_sitter.Node] = field(default_factory=list)
    stops: list[tree_sitter.Node] = field(default_factory=list)
    calls: list[tree_sitter.Node] = field(default_factory=list)


def descend(node: tree_sitter.Node, kinds: Kinds) -> Found:
    """The reads, stops and calls under ``node`` (not below a stop): the part of a walk
    where every child is read alike, with a cursor (several times faster than listing
    each node's children)."""
    found = Found()
    cursor = node.walk()
    if not cursor.goto_first_child():
        return found
    names, types, stops, calls = kinds.names, kinds.types, kinds.stops, kinds.calls
    unread = kinds.unread_fields
    while True:
        child = cursor.node
        if child is not None:
            kind = child.kind_id
            if kind in names:
                if cursor.field_id not in unread:
                    found.names.append(child)
            elif kind in types:
                found.types.append(child)
            elif kind in stops:
                found.stops.append(child)
            else:
                if kind in calls:
                    found.calls.append(child)
                if cursor.goto_first_child():
                    continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return found

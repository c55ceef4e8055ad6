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

import tree_sitter

__all__ = ["Call", "Reference", "Scope", "ScopeModel"]


@dataclass(eq=False)
class Scope:
    """One scope: ``kind`` is module, class, function, comprehension, annotation or block."""

    kind: str
    parent: Scope | None
    node: tree_sitter.Node
    #: Name → the identifier nodes that bind it here.
    bindings: dict[str, list[tree_sitter.Node]] = field(default_factory=dict)

    def bind(self, name: str, node: tree_sitter.Node) -> None:
        self.bindings.setdefault(name, []).append(node)

    def visible(self) -> list[Scope]:
        """The scopes a name read here is looked up in, innermost first."""
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
    #: Names seen inside broken regions: they may bind anything, anywhere.
    broken_names: set[str] = field(default_factory=set)
    #: Byte ranges of the top-level statements with syntax errors.
    broken_ranges: list[tuple[int, int]] = field(default_factory=list)

    def new_scope(self, kind: str, parent: Scope, node: tree_sitter.Node) -> Scope:
        scope = Scope(kind, parent, node)
        self.scopes.append(scope)
        return scope

"""``undefined-name``: a name read where no scope of the file binds it.

A reference is reported when no scope visible from it binds the name (see
:mod:`codecrdt.analysis.scopes` for the visibility rules), the language does not provide
it (Python's builtins and module attributes; the ES, DOM and browser-project globals of
``grammars/javascript/globals.txt``), and the file has no wildcard import (then anything
may be bound: nothing is reported for that file). Never reported: Python references
inside ``try`` blocks that catch ``NameError``, names inside string annotations, references
on the lines of top-level statements with syntax errors and names that a broken region
mentions (its scopes are guesses; ``syntax-error`` reports it).

The quick-fix suggestion: the one name bound in a visible scope that is the same words
in another case style (``loadRows`` for ``load_rows``) or at most two edits away; none for
a JSX tag (a component or icon is imported, not renamed).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import tree_sitter

from codecrdt.analysis.languages import LanguageSpec
from codecrdt.analysis.model import global_names
from codecrdt.analysis.scopes import Reference, Scope, ScopeModel

__all__ = ["Report", "Rows", "close_names", "unbound_references", "undefined_names"]

#: Names bound by the language inside some scopes only.
_PYTHON_CLASS_NAMES = frozenset({"__module__", "__qualname__"})
#: Namespaces a browser project's type packages declare as UMD globals (``export as
#: namespace React``): a module may name them in a type (``React.JSX.Element``) without an
#: import, but reading them as a value needs one (tsc: TS2686).
_TYPE_NAMESPACES = frozenset({"React"})
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


@dataclass(frozen=True)
class Report:
    """A finding located at a node, before the analysis gives it its code's severity."""

    code: str
    message: str
    node: tree_sitter.Node
    name: str
    related: tuple[tree_sitter.Node, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def undefined_names(model: ScopeModel, spec: LanguageSpec) -> Iterator[Report]:
    if model.star_import:
        return
    broken = Rows(model.broken_rows)
    for reference, name in unbound_references(model, spec):
        if name in model.broken_names:
            continue
        if broken and reference.node.start_point[0] in broken:
            continue
        yield _report(reference, name)


def unbound_references(
    model: ScopeModel, spec: LanguageSpec, *, open_module: bool = False
) -> Iterator[tuple[Reference, str]]:
    """(reference, name) for each read that no visible scope binds and the language does
    not provide: what is reported unless the file's broken regions or a wildcard import
    exempt it. With ``open_module``, a read that only the module binds is listed too (the
    module's bindings are then decided over the whole file by the caller)."""
    provided = global_names(spec.queries)
    python = spec.queries == "python"
    module = model.module if open_module else None
    for reference in model.references:
        name = (reference.node.text or b"").decode("utf-8", "replace")
        if name in provided or reference.guarded:
            continue
        if reference.type_position and name in _TYPE_NAMESPACES and not python:
            continue
        found = reference.scope.lookup(name)
        if found is not None and found is not module:
            continue
        if _implicit(name, reference.scope, python):
            continue
        yield reference, name


class Rows:
    """Rows covered by (first, last) spans, looked up by bisection (a file of 20,000 broken
    lines has 20,000 spans)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for first, last in sorted(spans):
            if self.ends and first <= self.ends[-1] + 1:
                self.ends[-1] = max(self.ends[-1], last)
            else:
                self.starts.append(first)
                self.ends.append(last)

    def __bool__(self) -> bool:
        return bool(self.starts)

    def __contains__(self, row: object) -> bool:
        if not isinstance(row, int):
            return False
        index = bisect.bisect_right(self.starts, row) - 1
        return index >= 0 and row <= self.ends[index]


def _implicit(name: str, scope: Scope, python: bool) -> bool:
    """Names the language binds in some scopes: ``__class__`` in a method,
    ``__module__``/``__qualname__`` in a class body (Python), ``arguments`` in a function
    (JavaScript)."""
    chain = []
    current: Scope | None = scope
    while current is not None:
        chain.append(current.kind)
        current = current.parent
    if python:
        if name == "__class__":
            return "function" in chain and "class" in chain
        return name in _PYTHON_CLASS_NAMES and "class" in chain
    return name == "arguments" and "function" in chain


def _report(reference: Reference, name: str) -> Report:
    node = reference.node
    jsx = reference.jsx
    in_scope = sorted(
        {bound for scope in reference.scope.visible() for bound in scope.bindings} - {name}
    )
    suggestion = None if jsx else _only(close_names(name, in_scope))
    what = "type" if reference.type_position else "component" if jsx else "name"
    message = f"{what} '{name}' is not defined"
    if suggestion is not None:
        message += f" (did you mean '{suggestion}'?)"
    data: dict[str, Any] = {
        "name": name,
        "reference": [node.start_byte, node.end_byte],
        "in_scope": in_scope[:50],
        "suggestion": suggestion,
        "jsx": jsx,
    }
    return Report("undefined-name", message, node, name, (), data)


def _only(names: list[str]) -> str | None:
    return names[0] if len(names) == 1 else None


def close_names(name: str, candidates: list[str]) -> list[str]:
    """The candidates close to ``name``: the same words in another case style, or (for
    names of three characters or more) at most two edits away."""
    return [c for c in candidates if _close(name, c)]


@lru_cache(maxsize=1 << 16)
def _close(name: str, candidate: str) -> bool:
    """Kept between analyses: a document's undefined names are compared with the same
    names in scope after every edit."""
    words = _words(name)
    return bool(words and _words(candidate) == words) or _near(name, candidate)


def _near(name: str, candidate: str) -> bool:
    return (
        min(len(name), len(candidate)) >= 3
        and abs(len(candidate) - len(name)) <= 2
        and _distance(name, candidate, 2) <= 2
    )


@lru_cache(maxsize=1 << 16)
def _words(name: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORDS.findall(name))


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` once it is known to exceed ``limit``."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]

"""A file's scope model and its language's global names, by language.

The binder of each query folder (``grammars/<queries>/``) and the global names in
``grammars/<queries>/globals.txt`` (one name a line, ``#`` comments; a line
``inherits: <folder>`` adds that folder's names).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from functools import cache

import tree_sitter

from codecrdt.analysis.jsbinder import bind_javascript
from codecrdt.analysis.languages import LanguageSpec
from codecrdt.analysis.pybinder import bind_python
from codecrdt.analysis.queries import GRAMMARS
from codecrdt.analysis.scopes import ScopeModel

__all__ = ["global_names", "scope_model"]

_Binder = Callable[
    [tree_sitter.Node, tree_sitter.Language, Sequence[tree_sitter.Node] | None], ScopeModel
]
_BINDERS: dict[str, _Binder] = {
    "python": bind_python,
    "javascript": bind_javascript,
    "typescript": bind_javascript,
}
#: Names the running language itself provides beyond the globals file.
_RUNTIME: dict[str, frozenset[str]] = {"python": frozenset(dir(builtins))}


def scope_model(
    root: tree_sitter.Node,
    spec: LanguageSpec,
    statements: Sequence[tree_sitter.Node] | None = None,
) -> ScopeModel | None:
    """The scopes of ``root`` (of its top-level ``statements`` only, when given), or None
    for a language without a binder."""
    binder = _BINDERS.get(spec.queries)
    return None if binder is None else binder(root, spec.tree_sitter, statements)


@cache
def global_names(folder: str) -> frozenset[str]:
    """The names a file of the language in ``grammars/<folder>/`` reads without binding."""
    names = set(_RUNTIME.get(folder, ()))
    path = GRAMMARS / folder / "globals.txt"
    if not path.exists():
        return frozenset(names)
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("inherits:"):
            names |= global_names(line.split(":", 1)[1].strip())
        else:
            names.add(line)
    return frozenset(names)

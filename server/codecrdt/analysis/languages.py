"""The language registry: one entry per language, everything else is in its query folder.

Adding a language means a folder ``grammars/<queries>/`` with its ``*.scm`` files and one
:class:`LanguageSpec` here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePath

import tree_sitter

__all__ = ["LANGUAGES", "LanguageSpec", "language_for_path", "language_named", "valid_code"]


@dataclass(frozen=True)
class LanguageSpec:
    name: str
    #: The LSP ``languageId``s and file suffixes that select this language.
    language_ids: tuple[str, ...]
    suffixes: tuple[str, ...]
    #: The folder under ``grammars/`` holding the queries (TSX shares TypeScript's).
    queries: str
    load: Callable[[], object] = field(repr=False, compare=False)
    #: Ancestors that make a declaration conditional: declarations under different ones
    #: are alternatives (if/else, try/except), never conflicts.
    branches: frozenset[str] = frozenset()
    #: Which variable names count as declarations (Python reassigns ordinary variables).
    variable_names: re.Pattern[str] | None = None

    @property
    def tree_sitter(self) -> tree_sitter.Language:
        return _language(self)


@cache
def _language(spec: LanguageSpec) -> tree_sitter.Language:
    return tree_sitter.Language(spec.load())


def _python() -> object:
    import tree_sitter_python

    return tree_sitter_python.language()


def _javascript() -> object:
    import tree_sitter_javascript

    return tree_sitter_javascript.language()


def _typescript() -> object:
    import tree_sitter_typescript

    return tree_sitter_typescript.language_typescript()


def _tsx() -> object:
    import tree_sitter_typescript

    return tree_sitter_typescript.language_tsx()


_JS_BRANCHES = frozenset(
    {
        "if_statement",
        "else_clause",
        "try_statement",
        "catch_clause",
        "finally_clause",
        "switch_case",
        "switch_default",
        "while_statement",
        "do_statement",
        "for_statement",
        "for_in_statement",
    }
)

LANGUAGES: tuple[LanguageSpec, ...] = (
    LanguageSpec(
        "python",
        ("python",),
        (".py", ".pyi"),
        "python",
        _python,
        branches=frozenset(
            {
                "if_statement",
                "elif_clause",
                "else_clause",
                "try_statement",
                "except_clause",
                "except_group_clause",
                "finally_clause",
                "case_clause",
                "for_statement",
                "while_statement",
                "with_statement",
            }
        ),
        variable_names=re.compile(r"^_?[A-Z][A-Z0-9_]*$"),
    ),
    LanguageSpec(
        "javascript",
        ("javascript", "javascriptreact"),
        (".js", ".jsx", ".mjs", ".cjs"),
        "javascript",
        _javascript,
        branches=_JS_BRANCHES,
    ),
    LanguageSpec(
        "typescript",
        ("typescript",),
        (".ts", ".mts", ".cts"),
        "typescript",
        _typescript,
        branches=_JS_BRANCHES,
    ),
    LanguageSpec(
        "tsx",
        ("typescriptreact",),
        (".tsx",),
        "typescript",
        _tsx,
        branches=_JS_BRANCHES,
    ),
)


def language_for_path(path: str | PurePath) -> LanguageSpec | None:
    suffix = PurePath(path).suffix.lower()
    return next((spec for spec in LANGUAGES if suffix in spec.suffixes), None)


def language_named(name_or_id: str) -> LanguageSpec | None:
    return next(
        (s for s in LANGUAGES if name_or_id == s.name or name_or_id in s.language_ids), None
    )


def valid_code(text: str, language: LanguageSpec) -> bool:
    """Whether ``text`` is valid code on its own at the top level of a file: no syntax
    error for tree-sitter, and for Python none for CPython's compiler either (which also
    refuses what the grammar allows, such as ``return`` outside a function)."""
    if not text.strip():
        return False
    if tree_sitter.Parser(language.tree_sitter).parse(text.encode("utf-8")).root_node.has_error:
        return False
    if language.name == "python":
        try:
            compile(text, "<code>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True

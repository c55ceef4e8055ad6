"""Loading and checking the query files of ``grammars/<language>/*.scm``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tree_sitter

from codecrdt.analysis.languages import LanguageSpec

__all__ = ["GRAMMARS", "QueryError", "QuerySet", "declared_captures", "queries_for"]

#: The grammars folder (a link inside the package to the repository's ``grammars/``).
GRAMMARS = Path(__file__).resolve().parent.parent / "grammars"

_CAPTURE = re.compile(r"@([A-Za-z_][\w.]*)")


class QueryError(Exception):
    """A query file that does not compile or uses an undeclared capture."""


@dataclass(frozen=True)
class QuerySet:
    language: LanguageSpec
    queries: dict[str, tree_sitter.Query]  # purpose (file stem) → query
    #: Every purpose's patterns in one query: one walk of the tree instead of one per
    #: file (the capture names tell the purposes apart). Three to four times faster.
    combined: tree_sitter.Query


@cache
def declared_captures() -> frozenset[str]:
    with (GRAMMARS / "captures.toml").open("rb") as handle:
        return frozenset(tomllib.load(handle)["captures"])


def query_files(spec: LanguageSpec) -> list[Path]:
    return sorted((GRAMMARS / spec.queries).glob("*.scm"))


_INHERITS = re.compile(r"\A; inherits: ([\w-]+)[ \t]*\n")


def query_source(path: Path) -> str:
    """A query file's text, with the same-named file of the language it inherits from
    (a first line ``; inherits: <folder>``, as in nvim-treesitter) put in front."""
    source = path.read_text(encoding="utf-8")
    parent = _INHERITS.match(source)
    if parent is None:
        return source
    return query_source(GRAMMARS / parent.group(1) / path.name) + "\n" + source


def compile_query(spec: LanguageSpec, path: Path) -> tree_sitter.Query:
    own = path.read_text(encoding="utf-8")
    code = re.sub(r";[^\n]*", "", own)  # comments may mention captures in prose
    for number, line in enumerate(code.splitlines(), 1):
        for capture in _CAPTURE.findall(line):
            if capture not in declared_captures():
                raise QueryError(f"{path}:{number}: undeclared capture @{capture}")
    source = query_source(path)
    try:
        return tree_sitter.Query(spec.tree_sitter, source)
    except tree_sitter.QueryError as error:
        # tree-sitter counts rows from 0, in the text with any inherited file in front;
        # editors and compilers count lines from 1.
        row = re.search(r"row (\d+)", str(error))
        inherited = source.count("\n") - own.count("\n")
        line = int(row.group(1)) + 1 - inherited if row else 0
        where = f"{path}:{line}" if line > 0 else str(path)
        raise QueryError(f"{where}: {error}") from None


@cache
def queries_for(spec: LanguageSpec) -> QuerySet:
    files = query_files(spec)
    queries = {path.stem: compile_query(spec, path) for path in files}
    source = "\n".join(query_source(path) for path in files)
    return QuerySet(spec, queries, tree_sitter.Query(spec.tree_sitter, source))

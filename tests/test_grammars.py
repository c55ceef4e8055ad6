"""The query files: every one compiles and uses only the captures of captures.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from codecrdt.analysis.languages import LANGUAGES, LanguageSpec, language_named
from codecrdt.analysis.queries import (
    GRAMMARS,
    QueryError,
    compile_query,
    declared_captures,
    query_files,
)

REQUIRED = ("scopes", "declarations", "imports", "comments")


def _query_cases() -> list[tuple[LanguageSpec, Path]]:
    return [(spec, path) for spec in LANGUAGES for path in query_files(spec)]


@pytest.mark.parametrize(
    ("spec", "path"), _query_cases(), ids=lambda v: getattr(v, "name", None) or str(v)
)
def test_query_compiles_with_declared_captures(spec: LanguageSpec, path: Path) -> None:
    query = compile_query(spec, path)
    for index in range(query.capture_count):
        assert query.capture_name(index) in declared_captures()


@pytest.mark.parametrize("spec", LANGUAGES, ids=lambda s: s.name)
def test_language_has_required_queries(spec: LanguageSpec) -> None:
    folder = GRAMMARS / spec.queries
    assert folder.is_dir(), f"{spec.name}: no folder {folder}"
    stems = {path.stem for path in query_files(spec)}
    missing = [purpose for purpose in REQUIRED if purpose not in stems]
    assert not missing, f"{spec.name}: missing {missing} in {folder}"


def test_undeclared_capture_is_rejected_with_its_line(tmp_path: Path) -> None:
    spec = language_named("python")
    assert spec is not None
    path = tmp_path / "bad.scm"
    path.write_text(
        "; a comment may mention @anything\n(module) @scope\n(comment) @not.declared\n",
        encoding="utf-8",
    )
    with pytest.raises(QueryError, match=rf"{path}:3: undeclared capture @not\.declared"):
        compile_query(spec, path)


def test_query_that_does_not_compile_is_rejected(tmp_path: Path) -> None:
    spec = language_named("javascript")
    assert spec is not None
    path = tmp_path / "bad.scm"
    path.write_text("; a comment\n(no_such_node) @scope\n", encoding="utf-8")
    with pytest.raises(QueryError, match=rf"{path}:2: Invalid node type"):
        compile_query(spec, path)


def test_a_query_file_can_inherit_another_languages_file() -> None:
    from codecrdt.analysis.queries import GRAMMARS

    typescript, javascript = language_named("typescript"), language_named("javascript")
    inheriting = GRAMMARS / "typescript" / "imports.scm"
    assert inheriting.read_text(encoding="utf-8").startswith("; inherits: javascript\n")
    parent = compile_query(javascript, GRAMMARS / "javascript" / "imports.scm")
    assert compile_query(typescript, inheriting).pattern_count == parent.pattern_count > 0

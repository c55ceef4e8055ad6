"""The semantic-conflict analysis against the fixtures in tests/fixtures/<language>/.

Each fixture ``<case>.<ext>`` has its expected findings in ``<case>.expected``: one line
per finding, ``line:col code name`` (1-based line, 1-based code-point column; no name for
syntax errors); an empty file means no findings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codecrdt.analysis.detect import Finding
from codecrdt.analysis.languages import LanguageSpec, language_named
from codecrdt.analysis.tree import analyze_text

FIXTURES = Path(__file__).parent / "fixtures"
SUFFIXES = {
    "python": (".py", ".pyi"),
    "javascript": (".js", ".jsx"),
    "typescript": (".ts",),
    "tsx": (".tsx",),
}


def spec_for(language: str) -> LanguageSpec:
    spec = language_named(language)
    assert spec is not None, language
    return spec


def fixture_files() -> list[Path]:
    return sorted(
        path
        for language, suffixes in SUFFIXES.items()
        for path in (FIXTURES / language).iterdir()
        if path.suffix in suffixes
    )


def render(finding: Finding, text: str) -> str:
    row, byte_column = finding.start_point
    line = text.split("\n")[row].encode("utf-8")
    column = len(line[:byte_column].decode("utf-8")) + 1
    return f"{row + 1}:{column} {finding.code} {finding.name or ''}".rstrip()


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected_file = path.with_suffix(".expected")
    assert expected_file.exists(), f"{expected_file} is missing"
    expected = [line for line in expected_file.read_text(encoding="utf-8").splitlines() if line]
    findings = analyze_text(text, spec_for(path.parent.name), stub=path.suffix == ".pyi")
    actual = [render(f, text) for f in findings]
    assert actual == expected


def test_every_language_and_code_has_fixtures() -> None:
    codes: set[str] = set()
    for language in SUFFIXES:
        files = list((FIXTURES / language).glob("*.expected"))
        assert files, language
        for path in files:
            codes |= {line.split()[1] for line in path.read_text().splitlines() if line}
    assert codes == {
        "duplicate-import",
        "duplicate-declaration",
        "duplicate-member",
        "conflicting-signature",
        "conflicting-value",
        "syntax-error",
        "leftover-todo",
        "undefined-name",
        "arity-mismatch",
    }


# -- suppression comments, in each comment syntax -------------------------------------

SUPPRESSION_CASES = [
    ("python", "import os\nimport os  {comment}\n", "# codecrdt: ignore{codes}"),
    ("javascript", "const a = 1;\nconst a = 2; {comment}\n", "// codecrdt: ignore{codes}"),
    ("javascript", "const a = 1;\nconst a = 2; {comment}\n", "/* codecrdt: ignore{codes} */"),
    ("typescript", "type T = 1;\ntype T = 2; {comment}\n", "// codecrdt: ignore{codes}"),
    ("typescript", "type T = 1;\ntype T = 2; {comment}\n", "/* codecrdt: ignore{codes} */"),
    ("tsx", "let a = 1;\nlet a = <b />; {comment}\n", "// codecrdt: ignore{codes}"),
]


@pytest.mark.parametrize(("language", "source", "comment"), SUPPRESSION_CASES)
def test_suppression_comments(language: str, source: str, comment: str) -> None:
    spec = spec_for(language)

    def codes_for(codes: str) -> list[str]:
        text = source.format(comment=comment.format(codes=codes))
        return [f.code for f in analyze_text(text, spec)]

    unsuppressed = codes_for("[leftover-todo]")
    assert len(unsuppressed) == 1 and unsuppressed[0] != "leftover-todo"
    assert codes_for("") == []
    assert codes_for(f"[{unsuppressed[0]}]") == []
    assert codes_for(f"[leftover-todo, {unsuppressed[0]}]") == []


def test_suppression_applies_to_its_own_line_only() -> None:
    text = "import os  # codecrdt: ignore\nimport os\n"
    assert [f.start_point[0] for f in analyze_text(text, spec_for("python"))] == [1]


def test_jsx_comment_todo_and_suppression() -> None:
    text = (
        "export const A = () => (\n"
        "  <div>\n"
        "    {/* TODO(codecrdt:Header): the header */}\n"
        "    {/* TODO(codecrdt:Footer): the footer */} {/* codecrdt: ignore[leftover-todo] */}\n"
        "  </div>\n"
        ");\n"
    )
    findings = analyze_text(text, spec_for("javascript"))
    assert [(f.code, f.name, f.start_point) for f in findings] == [
        ("leftover-todo", "Header", (2, 8))
    ]


# -- related information and data -----------------------------------------------------


def test_related_information_points_at_the_first_declaration() -> None:
    text = "def f(a):\n    pass\n\n\ndef g():\n    pass\n\n\ndef f(a):\n    pass\n"
    (finding,) = analyze_text(text, spec_for("python"))
    assert finding.code == "duplicate-declaration"
    assert finding.start_point == (8, 4)
    start, end, point = finding.related[0]
    assert point == (0, 4)
    assert text.encode()[start:end] == b"f"
    assert finding.data["identical"] is True
    assert finding.data["name"] == "f"


def test_three_declarations_all_point_at_the_first() -> None:
    text = "const a = 1;\nconst a = 2;\nconst a = 3;\n"
    findings = analyze_text(text, spec_for("javascript"))
    assert [f.start_point[0] for f in findings] == [1, 2]
    assert all(f.related[0][2] == (0, 6) for f in findings)


def test_identical_is_false_for_different_bodies() -> None:
    text = "function f(a) { return 1; }\nfunction f(a) { return 2; }\n"
    (finding,) = analyze_text(text, spec_for("typescript"))
    assert finding.code == "duplicate-declaration"
    assert finding.data["identical"] is False


def test_conflicting_signature_message_names_both_parameter_lists() -> None:
    text = "def f(a):\n    pass\n\n\ndef f(a, b):\n    pass\n"
    (finding,) = analyze_text(text, spec_for("python"))
    assert finding.code == "conflicting-signature"
    assert "(a, b)" in finding.message and "(a)" in finding.message


def test_codes_filter() -> None:
    text = "# TODO(codecrdt:x)\nimport os\nimport os\n"
    spec = spec_for("python")
    assert [f.code for f in analyze_text(text, spec)] == ["leftover-todo", "duplicate-import"]
    assert [f.code for f in analyze_text(text, spec, codes=["leftover-todo"])] == ["leftover-todo"]


def test_messages_count_lines_as_editors_do() -> None:
    """A lone "\\r" ends a line for editors (and the LSP), though not a tree-sitter row."""
    (finding,) = analyze_text("x = 1\rimport os\nimport os\n", language_named("python"))
    assert finding.code == "duplicate-import"
    assert finding.message == (
        "'os' is imported again (first on line 2): the same binding again, so this import "
        "is redundant"
    )

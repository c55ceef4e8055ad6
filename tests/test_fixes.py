"""Quick fixes on source text: what the file becomes, and when no fix is offered."""

from __future__ import annotations

import pytest
import tree_sitter

from codecrdt.analysis.detect import analyze
from codecrdt.analysis.fixes import fix_for
from codecrdt.analysis.languages import language_named


def fixed(language: str, source: str) -> list[tuple[str, str | None, str]]:
    """(code, fix title, the text after that fix) for every finding."""
    spec = language_named(language)
    data = source.encode("utf-8")
    tree = tree_sitter.Parser(spec.tree_sitter).parse(data)
    out = []
    for finding in analyze(tree, data, spec):
        fix = fix_for(finding, tree, data)
        text = data
        for start, end, new in sorted(fix.edits if fix else (), reverse=True):
            text = text[:start] + new.encode("utf-8") + text[end:]
        out.append((finding.code, fix.title if fix else None, text.decode("utf-8")))
    return out


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        (  # same module, named only: one statement with the union
            "typescript",
            'import { a, c } from "m";\nimport { a, d } from "m";\n',
            'import { a, c, d } from "m";\n',
        ),
        (  # a Python re-import: only the repeated name goes, the rest of the statement stays
            "python",
            "from m import b, c\nfrom m import c, d as e\n",
            "from m import b, c\nfrom m import d as e\n",
        ),
        (  # `import a, b` with one name imported again
            "python",
            "import os, sys\nimport json, os\n",
            "import os, sys\nimport json\n",
        ),
        (  # `import m as n` twice: the whole statement is the repeat
            "python",
            "import m as n\nimport m as n\nn.f()\n",
            "import m as n\nn.f()\n",
        ),
        (  # a default import beside the repeated name survives
            "typescript",
            'import { a } from "m";\nimport b, { a } from "m";\nb(a);\n',
            'import { a } from "m";\nimport b from "m";\nb(a);\n',
        ),
        (  # `import type` is not merged into a value import: only the repeat goes
            "typescript",
            'import type { A } from "m";\nimport { A, B } from "m";\nnew B();\n',
            'import type { A } from "m";\nimport { B } from "m";\nnew B();\n',
        ),
        (  # a whole repeated statement goes with its line
            "python",
            "import os\nx = 1\nimport os\n",
            "import os\nx = 1\n",
        ),
        (  # different modules: the later binding is removed from its list
            "python",
            "from a import x\nfrom b import y, x, z\n",
            "from a import x\nfrom b import y, z\n",
        ),
    ],
)
def test_duplicate_import_fixes(language: str, source: str, expected: str) -> None:
    ((code, title, text),) = fixed(language, source)
    assert code == "duplicate-import" and title is not None
    assert text == expected


def test_a_reimport_loses_every_repeated_name_and_keeps_the_others() -> None:
    """Each repeated name has its finding; each finding's fix removes all the names the
    first statement already imports (one edit), and keeps the new ones and the layout."""
    source = "from m import a, b, c\nx = 1\nfrom m import (\n    a,\n    d,\n    c,\n)\n"
    results = fixed("python", source)
    assert [code for code, _, _ in results] == ["duplicate-import", "duplicate-import"]
    for _code, title, text in results:
        assert title == "Remove the duplicate imports of 'a', 'c'"
        assert text == "from m import a, b, c\nx = 1\nfrom m import (\n    d,\n)\n"


def test_a_different_object_under_a_bound_name_is_not_a_reimport() -> None:
    """`from b import x` after `from a import x` binds another object: still a conflict,
    fixed as before by removing the later binding (which one is right is for a person)."""
    ((code, title, text),) = fixed("python", "from a import x, y\nfrom b import x, z\n")
    assert (code, title) == ("duplicate-import", "Remove the duplicate import of 'x'")
    assert text == "from a import x, y\nfrom b import z\n"


def test_an_identical_duplicate_definition_is_removed() -> None:
    source = "def f(x):\n    return x\n\n\ndef f(x):\n    return x\n"
    ((code, title, text),) = fixed("python", source)
    assert (code, title) == ("duplicate-declaration", "Remove the identical duplicate of 'f'")
    assert text == "def f(x):\n    return x\n\n\n"


@pytest.mark.parametrize(
    ("language", "source"),
    [
        ("typescript", "function f() {}\nexport function f() {}\n"),  # which one is the API?
        ("python", "def f(x):\n    return x\n\n\ndef f(x):\n    return x + 1\n"),  # differ
    ],
)
def test_no_deterministic_fix_when_the_duplicates_differ(language: str, source: str) -> None:
    ((_, title, text),) = fixed(language, source)
    assert title is None
    assert text == source


def test_an_ignore_in_a_block_comment_covers_the_line_it_is_on() -> None:
    source = (
        'import { a } from "m";\n'
        "/* first line of a comment\n"
        '   codecrdt: ignore[duplicate-import] */ import { a } from "n";\n'
        'import { a } from "o";\n'
    )
    findings = fixed("typescript", source)
    assert [code for code, _, _ in findings] == ["duplicate-import"]  # only line 4's

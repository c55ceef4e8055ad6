"""``codecrdt generate`` on a file that already holds code: the run adds, it never deletes.

The outline and the bodies come from a prepared script
(tests/fixtures/extend/library-extend.toml, the scripted provider): these tests pin what
the run does with that prepared output (where each placed block lands, what is refused,
what is left alone), not what a model would plan. The result is judged from outside:
CPython compiles and runs it, ruff's pyflakes rules check its names, and the original
lines are compared with the file's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codecrdt.agents.placement import Placement
from codecrdt.analysis.languages import language_named
from codecrdt.cli import main
from codecrdt.markers import scan_markers

FIXTURES = Path(__file__).parent
LIBRARY = FIXTURES / "fixtures" / "extend" / "library.py"
SCRIPT = str(FIXTURES / "fixtures" / "extend" / "library-extend.toml")
SHAPES = FIXTURES / "fixtures" / "implement" / "shapes.py"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def extend(capsys: pytest.CaptureFixture[str], path: Path, original: str) -> tuple[int, str, dict]:
    path.write_text(original, encoding="utf-8")
    # The Outliner places blocks: a parallel run (auto would write this small task alone).
    args = ["generate", "--out", path.name, "--provider", "scripted", "--script", SCRIPT]
    args += ["--mode", "parallel"]
    status = main([*args, "--quiet", "--report", "report.json"])
    _out, err = capsys.readouterr()
    report = json.loads(Path("report.json").read_text(encoding="utf-8"))
    return status, " ".join(err.split()), report


def untouched(final: str, report: dict) -> list[str]:
    """The final file's lines outside every region the run reports it touched."""
    touched = {
        row
        for region in report["touched"]
        for row in range(region["start_line"], region["end_line"] + 1)
    }
    return [line for row, line in enumerate(final.splitlines()) if row not in touched]


def non_blank(lines: list[str]) -> list[str]:
    return [line for line in lines if line.strip()]


def test_a_300_line_module_gets_two_methods_and_a_flag_and_keeps_every_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = LIBRARY.read_text(encoding="utf-8")
    assert len(original.splitlines()) >= 290
    path = tmp_path / "library.py"
    status, err, report = extend(capsys, path, original)
    assert status == 0, err
    final = path.read_text(encoding="utf-8")
    # The original lines are all there, in order, and the report's regions are exactly
    # what was added (blank separators aside).
    assert non_blank(untouched(final, report)) == non_blank(original.splitlines())
    assert [(p["header"], p["how"], p["written"]) for p in report["placements"]] == [
        ("@@ imports", "with the imports", True),
        ("@@ inside-class Library", "inside class Library", True),
        ("@@ after format_table", "after format_table", True),
        ("@@ after-line 214", "after line 214", True),
        ("@@ after-line 262", "after line 262", True),
    ]
    # The outline's duplicate import went (the Evaluator removed the run's copy).
    assert final.count("import json\n") == 1
    assert report["conflicts"]["fixed_deterministic"] == 1
    assert report["conflicts"]["left"] == 0
    assert scan_markers(final) == []
    lines = final.splitlines()
    search = lines.index("    def search(self, words: str) -> list[Book]:")
    remove = lines.index("    def remove_book(self, isbn: str) -> Book:")
    to_json = lines.index("def to_json(library: Library) -> dict[str, object]:")
    assert search < remove < to_json  # inside the class, after its last method
    flag = lines.index(
        '    listing.add_argument("--json", action="store_true", help="print the books as JSON")'
    )
    assert lines[flag - 1].strip().startswith('listing.add_argument("--search"')
    # Independent judges: ruff's pyflakes rules, then CPython running the new flag and
    # the new methods.
    ruff = shutil.which("ruff")
    if ruff is not None:
        check = subprocess.run(
            [ruff, "check", "--no-cache", "--isolated", "--select", "F,E9", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout
    data = tmp_path / "lib.json"
    common = [sys.executable, str(path), "--file", str(data)]
    for isbn, title, year in (
        ("978-0-306-40615-7", "Later", "2001"),
        ("978-3-16-148410-0", "Earlier", "1990"),
    ):
        added = subprocess.run([*common, "add", isbn, title, "Ann Lee", year], check=False)
        assert added.returncode == 0
    listed = subprocess.run(
        [*common, "list", "--json"], capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0, listed.stderr
    assert sorted(book["title"] for book in json.loads(listed.stdout)) == ["Earlier", "Later"]
    probe = (
        "import sys, datetime as dt; sys.path.insert(0, sys.argv[1]); import library as m\n"
        "lib = m.from_json(__import__('json').loads(open(sys.argv[2]).read()))\n"
        "print([b.title for b in lib.books_by('ann lee')])\n"
        "lib.add_member(m.Member('bo', 'bo@x'))\n"
        "lib.lend('978-0-306-40615-7', 'bo', dt.date.today())\n"
        "try:\n    lib.remove_book('978-0-306-40615-7')\n"
        "except m.LibraryError as e:\n    print(e)\n"
        "print(lib.remove_book('978-3-16-148410-0').title)\n"
    )
    probed = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path), str(data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert probed.stdout.splitlines() == [
        "['Earlier', 'Later']",
        "978-0-306-40615-7 is on loan",
        "Earlier",
    ], probed.stderr


def test_on_a_file_the_script_was_not_written_for_nothing_is_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = SHAPES.read_text(encoding="utf-8")
    path = tmp_path / "shapes.py"
    status, err, report = extend(capsys, path, original)
    final = path.read_text(encoding="utf-8")
    assert non_blank(untouched(final, report)) == non_blank(original.splitlines()), err
    # The placements name nothing in this file: the blocks went to the end, and the one
    # that is no code on its own there (a `return` outside a function) was left out.
    assert [(p["how"].split(" (")[0], p["written"]) for p in report["placements"]] == [
        ("with the imports", True),
        ("end", True),
        ("end", True),
        ("end", False),
        ("end", True),
    ]
    assert "return 0\n" not in final[len(original) :]
    compile(final, str(path), "exec")  # CPython: still a valid module
    # The file's own markers are the user's: a generate run leaves them alone.
    assert [m.name for m in scan_markers(final)] == ["circle_area", "rect_area", "main_body"]
    assert sorted(t["name"] for t in report["todos"]) == [
        "books_as_json",
        "books_by",
        "remove_book",
    ]
    assert all(t["status"] == "done" for t in report["todos"]), report["todos"]
    # Code written for another file reads names this one lacks (`Book`, the library's
    # helpers): the analysis reports them as undefined, no deterministic fix exists and the
    # script has no model answer for them, so they are left, and the run says so (exit 1).
    left = report["conflicts"]["left"]
    assert (status, left > 0) in ((0, False), (1, True)), (status, report["conflicts"])


def test_the_evaluator_does_not_delete_the_users_own_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The user's file has a duplicate import of its own: the run's copy of it goes, the
    user's two stay, and the conflict is reported as left."""
    original = LIBRARY.read_text(encoding="utf-8").replace(
        "import json\n", "import json\nimport json\n", 1
    )
    path = tmp_path / "library.py"
    status, err, report = extend(capsys, path, original)
    final = path.read_text(encoding="utf-8")
    assert non_blank(untouched(final, report)) == non_blank(original.splitlines())
    assert final.count("import json\n") == 2
    assert [c["code"] for c in report["conflicts_left"]] == ["duplicate-import"]
    assert status == 1, err


@pytest.mark.parametrize(
    ("language", "text", "header", "expected"),
    [
        # Inside a multi-line call: not a boundary, so the end of the file.
        ("python", "x = f(\n    1,\n)\ny = 2\n", "@@ after-line 2", (3, "")),
        ("python", "x = f(\n    1,\n)\ny = 2\n", "@@ after-line 3", (2, "")),
        # A statement in a function body takes that body's indentation.
        ("python", "def f():\n    a = 1\n    b = 2\n", "@@ after-line 2", (1, "    ")),
        ("python", "class A:\n    x = 1\n\n\nz = 3\n", "@@ inside-class A", (1, "    ")),
        ("python", "import os\nimport sys\n\nX = 1\n", "@@ imports", (1, "")),
        ("python", '"""Doc."""\n\nX = 1\n', "@@ imports", (0, "")),
        ("typescript", "class A {\n  x = 1;\n}\nlet y = 2;\n", "@@ inside-class A", (1, "  ")),
        # The closing brace shares the member's line: no line inside the class to use.
        ("typescript", "class A { x = 1; }\nlet y = 2;\n", "@@ inside-class A", (1, "")),
        ("typescript", "function f() {\n  return 1;\n}\n", "@@ after f", (2, "")),
        ("typescript", "function f() {\n  return 1;\n}\n", "@@ after-line 1", (2, "")),
    ],
)
def test_placements_are_checked_against_the_syntax_tree(
    language: str, text: str, header: str, expected: tuple[int, str]
) -> None:
    spec = language_named(language)
    assert spec is not None
    place = Placement(text, spec).resolve(header)
    assert (place.row, place.indent) == expected

"""The Evaluator's view of a large file: the file in outline (long bodies left out, line
numbers at the left), every conflict's lines still whole, and fixes still applied to the
file's real lines.

What the outline keeps is checked against the file itself: every numbered line shown is
that line of the file, byte for byte, and the elided lines are exactly the bodies (each
kept header is the real signature line, each elided run covers the body's lines).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import tree_sitter

from codecrdt.agents.prompts import WHOLE_FILE_CHARS
from codecrdt.analysis.fileview import outline_view
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text
from test_evaluator_batch import THREE, FakeModel, evaluate

_SHOWN = re.compile(r"^ *(\d+) \| (.*)$")
_ELIDED = re.compile(r"^ *\| *… lines (\d+)-(\d+) left out$")


def view(text: str, language: str, keep: list[tuple[int, int]] | None = None) -> str:
    spec = language_named(language)
    assert spec is not None
    source = text.encode("utf-8")
    tree = tree_sitter.Parser(spec.tree_sitter).parse(source)
    shown, _elided = outline_view(tree, source, keep or [])
    return shown


def read_view(shown: str, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """The file lines the view shows and the runs it leaves out; every shown line is
    checked against the file, and together they cover each line once, in order."""
    lines = text.splitlines()
    numbers: list[int] = []
    runs: list[tuple[int, int]] = []
    covered: list[int] = []
    for line in shown.splitlines():
        if match := _SHOWN.match(line):
            number = int(match.group(1))
            assert lines[number - 1] == match.group(2), line
            numbers.append(number)
            covered.append(number)
        else:
            match = _ELIDED.match(line)
            assert match, line
            first, last = int(match.group(1)), int(match.group(2))
            runs.append((first, last))
            covered.extend(range(first, last + 1))
    assert covered == list(range(1, len(lines) + 1))
    return numbers, runs


PYTHON = '''import json
from dataclasses import dataclass


@dataclass
class Store:
    """Notes kept in a JSON file."""

    path: str

    def load(self) -> list[str]:
        """Read the notes.

        Missing file: no notes.
        """
        with open(self.path, encoding="utf-8") as handle:
            data = json.load(handle)
        return [str(item) for item in data]

    def size(self) -> int:
        return len(self.load())


@staticmethod
def render(notes: list[str], width: int = 40) -> str:
    rows = []
    for note in notes:
        rows.append(note[:width])
    return "\\n".join(rows)


LIMIT = 3
'''


def test_a_python_outline_keeps_headers_and_docstrings_and_numbers_every_line() -> None:
    shown = view(PYTHON, "python")
    numbers, runs = read_view(shown, PYTHON)
    # Methods: signature and the docstring's first line kept, the rest of the body left
    # out; a short method whole. A decorated function: decorator and signature kept.
    assert runs == [(13, 18), (26, 29)]
    lines = PYTHON.splitlines()
    assert [lines[n - 1] for n in (5, 6, 7, 11, 12, 20, 21, 24, 25, 32)] == [
        "@dataclass",
        "class Store:",
        '    """Notes kept in a JSON file."""',
        "    def load(self) -> list[str]:",
        '        """Read the notes.',
        "    def size(self) -> int:",
        "        return len(self.load())",
        "@staticmethod",
        "def render(notes: list[str], width: int = 40) -> str:",
        "LIMIT = 3",
    ]
    assert {5, 6, 7, 11, 12, 20, 21, 24, 25, 32} <= set(numbers)
    assert "json.load(handle)" not in shown and "rows.append" not in shown
    assert "        … lines 13-18 left out\n" in shown  # at the body's indentation


TSX = """import React, { useState } from "react";

interface Cell {
  row: number;
  col: number;
  value: string;
  winner: boolean;
}

const SIZE = 3;

function describeMove(cell: Cell): string {
  const where = `${cell.row},${cell.col}`;
  const who = cell.value;
  return `${who} at ${where}`;
}

export const Board = ({ cells }: { cells: Cell[] }) => {
  const [hover, setHover] = useState(-1);
  return (
    <div onMouseLeave={() => setHover(-1)}>
      {cells.map((c, i) => <span key={i}>{c.value}{hover}</span>)}
    </div>
  );
};

class Game {
  moves: Cell[] = [];
  play(cell: Cell): void {
    this.moves.push(cell);
    console.log(describeMove(cell));
    if (this.moves.length > SIZE * SIZE) {
      throw new Error("full");
    }
  }
}

export default function App() {
  const [cells] = useState<Cell[]>([]);
  return (
    <main>
      <Board cells={cells} />
    </main>
  );
}
"""


def test_a_tsx_outline_keeps_signatures_and_closing_lines() -> None:
    shown = view(TSX, "tsx")
    numbers, runs = read_view(shown, TSX)
    # Interface, function, exported arrow component, a class's method, default export:
    # the header up to the opening brace and the closing line kept, the body left out.
    assert runs == [(4, 7), (13, 15), (19, 24), (30, 34), (39, 44)]
    assert {3, 8, 10, 12, 16, 18, 25, 27, 28, 29, 35, 36, 38, 45} <= set(numbers)
    assert " 29 |   play(cell: Cell): void {\n" not in shown  # width is that of line 45
    assert "29 |   play(cell: Cell): void {\n" in shown
    assert "   |     … lines 30-34 left out\n" in shown
    assert "<Board cells={cells} />" not in shown and "useState(-1)" not in shown


def test_a_kept_statement_is_shown_whole() -> None:
    """The statement holding a conflict's lines (rows 0-based) is not elided."""
    shown = view(TSX, "tsx", keep=[(13, 13)])
    _numbers, runs = read_view(shown, TSX)
    assert runs == [(4, 7), (19, 24), (30, 34), (39, 44)]
    assert "  const who = cell.value;" in shown


def test_a_file_with_a_syntax_error_keeps_the_broken_statement_whole() -> None:
    broken = TSX.replace("const who = = cell.value;", "const who = = cell.value;").replace(
        "const who = cell.value;", "const who = = cell.value;"
    )
    shown = view(broken, "tsx")
    _numbers, runs = read_view(shown, broken)
    assert (13, 15) not in runs and "const who = = cell.value;" in shown
    assert (30, 34) in runs and (39, 44) in runs


def test_a_function_still_being_written_does_not_keep_the_rest_of_the_file_whole() -> None:
    """Mid-run, a function whose closing brace is not written yet swallows the rest of
    the file in the parse: its own lines are shown, the complete declarations after it
    are still elided."""
    writing = TSX.replace("  return `${who} at ${where}`;\n}\n", "  if (who) {\n", 1)
    shown = view(writing, "tsx")
    _numbers, runs = read_view(shown, writing)
    assert "  const where = `${cell.row},${cell.col}`;" in shown and "  if (who) {" in shown
    assert (4, 7) in runs and "useState(-1)" not in shown and "<Board cells" not in shown
    assert len(shown.splitlines()) < len(writing.splitlines()) - 10


# -- the Evaluator's request on a large file --------------------------------------------


def _filler(count: int) -> str:
    """``count`` helpers whose bodies carry text the outline must leave out."""
    return "".join(
        f"\n\ndef helper_{i}(value: int) -> int:\n"
        f"    scaled_{i} = value * {i}\n"
        f"    shifted_{i} = scaled_{i} + {i}\n"
        f"    if shifted_{i} > 1000:\n"
        f"        return shifted_{i} - 1000\n"
        f"    return shifted_{i}\n"
        for i in range(count)
    )


#: THREE's conflicts with enough helpers around them to be above the whole-file limit.
LARGE = THREE.replace("\n\nLIMIT = 5\n", _filler(40) + "\n\nLIMIT = 5\n", 1)

FIX_ALL_LARGE = """FIX 1
```python
LIMIT = 5
```
FIX 2
```python
```
FIX 3 lines {line}-{line}
```python
print(save({{"id": 1}}, 2))
```
"""


def test_a_large_file_is_sent_in_outline_with_every_site_whole(tmp_path: Path) -> None:
    assert len(LARGE.encode()) > WHOLE_FILE_CHARS
    assert [(f.code, f.name) for f in analyze_text(LARGE, language_named("python"))] == [
        ("conflicting-value", "LIMIT"),
        ("duplicate-declaration", "stamp"),
        ("arity-mismatch", "save"),
    ]
    lines = LARGE.splitlines()
    call = lines.index('print(save({"id": 1}, 2, True))') + 1
    model = FakeModel([FIX_ALL_LARGE.format(line=call)])
    text, report = evaluate(LARGE, model)
    [request] = model.requests
    context = request.context
    assert "# The file as it is now, in outline (bodies elided)\n" in context
    assert "in outline" in request.system and "line numbers" in request.system
    # No elided body's text, every helper's signature with its real line number.
    assert "scaled_7 = value * 7" not in context
    helper = lines.index("def helper_7(value: int) -> int:") + 1
    assert f"{helper} | def helper_7(value: int) -> int:\n" in context
    assert f"    |     … lines {helper + 1}-{helper + 5} left out\n" in context
    # Every site's lines, in the prompt and whole in the outline too.
    for site_line in (
        "LIMIT = 3",
        "LIMIT = 5",
        "def stamp() -> int:",
        "    return 2",
        "    return 1",
        'print(save({"id": 1}, 2, True))',
        '    return json.dumps({**record, "at": stamp(), "limit": LIMIT}, indent=indent)',
    ):
        number = next(
            i + 1
            for i, line in enumerate(lines)
            if line == site_line and (site_line != "def stamp() -> int:" or i > 20)
        )
        assert f"{number} | {site_line}\n" in request.prompt, site_line
        assert f"{number} | {site_line}\n" in context, site_line
    assert len(context) < 0.6 * len(LARGE)
    # The answer's line numbers are the file's: each fix lands where it was meant to.
    assert report.fixed_model == 3 and report.rejected == [] and report.left == []
    assert [(f.code, f.name) for f in analyze_text(text, language_named("python"))] == []
    assert "LIMIT = 3" not in text and 'print(save({"id": 1}, 2))' in text
    assert text.count("def stamp()") == 1 and "def helper_39(value: int) -> int:" in text
    path = tmp_path / "fixed.py"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert '"limit": 5' in run.stdout


def test_a_small_file_is_sent_whole() -> None:
    assert len(THREE.encode()) <= WHOLE_FILE_CHARS
    model = FakeModel(["FIX 1\n```python\nLIMIT = 5\n```\n"])
    evaluate(THREE, model, rounds=1)
    context = model.requests[0].context
    assert context.endswith("# The file as it is now\n" + THREE)
    assert "in outline" not in context and "in outline" not in model.requests[0].system

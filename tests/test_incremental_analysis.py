"""A document analysed after each edit binds only the top-level statements whose text
changed (codecrdt.analysis.statements), and its findings are exactly a whole-file
analysis's: codes, messages, ranges, related locations and data.

The randomized test edits real files (the agreement corpora's merged-agent modules and
TSX components, and standard-library modules) through the shared document, as the
server does, and compares after every edit. ``CODECRDT_SEED`` replays one seed.
"""

from __future__ import annotations

import inspect
import json
import os
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from codecrdt.analysis.detect import Finding, analyze
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import DocumentAnalysis
from codecrdt.document import Origin, SharedDocument

CORPORA = Path(__file__).parent / "corpora"
WORD = re.compile(r"[A-Za-z_]\w*")
#: Top-level functions: ``def f(``, ``function f(``, ``const f = (``.
DEFINED = re.compile(r"^(?:def|function|export function|const|export const) (\w+)\b", re.M)


def _seeds() -> list[int]:
    if "CODECRDT_SEED" in os.environ:
        return [int(os.environ["CODECRDT_SEED"])]
    return [11, 12, 13]


def _full(analysis: DocumentAnalysis) -> list[tuple[Finding, str]]:
    """The whole-file analysis of the same tree, without the statements' facts."""
    tree, source = analysis.current_tree()
    found = analyze(tree, source, analysis.spec)
    return [(f, json.dumps(f.data, sort_keys=True)) for f in found]


def _incremental(analysis: DocumentAnalysis) -> list[tuple[Finding, str]]:
    return [(f, json.dumps(f.data, sort_keys=True)) for f in analysis.findings()]


def _edit(rng: random.Random, text: str, comment: str) -> tuple[int, int, str]:
    """One edit an agent or a person makes: lines copied, deleted or moved in, a name
    renamed, a parameter or argument added or dropped, a character typed or deleted."""
    lines = text.split("\n")
    row = rng.randrange(len(lines))
    start = sum(len(line) + 1 for line in lines[:row])
    kind = rng.randrange(10)
    if kind == 0:  # a block of lines copied here (a helper written twice)
        other = rng.randrange(len(lines))
        return start, start, "\n".join(lines[other : other + rng.randint(1, 25)]) + "\n"
    if kind == 1:  # lines deleted (an import removed, a definition dropped)
        end = start + sum(len(line) + 1 for line in lines[row : row + rng.randint(1, 15)])
        return start, min(end, len(text)), ""
    if kind == 2:  # a name renamed
        words = list(WORD.finditer(text))
        if not words:
            return 0, 0, ""
        word = rng.choice(words)
        return word.start(), word.end(), word.group(0) + rng.choice(["s", "_2", "X"])
    if kind == 3:  # a parameter or an argument added or dropped
        groups = list(re.finditer(r"\(([^()\n]*)\)", text))
        if not groups:
            return 0, 0, ""
        group = rng.choice(groups)
        inner = group.group(1)
        if "," in inner and rng.random() < 0.5:
            return group.start(1), group.end(1), inner.rsplit(",", 1)[0]
        return group.start(1), group.end(1), (inner + ", extra") if inner else "extra"
    if kind == 4:  # a line above everything else: every statement below moves
        return 0, 0, f"{comment} moved\n"
    if kind == 5 and rng.random() < 0.5:  # a character deleted (syntax errors come and go)
        at = rng.randrange(max(1, len(text)))
        return at, min(at + 1, len(text)), ""
    if kind == 6 and rng.random() < 0.5:  # a character typed
        at = rng.randrange(len(text) + 1)
        return at, at, rng.choice(["(", ")", ":", " ", "\n", "{", "}", ",", "x", "="])
    # a statement that calls a function of the file with 0-3 arguments, or reads a name
    # nobody binds
    defined = DEFINED.findall(text)
    arguments = ", ".join(str(n) for n in range(rng.randint(0, 3)))
    if defined and rng.random() < 0.7:
        line = f"{rng.choice(defined)}({arguments})\n"
    else:
        line = f"{rng.choice(WORD.findall(text) or ['name'])}_missing()\n"
    return start, start, line if comment == "#" else line.replace("\n", ";\n")


def _files(rng: random.Random) -> list[tuple[str, str, str]]:
    """(language, name, text): corpus files of both languages and stdlib modules."""
    python = sorted((CORPORA / "python").glob("*.py"))
    tsx = sorted((CORPORA / "tsx").glob("*.tsx"))
    stdlib = [inspect.getsourcefile(m) for m in (json.decoder, random, inspect)]
    chosen = [("python", p) for p in rng.sample(python, 3)]
    chosen += [("tsx", p) for p in rng.sample(tsx, 3)]
    chosen += [("python", Path(p)) for p in stdlib if p is not None][:1]
    return [(lang, path.name, path.read_text(encoding="utf-8")) for lang, path in chosen]


@pytest.mark.parametrize("seed", _seeds())
def test_random_edits_find_what_a_whole_file_analysis_finds(seed: int) -> None:
    print(f"seed {seed} (replay with CODECRDT_SEED={seed})")
    rng = random.Random(seed)
    seen: Counter[str] = Counter()
    less_work = 0
    edits = 0
    for language, name, text in _files(rng):
        spec = language_named(language)
        assert spec is not None
        document = SharedDocument(text)
        analysis = DocumentAnalysis(document, spec)
        assert _incremental(analysis) == _full(analysis)
        comment = "#" if language == "python" else "//"
        for step in range(25):
            current = document.text
            start, end, new = _edit(rng, current, comment)
            document.replace(start, end, new, Origin.EDITOR)
            got = _incremental(analysis)
            assert got == _full(analysis), f"{name}: edit {step} of seed {seed}"
            seen.update(f.code for f, _ in got)
            statements = analysis.tree.root_node.child_count
            if analysis.facts.worked.get("scopes", statements) < statements:
                less_work += 1
            edits += 1
        analysis.close()
    # The edits made what the detectors report, and most analyses bound few statements.
    for code in ("undefined-name", "arity-mismatch", "duplicate-declaration", "syntax-error"):
        assert seen[code] > 0, (code, seen)
    assert less_work > edits // 2


PYTHON = """\
import json


def load(path):
    return json.loads(path)


class Store:
    def read(self, key):
        return self.fetch(key)

    def fetch(self, key):
        return key


def main():
    return load("a.json")
"""


def _analysis(text: str, language: str = "python") -> DocumentAnalysis:
    spec = language_named(language)
    assert spec is not None
    return DocumentAnalysis(SharedDocument(text), spec)


def _where(analysis: DocumentAnalysis) -> list[tuple[str, int, int, str]]:
    return [(f.code, *f.start_point, f.message) for f in analysis.findings()]


def test_an_edit_binds_only_its_statement_and_moved_statements_keep_their_findings() -> None:
    analysis = _analysis(PYTHON + "print(undefined_thing)\n")
    assert _where(analysis) == [("undefined-name", 17, 6, "name 'undefined_thing' is not defined")]
    statements = analysis.tree.root_node.child_count
    assert analysis.facts.worked["scopes"] == statements + 1  # all, then the report's
    analysis.document.insert(0, "# a comment above everything\n", Origin.EDITOR)
    # The new comment is the one statement bound; the print is bound again for its report.
    assert _where(analysis) == [("undefined-name", 18, 6, "name 'undefined_thing' is not defined")]
    assert analysis.facts.worked == {"scopes": 2, "declarations": 1}
    # Nothing changed: only the reported statement is bound again.
    assert _where(analysis) == [("undefined-name", 18, 6, "name 'undefined_thing' is not defined")]
    assert analysis.facts.worked == {"scopes": 1, "declarations": 0}


def test_a_changed_definition_reports_a_call_in_a_statement_that_did_not_change() -> None:
    analysis = _analysis(PYTHON)
    assert _where(analysis) == []
    text = analysis.document.text
    at = text.index("def load(path)") + len("def load(path")
    analysis.document.insert(at, ", mode", Origin.EDITOR)
    assert _where(analysis) == [
        (
            "arity-mismatch",
            16,
            11,
            "'load' is missing argument 'mode' (defined on line 4)",
        )
    ]
    # The edited definition was bound; then the call's statement and the definition's.
    assert analysis.facts.worked["scopes"] == 3


def test_a_method_renamed_in_its_class_and_a_helper_written_twice_elsewhere() -> None:
    analysis = _analysis(PYTHON)
    text = analysis.document.text
    at = text.index("def fetch(self, key)") + len("def fetch(self")
    analysis.document.replace(at, at + len(", key"), "", Origin.EDITOR)
    end = len(analysis.document.text)
    analysis.document.insert(end, "\n\ndef load(p):\n    return p\n", Origin.EDITOR)
    assert [(code, row, column) for code, row, column, _ in _where(analysis)] == [
        ("arity-mismatch", 9, 20),  # self.fetch(key): fetch takes no argument now
        ("undefined-name", 12, 15),  # fetch's `return key`
        ("conflicting-signature", 19, 4),  # load(p) after load(path)
    ]
    assert _where(analysis)[0][3] == (
        "'self.fetch' takes 0 positional arguments but 1 were given (defined on line 12)"
    )

"""Fixing undefined names and call mismatches: the quick fix, the Evaluator, the prompts.

The Evaluator is run as a user runs it (``codecrdt generate --provider scripted``) on a
prepared task whose implementers leave an undefined name with one close name in scope
(fixed deterministically) and a call that its definition cannot accept (fixed by the
prepared model answer, asked for with both sites).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
import tree_sitter

from codecrdt.agents.prompts import implementer_request
from codecrdt.analysis.detect import analyze
from codecrdt.analysis.fixes import fix_for, model_task
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.promises import promised_definitions
from codecrdt.analysis.tree import analyze_text
from codecrdt.cli import main
from test_evaluator_batch import FakeModel, evaluate


def fixes(language: str, source: str) -> list[tuple[str, str | None, str]]:
    """(code, fix title, the text after that fix) for every finding."""
    spec = language_named(language)
    assert spec is not None
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


# -- the quick fix ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        (
            "python",
            "def read_rows(path):\n    return path\n\nrows = reed_rows('a.csv')\n",
            "def read_rows(path):\n    return path\n\nrows = read_rows('a.csv')\n",
        ),
        (  # the same words in another case style
            "typescript",
            "const loadRows = () => [];\nexport const rows = load_rows();\n",
            "const loadRows = () => [];\nexport const rows = loadRows();\n",
        ),
        (  # a type
            "typescript",
            "interface RowData { id: number }\nexport let row: RowDta;\n",
            "interface RowData { id: number }\nexport let row: RowData;\n",
        ),
    ],
)
def test_change_to_the_one_close_name(language: str, source: str, expected: str) -> None:
    [(code, title, text)] = fixes(language, source)
    assert code == "undefined-name"
    assert title is not None and title.startswith("Change to '")
    assert text == expected
    assert analyze_text(text, language_named(language)) == []


@pytest.mark.parametrize(
    ("language", "source"),
    [
        ("python", "data_a = 1\ndata_b = 2\nprint(data_c)\n"),  # two close names: no guess
        ("python", "print(completely_unknown)\n"),
        ("tsx", 'import { Card } from "./card";\nexport const A = () => <Cards />;\n'),
        ("python", "def f(a):\n    pass\n\nf(1, 2)\n"),  # arity-mismatch: a judgement
    ],
)
def test_no_quick_fix_without_one_close_name(language: str, source: str) -> None:
    assert [title for _code, title, _text in fixes(language, source)] == [None]


# -- the Evaluator, in a scripted run -------------------------------------------------

_OUTLINE = '''"""Records, stamped and saved."""

import json
import time


def _stamp() -> int:
    """Seconds since the epoch."""
    return int(time.time())


def save(record: dict, indent: int = 2) -> str:
    """The record as JSON, with its time stamp."""
    # TODO(codecrdt:save): dump the record with an "at" stamp


def load(text: str) -> dict:
    """A record read back, with the time it was loaded."""
    # TODO(codecrdt:load): parse the text and add "loaded_at"


def main() -> None:
    """Save and load one record."""
    # TODO(codecrdt:main): save a record, load it back, print it
'''

_SCRIPT = f"""format = 1

[task]
name = "stamped-records"
language = "python"
file = "records.py"
spec = "Save and load stamped records."

[latency]
ttft_s = 0.2
chars_per_s = 4000.0
jitter = 0.0

[outline]
text = '''{_OUTLINE}'''

[todos.save]
text = '''return json.dumps({{**record, "at": _stmp()}}, indent=indent)
'''

[todos.load]
text = '''return json.loads(text) | {{"loaded_at": _stamp()}}
'''

[todos.main]
text = '''print(load(save({{"id": 1}}, 2, True)))
'''

[[evaluator]]
code = "arity-mismatch"
name = "save"
text = '''    print(load(save({{"id": 1}}, 2)))
'''
"""


def _generate(folder: Path) -> tuple[str, dict[str, object]]:
    (folder / "task.toml").write_text(_SCRIPT, encoding="utf-8")
    argv = [
        "generate",
        "--out",
        "records.py",
        "--report",
        "report.json",
        "--provider",
        "scripted",
        "--script",
        str(folder / "task.toml"),
        "--time-scale",
        "50",
        "--quiet",
    ]
    with (
        pytest.MonkeyPatch.context() as patch,
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()) as stderr,
    ):
        patch.chdir(folder)
        for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
            patch.delenv(name, raising=False)
        status = main(argv)
    assert status == 0, stderr.getvalue()
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return (folder / "records.py").read_text(encoding="utf-8"), report


def test_the_evaluator_fixes_an_undefined_name_and_a_call_mismatch(tmp_path: Path) -> None:
    text, report = _generate(tmp_path)
    assert analyze_text(text, language_named("python")) == []
    assert '"at": _stamp()' in text
    assert 'print(load(save({"id": 1}, 2)))' in text
    conflicts = report["conflicts"]
    assert isinstance(conflicts, dict)
    assert conflicts["fixed_deterministic"] == 1  # _stmp → _stamp
    assert conflicts["fixed_model"] == 1  # the call of save
    assert conflicts["left"] == 0
    # One model request, for the one conflict a model was needed for; its fix held.
    assert report["model_fixes"] == {
        "requests": 1,
        "conflicts_per_request": [1],
        "fixes_held": 1,
        "fixes_not_held": 0,
        "asked_again": 0,
        "rejected": [],
        "gave_up": [],
    }


def test_the_model_request_shows_both_sites_of_a_call_mismatch() -> None:
    text = _OUTLINE.replace(
        "    # TODO(codecrdt:main): save a record, load it back, print it\n",
        '    print(load(save({"id": 1}, 2, True)))\n',
    )
    source = text.encode("utf-8")
    spec = language_named("python")
    tree = tree_sitter.Parser(spec.tree_sitter).parse(source)
    [finding] = analyze(tree, source, spec, codes=["arity-mismatch"])
    task = model_task(finding, tree, source)
    assert task is not None and task.also == ()
    call_line = '    print(load(save({"id": 1}, 2, True)))\n'
    assert source[task.region[0] : task.region[1]].decode() == call_line
    [(label, start, _end)] = task.shown
    assert label == "The definition the call reaches"
    assert source[start:].startswith(b"def save(record: dict, indent: int = 2) -> str:")
    model = FakeModel(["FIX 1\n```\n    print(load(save({'id': 1}, 2)))\n```\n"])
    fixed, report = evaluate(text, model)
    prompt = model.requests[0].prompt
    assert "Line 24: 'save' takes 2 positional arguments but 3 were given" in prompt
    assert f"Lines to replace:\n24 | {call_line}" in prompt
    assert (
        "The definition the call reaches:\n"
        "12 | def save(record: dict, indent: int = 2) -> str:\n"
        '13 |     """The record as JSON, with its time stamp."""\n'
    ) in prompt
    assert "print(load(save({'id': 1}, 2)))" in fixed and report.fixes_held == 1


def test_the_model_request_lists_the_names_in_scope_of_an_undefined_one() -> None:
    text = "import json\n\ndef save(record):\n    return jsn.dumps(record)\n"
    source = text.encode("utf-8")
    spec = language_named("python")
    tree = tree_sitter.Parser(spec.tree_sitter).parse(source)
    [finding] = analyze(tree, source, spec)
    task = model_task(finding, tree, source)
    assert task is not None
    assert task.region == (text.index("def save"), len(source))  # the whole top-level def
    assert task.shown == () and finding.data["in_scope"] == ["json", "record", "save"]


# -- the implementers' prompt ---------------------------------------------------------


def test_implementers_are_told_the_definitions_other_todos_promise() -> None:
    promised = promised_definitions(_OUTLINE, language_named("python"), "main")
    assert promised == [
        ("save", "def save(record: dict, indent: int = 2) -> str"),
        ("load", "def load(text: str) -> dict"),
    ]
    request = implementer_request("python", "spec", _OUTLINE, "main", "run", "impl-1", promised)
    assert (
        "- def save(record: dict, indent: int = 2) -> str  (TODO save)\n"
        "- def load(text: str) -> dict  (TODO load)"
    ) in request.prompt
    assert "do not write another helper for the same job" in request.prompt


def test_a_todo_inside_a_larger_body_promises_no_definition() -> None:
    text = (
        "export function Notes() {\n  const notes = [];\n  return (\n    <main>\n"
        "      {/* TODO(codecrdt:NoteList): one card per note */}\n    </main>\n  );\n}\n"
        "function loadNotes(raw: string): string[] {\n"
        "  // TODO(codecrdt:loadNotes): parse the list\n}\n"
    )
    spec = language_named("tsx")
    assert promised_definitions(text, spec, "NoteList") == [
        ("loadNotes", "function loadNotes(raw: string): string[]")
    ]
    assert promised_definitions(text, spec, "loadNotes") == []

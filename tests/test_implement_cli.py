"""``codecrdt implement FILE``: the file's TODO markers filled by parallel agents.

The answers come from a prepared script (tests/fixtures/implement/shapes.toml, the
scripted provider): these tests pin what the run does with prepared output (which TODOs it
takes, where the code lands, what it leaves alone), not what a model would write. The
filled file is then compiled and run by CPython, the judge of whether the code landed
where it belongs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codecrdt.agents.script import load_script
from codecrdt.cli import main
from codecrdt.implement import plan
from codecrdt.markers import PLAIN_NOTE, scan_markers

FIXTURES = Path(__file__).parent / "fixtures" / "implement"
SCRIPT = str(FIXTURES / "shapes.toml")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def implement(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        status = main(["implement", *args])
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    _out, err = capsys.readouterr()
    return status, " ".join(err.split())


def skeleton(tmp_path: Path) -> tuple[Path, str]:
    original = (FIXTURES / "shapes.py").read_text(encoding="utf-8")
    path = tmp_path / "shapes.py"
    path.write_text(original, encoding="utf-8")
    return path, original


def kept_in_order(original: str, final: str) -> bool:
    """Whether every line of ``original`` that is not a TODO comment is in ``final``, in
    the same order."""
    wanted = [
        line
        for line in original.splitlines()
        if not scan_markers(line + "\n") and not PLAIN_NOTE.match(line)
    ]
    lines = iter(final.splitlines())
    return all(any(line == have for have in lines) for line in wanted)


SCRIPTED = ["--provider", "scripted", "--script", SCRIPT, "--quiet", "--seed", "3"]


def test_implement_fills_every_marker_and_the_plain_todo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, original = skeleton(tmp_path)
    status, err = implement(capsys, str(path.name), "--plain", "--report", "r.json", *SCRIPTED)
    assert status == 0, err
    assert "named 1 plain TODO comment(s) as markers" in err
    assert "4/4 TODOs done" in err
    final = path.read_text(encoding="utf-8")
    assert scan_markers(final) == []
    assert "# TODO" not in final
    assert kept_in_order(original, final)
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["outline"] == "file"
    assert sorted(t["name"] for t in report["todos"]) == [
        "circle_area",
        "main_body",
        "read_the_shape_and",
        "rect_area",
    ]
    # No Outliner wrote anything: every region the run touched is a TODO's body.
    # No Outliner wrote anything: the regions the run touched are the four bodies, each
    # named with its TODO, and nothing else.
    lines = final.splitlines()
    bodies = {
        "circle_area": "return math.pi * self.radius**2",
        "rect_area": "return self.width * self.height",
        "read_the_shape_and": 'parser = argparse.ArgumentParser(description="area of a shape")',
        "main_body": "args = parse_args(argv)",
    }
    touched = sorted(report["touched"], key=lambda r: r["start_line"])
    assert [r["todos"] for r in touched] == [
        ["circle_area"],
        ["rect_area"],
        ["read_the_shape_and"],
        ["main_body"],
    ]
    for region in touched:
        assert all(agent.startswith("impl-") for agent in region["agents"])
        assert lines[region["start_line"]].strip() == bodies[region["todos"][0]]
    assert sum(r["end_line"] - r["start_line"] + 1 for r in touched) == 1 + 1 + 4 + 4
    # The code landed where it belongs: CPython runs the filled file.
    run = subprocess.run(
        [sys.executable, str(path), "rect", "2", "3.5"], capture_output=True, text=True, check=False
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, "7.00\n", "")


def test_without_plain_only_named_markers_and_names_narrow_further(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, original = skeleton(tmp_path)
    status, err = implement(capsys, path.name, "--names", "circle_area,rect_area", *SCRIPTED)
    assert status == 0, err
    assert "2/2 TODOs done" in err
    final = path.read_text(encoding="utf-8")
    assert [m.name for m in scan_markers(final)] == ["main_body"]
    assert "    # TODO: read the shape and its sizes\n" in final
    assert "return self.width * self.height" in final
    assert kept_in_order(original, final)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--names", "nosuch"], "no TODO(codecrdt:…) marker named nosuch in shapes.py"),
        (["--names", "read_the_shape_and"], "marker named read_the_shape_and"),
    ],
)
def test_refused_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    path, original = skeleton(tmp_path)
    status, err = implement(capsys, path.name, *args, *SCRIPTED)
    assert status == 2
    assert message in err
    assert path.read_text(encoding="utf-8") == original


def test_nothing_to_implement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plain.py"
    path.write_text("def f() -> int:\n    # TODO: return one\n    ...\n", encoding="utf-8")
    status, err = implement(capsys, path.name, *SCRIPTED)
    assert status == 2
    assert "nothing to implement: no TODO(codecrdt:name): … marker in plain.py" in err
    assert "pass --plain" in err
    status, err = implement(capsys, "missing.py", *SCRIPTED)
    assert (status, "missing.py: no such file" in err) == (2, True)


def test_plain_comments_are_named_in_the_languages_own_comment_form_and_uniquely() -> None:
    text = (
        "# TODO: parse the flags\n"
        "x = 1  # TODO: not a whole line, left alone\n"
        "// TODO: not a Python comment\n"
        "    # FIXME parse the flags\n"
        "# TODO(codecrdt:parse_the_flags_2): taken already\n"
    )
    todo_plan = plan(text, "python")
    assert [(start, end, marker) for start, end, marker in todo_plan.edits] == [
        (0, 23, "# TODO(codecrdt:parse_the_flags): parse the flags"),
        (
            text.index("    # FIXME"),
            text.index(" parse the flags\n#") + len(" parse the flags"),
            "    # TODO(codecrdt:parse_the_flags_3): parse the flags",
        ),
    ]
    assert todo_plan.names == {"parse_the_flags", "parse_the_flags_2", "parse_the_flags_3"}
    assert [m.name for m in scan_markers(todo_plan.text)] == [
        "parse_the_flags",
        "parse_the_flags_3",
        "parse_the_flags_2",
    ]
    tsx = plan("function f() {\n  // FIXME: return one\n}\n", "tsx", first=1, last=1)
    assert tsx.edits == ((15, 37, "  // TODO(codecrdt:return_one): return one"),)
    # Lines outside the selection are left alone (so the first comment's name is free).
    selected = plan(text, "python", first=3, last=4)
    assert selected.names == {"parse_the_flags", "parse_the_flags_2"}
    assert selected.text.startswith("# TODO: parse the flags\n")


def test_a_skeleton_with_non_ascii_text_is_filled_and_its_conflicts_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bundled inventory task's outline, as if the user wrote it: the bodies the
    implementers write hold non-ASCII text ("—", "…"), and their duplicates are the run's
    own text: kept out as they stream (``prevented``) or removed by the Evaluator (a run
    never deletes the user's text, and must tell the two apart exactly, whatever the
    characters before them)."""
    skeleton = load_script("inventory-cli").outline
    path = tmp_path / "inventory.py"
    path.write_text(skeleton, encoding="utf-8")
    status, err = implement(
        capsys,
        path.name,
        "--provider",
        "scripted",
        "--script",
        "inventory-cli",
        "--quiet",
        "--time-scale",
        "20",
        "--report",
        "r.json",
    )
    assert status == 0, err
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["conflicts"]["left"] == 0
    assert report["prevented"] + report["conflicts"]["fixed_deterministic"] >= 1
    final = path.read_text(encoding="utf-8")
    assert not final.isascii()
    assert scan_markers(final) == []
    assert kept_in_order(skeleton, final)
    compile(final, str(path), "exec")

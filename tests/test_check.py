"""``codecrdt check`` as a user runs it: formats, exit codes, skipped files, configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codecrdt import __version__
from codecrdt.analysis.detect import CODES
from codecrdt.config import CheckConfig, ConfigError, load_config
from codecrdt.sourcefile import MAX_FILE_BYTES

# `os` on line 2 follows 'é😀': column 18 in code points, 19 in UTF-16 units, 22 in bytes.
PYTHON = """import os
s = "é😀"; import os


def f():
    pass


def f():
    pass

# TODO(codecrdt:later) finish this
"""

# The second `label` follows 'é😀': column 27 in code points, 28 in UTF-16 units.
TSX = """import React from "react";

const label = "é😀"; const label = "x";

export function App(): JSX.Element {
  return <div>{label}</div>;
}
"""

DUPLICATE = "import os\nimport os\n"

TEXT_FINDINGS = [
    "pkg/mod.py:2:18: duplicate-import 'os' is imported again (first on line 1): the same "
    "binding again, so this import is redundant",
    "pkg/mod.py:9:5: duplicate-declaration 'f' is declared again (first on line 5)",
    "pkg/mod.py:12:3: leftover-todo TODO 'later' is still in the file",
    'web/app.tsx:3:27: conflicting-value \'label\' is assigned "x" here but "é😀" on line 3',
]


def check(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codecrdt", "check", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        cwd=cwd,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    def write(name: str, content: str | bytes) -> None:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    write("pkg/mod.py", PYTHON)
    write("pkg/clean.py", "import os\n\nprint(os.sep)\n")
    write("web/app.tsx", TSX)
    write(".gitignore", "build/\nignored.py\n")
    write("build/gen.py", DUPLICATE)
    write("pkg/ignored.py", DUPLICATE)
    write("node_modules/lib/index.js", "import a from 'a';\nimport a from 'a';\n")
    write(".venv/lib/site.py", DUPLICATE)
    write(".git/hooks/x.py", DUPLICATE)
    write("notes.txt", "import os\nimport os\n")
    return tmp_path


def add_skipped(project: Path) -> None:
    (project / "pkg/blob.py").write_bytes(b"import os\x00\nimport os\n")
    (project / "pkg/latin1.py").write_bytes(b"s = '\xe9'\nimport os\nimport os\n")


def test_text_format(project: Path) -> None:
    result = check(project, ".")
    assert result.stdout.splitlines() == TEXT_FINDINGS
    assert result.stderr.splitlines() == [
        "4 findings (3 errors, 1 warning); 3 files checked, 0 skipped"
    ]
    assert result.returncode == 1


def test_skipped_files_are_reported_once_and_do_not_change_the_exit_code(project: Path) -> None:
    add_skipped(project)
    result = check(project, ".")
    assert result.stdout.splitlines() == TEXT_FINDINGS
    assert result.stderr.splitlines() == [
        "codecrdt check: pkg/blob.py: skipped, not text (it contains NUL bytes)",
        "codecrdt check: pkg/latin1.py: skipped, not UTF-8 text (invalid continuation byte "
        "at byte 5)",
        "4 findings (3 errors, 1 warning); 3 files checked, 2 skipped",
    ]
    assert result.returncode == 1

    clean = check(project, "pkg/clean.py", "pkg/blob.py", "pkg/latin1.py", "notes.txt")
    assert clean.stdout == ""
    assert clean.stderr.splitlines() == [
        "codecrdt check: pkg/blob.py: skipped, not text (it contains NUL bytes)",
        "codecrdt check: pkg/latin1.py: skipped, not UTF-8 text (invalid continuation byte "
        "at byte 5)",
        "codecrdt check: notes.txt: skipped, not a supported language (supported suffixes: "
        ".py, .pyi, .js, .jsx, .mjs, .cjs, .ts, .mts, .cts, .tsx)",
        "no findings; 1 file checked, 3 skipped",
    ]
    assert clean.returncode == 0


def test_a_file_over_the_size_limit_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    result = check(tmp_path, ".")
    assert result.stderr.splitlines() == [
        f"codecrdt check: big.py: skipped, it is {MAX_FILE_BYTES + 1:,} bytes, "
        f"over the limit of {MAX_FILE_BYTES:,}",
        "no findings; 0 files checked, 1 skipped",
    ]
    assert result.returncode == 0


def test_fifos_and_devices_are_skipped_without_reading_them(project: Path) -> None:
    """A FIFO named *.py hung the walk; /dev/zero behind a symlink was read until 10 GB."""
    os.mkfifo(project / "pkg/a_pipe.py")
    (project / "pkg/zero.py").symlink_to("/dev/zero")
    result = check(project, ".", timeout=60)
    assert result.stdout.splitlines() == TEXT_FINDINGS
    assert result.stderr.splitlines() == [
        "codecrdt check: pkg/a_pipe.py: skipped, not a regular file (a FIFO)",
        "codecrdt check: pkg/zero.py: skipped, not a regular file (a character device)",
        "4 findings (3 errors, 1 warning); 3 files checked, 2 skipped",
    ]
    assert result.returncode == 1

    named = check(project, "pkg/a_pipe.py", "pkg/zero.py", "pkg/clean.py", timeout=60)
    assert named.stderr.splitlines() == [
        "codecrdt check: pkg/a_pipe.py: skipped, not a regular file (a FIFO)",
        "codecrdt check: pkg/zero.py: skipped, not a regular file (a character device)",
        "no findings; 1 file checked, 2 skipped",
    ]
    assert named.returncode == 0


def test_json_format(project: Path) -> None:
    add_skipped(project)
    result = check(project, "--format", "json", "pkg", "web/app.tsx")
    assert result.returncode == 1
    findings = json.loads(result.stdout)  # stdout holds the array and nothing else
    assert findings[0] == {
        "path": "pkg/mod.py",
        "line": 2,
        "column": 18,
        "end_line": 2,
        "end_column": 20,
        "code": "duplicate-import",
        "severity": "error",
        "name": "os",
        "message": "'os' is imported again (first on line 1): the same binding again, so "
        "this import is redundant",
        "related": [{"path": "pkg/mod.py", "line": 1, "column": 8}],
    }
    assert [(f["path"], f["line"], f["column"], f["code"], f["name"]) for f in findings] == [
        ("pkg/mod.py", 2, 18, "duplicate-import", "os"),
        ("pkg/mod.py", 9, 5, "duplicate-declaration", "f"),
        ("pkg/mod.py", 12, 3, "leftover-todo", "later"),
        ("web/app.tsx", 3, 27, "conflicting-value", "label"),
    ]
    assert findings[2]["severity"] == "warning"
    assert findings[2]["related"] == []
    assert findings[3]["end_column"] == 32
    assert findings[3]["related"] == [{"path": "web/app.tsx", "line": 3, "column": 7}]
    # skip lines only, no summary, on stderr
    assert result.stderr.splitlines() == [
        "codecrdt check: pkg/blob.py: skipped, not text (it contains NUL bytes)",
        "codecrdt check: pkg/latin1.py: skipped, not UTF-8 text (invalid continuation byte "
        "at byte 5)",
    ]


def test_json_format_without_findings_is_an_empty_array(project: Path) -> None:
    result = check(project, "--format", "json", "pkg/clean.py")
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")


def test_sarif_format(project: Path) -> None:
    result = check(project, "--format", "sarif", ".")
    assert result.returncode == 1
    assert result.stderr == ""
    sarif = json.loads(result.stdout)
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("codecrdt", __version__)
    assert [rule["id"] for rule in driver["rules"]] == list(CODES)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] == CODES[rule["id"]]

    summary = []
    for result_ in run["results"]:
        assert driver["rules"][result_["ruleIndex"]]["id"] == result_["ruleId"]
        assert result_["message"]["text"]
        (location,) = result_["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        region = location["physicalLocation"]["region"]
        summary.append(
            (
                result_["ruleId"],
                result_["level"],
                artifact["uri"],
                region["startLine"],
                region["startColumn"],
                region["endLine"],
                region["endColumn"],
            )
        )
    # UTF-16 columns: one more than the code-point columns after the 😀 (a surrogate pair)
    assert summary == [
        ("duplicate-import", "error", "pkg/mod.py", 2, 19, 2, 21),
        ("duplicate-declaration", "error", "pkg/mod.py", 9, 5, 9, 6),
        ("leftover-todo", "warning", "pkg/mod.py", 12, 3, 12, 23),
        ("conflicting-value", "error", "web/app.tsx", 3, 28, 3, 33),
    ]
    related = run["results"][0]["relatedLocations"]
    assert [
        (r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"])
        for r in related
    ] == [("pkg/mod.py", {"startLine": 1, "startColumn": 8, "endLine": 1, "endColumn": 10})]
    assert "relatedLocations" not in run["results"][2]


def test_missing_path_is_a_usage_error(project: Path) -> None:
    result = check(project, "pkg", "nope.py")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "codecrdt check: nope.py: no such file or folder\n"


def test_bad_format_and_no_path_are_usage_errors(project: Path) -> None:
    assert check(project, "--format", "xml", ".").returncode == 2
    assert check(project).returncode == 2


def test_clean_project_exits_0(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import os\n\nprint(os.sep)\n", encoding="utf-8")
    (tmp_path / "b.ts").write_text("export const x: number = 1;\n", encoding="utf-8")
    result = check(tmp_path, ".")
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "no findings; 2 files checked, 0 skipped\n"


def test_syntax_errors_are_still_analysed(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import os\nimport os\ndef (:\n", encoding="utf-8")
    result = check(tmp_path, "--format", "json", "a.py")
    assert result.returncode == 1
    codes = [f["code"] for f in json.loads(result.stdout)]
    assert codes[0] == "duplicate-import"
    assert "syntax-error" in codes


def test_select_and_exclude_from_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.codecrdt]\nselect = ["duplicate-import"]\nexclude = ["web/"]\n', encoding="utf-8"
    )
    result = check(project / "pkg", "..")  # found from the current folder upward
    assert result.stdout.splitlines() == [
        "mod.py:2:18: duplicate-import 'os' is imported again (first on line 1): the same "
        "binding again, so this import is redundant"
    ]
    assert result.returncode == 1

    explicit = check(project, "web/app.tsx")
    assert explicit.stderr.splitlines() == [
        f"codecrdt check: web/app.tsx: skipped, excluded by {project / 'pyproject.toml'}",
        "no findings; 0 files checked, 1 skipped",
    ]
    assert explicit.returncode == 0


def test_config_option_and_todo_only(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("config") / "settings.toml"
    elsewhere.write_text('[tool.codecrdt]\nselect = ["leftover-todo"]\n', encoding="utf-8")
    result = check(project, "--config", str(elsewhere), ".")
    assert result.stdout.splitlines() == [
        "pkg/mod.py:12:3: leftover-todo TODO 'later' is still in the file"
    ]
    assert result.stderr == "1 finding (0 errors, 1 warning); 3 files checked, 0 skipped\n"
    assert result.returncode == 1


def test_unknown_code_in_select_is_an_error(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.codecrdt]\nselect = ["duplicate-import", "unused-import"]\n', encoding="utf-8"
    )
    result = check(project, ".")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"codecrdt check: {project / 'pyproject.toml'}: [tool.codecrdt] select: unknown code "
        f"'unused-import' (known: {', '.join(CODES)})\n"
    )


def test_load_config(tmp_path: Path) -> None:
    assert load_config(tmp_path) == CheckConfig()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[tool.other]\n", encoding="utf-8")
    assert load_config(sub) == CheckConfig()  # no [tool.codecrdt] anywhere above
    (tmp_path / "pyproject.toml").write_text(
        '[tool.codecrdt]\nexclude = ["gen/", "*.pb.py"]\n', encoding="utf-8"
    )
    config = load_config(sub / "file.py")
    assert config.path == tmp_path / "pyproject.toml"
    assert config.select == tuple(CODES)
    assert config.is_excluded(tmp_path / "gen", is_dir=True)
    assert config.is_excluded(sub / "a.pb.py")
    assert not config.is_excluded(sub / "a.py")
    assert not config.is_excluded(tmp_path.parent / "x.pb.py")  # outside the root
    (tmp_path / "pyproject.toml").write_text("[tool.codecrdt]\nselect = 'all'\n")
    with pytest.raises(ConfigError, match="expected a list of strings"):
        load_config(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.codecrdt]\nignore = []\n")
    with pytest.raises(ConfigError, match="unknown key 'ignore'"):
        load_config(tmp_path)

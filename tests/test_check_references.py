"""``codecrdt check`` reports undefined-name and arity-mismatch in every output format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_check import check

# `jsn` follows 'é😀': column 11 in code points, 12 in UTF-16 units.
PYTHON = """import json


def save(record, indent=2):
    return json.dumps(record, indent=indent)


s = "é😀"; jsn.dumps(save({}, 2, True))
"""

TSX = """import { Star } from "lucide-react";

const formatCount = (count: number): string => `${count} items`;

export const Panel = () => (
  <div>
    <Star />
    <Heart />
    {formatCount(1, 2)}
  </div>
);
"""

TEXT = [
    "pkg/records.py:8:11: undefined-name name 'jsn' is not defined (did you mean 'json'?)",
    "pkg/records.py:8:21: arity-mismatch 'save' takes 2 positional arguments but 3 were given "
    "(defined on line 4)",
    "web/panel.tsx:8:6: undefined-name component 'Heart' is not defined",
    "web/panel.tsx:9:6: arity-mismatch 'formatCount' expects 1 argument but got 2 "
    "(defined on line 3)",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "web").mkdir()
    (tmp_path / "pkg/records.py").write_text(PYTHON, encoding="utf-8")
    (tmp_path / "web/panel.tsx").write_text(TSX, encoding="utf-8")
    return tmp_path


def test_text(project: Path) -> None:
    result = check(project, ".")
    assert result.stdout.splitlines() == TEXT
    assert result.stderr.splitlines() == [
        "4 findings (4 errors, 0 warnings); 2 files checked, 0 skipped"
    ]
    assert result.returncode == 1


def test_json(project: Path) -> None:
    result = check(project, "--format", "json", ".")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert findings[0] == {
        "path": "pkg/records.py",
        "line": 8,
        "column": 11,
        "end_line": 8,
        "end_column": 14,
        "code": "undefined-name",
        "severity": "error",
        "name": "jsn",
        "message": "name 'jsn' is not defined (did you mean 'json'?)",
        "related": [],
    }
    assert findings[1]["code"] == "arity-mismatch"
    assert findings[1]["related"] == [{"path": "pkg/records.py", "line": 4, "column": 5}]
    assert [(f["path"], f["line"], f["column"], f["code"], f["name"]) for f in findings] == [
        ("pkg/records.py", 8, 11, "undefined-name", "jsn"),
        ("pkg/records.py", 8, 21, "arity-mismatch", "save"),
        ("web/panel.tsx", 8, 6, "undefined-name", "Heart"),
        ("web/panel.tsx", 9, 6, "arity-mismatch", "formatCount"),
    ]
    assert findings[3]["related"] == [{"path": "web/panel.tsx", "line": 3, "column": 7}]


def test_sarif(project: Path) -> None:
    result = check(project, "--format", "sarif", ".")
    assert result.returncode == 1
    run = json.loads(result.stdout)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["undefined-name"]["shortDescription"]["text"] == (
        "A name is read that no scope of the file binds."
    )
    assert rules["arity-mismatch"]["defaultConfiguration"]["level"] == "error"
    summary = []
    for r in run["results"]:
        location = r["locations"][0]["physicalLocation"]
        region = location["region"]
        summary.append(
            (
                r["ruleId"],
                location["artifactLocation"]["uri"],
                region["startLine"],
                region["startColumn"],
                region["endColumn"],
            )
        )
    # UTF-16 columns: one more than the code-point columns after the 😀
    assert summary == [
        ("undefined-name", "pkg/records.py", 8, 12, 15),
        ("arity-mismatch", "pkg/records.py", 8, 22, 26),
        ("undefined-name", "web/panel.tsx", 8, 6, 11),
        ("arity-mismatch", "web/panel.tsx", 9, 6, 17),
    ]
    related = run["results"][1]["relatedLocations"][0]["physicalLocation"]
    assert related["region"] == {"startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 9}
    assert "relatedLocations" not in run["results"][0]


def test_select_leaves_the_new_codes_out(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.codecrdt]\nselect = ["duplicate-import", "arity-mismatch"]\n', encoding="utf-8"
    )
    result = check(project, ".")
    assert [line.split()[1] for line in result.stdout.splitlines()] == [
        "arity-mismatch",
        "arity-mismatch",
    ]

"""What csv_pipeline.py must do, from the task's spec (csv-pipeline.toml).

Run by ``codecrdt.bench.functional`` in a folder that holds the generated file as
``csv_pipeline.py``. Interface assumed: ``parse_csv(text)`` and ``read_csv(path)`` return a
``Table`` (``columns``, ``rows`` as dicts, ``select``, ``where``, ``sort_by``, ``to_text``);
``coerce(table)`` types the cells (``types`` per column); ``parse_filter(text)`` returns
(column, predicate); ``group_by(table, keys, ["sum:amount", ...])``; ``join(left, right,
on, how)``; ``describe(table)``; ``write_table(table, path, "csv" | "json")``;
``PipelineError``; ``main(argv)``.
"""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path
from types import ModuleType

import pytest

PEOPLE = """name,age,city,member,joined,score
Ann,34,Oslo,yes,2021-03-01,7.5
Bob,28,Bergen,no,2020-11-15,8
Al,41,Oslo,yes,2019-01-20,n/a
Cid,,Bergen,no,2022-06-30,6.25
"""


@pytest.fixture(scope="module")
def cp() -> ModuleType:
    return importlib.import_module("csv_pipeline")


@pytest.fixture
def people(cp: ModuleType) -> object:
    return cp.coerce(cp.parse_csv(PEOPLE))


def test_reads_rows_under_the_header(cp: ModuleType) -> None:
    table = cp.parse_csv(PEOPLE)
    assert table.columns == ["name", "age", "city", "member", "joined", "score"]
    assert len(table.rows) == 4
    assert table.rows[0]["name"] == "Ann"


def test_sniffs_the_delimiter(cp: ModuleType) -> None:
    table = cp.parse_csv("a;b;c\n1;2;3\n4;5;6\n")
    assert table.columns == ["a", "b", "c"]
    assert table.rows[1]["c"] == "6"


def test_duplicate_header_names_are_made_unique(cp: ModuleType) -> None:
    table = cp.parse_csv("x,x,y\n1,2,3\n")
    assert len(set(table.columns)) == 3
    assert table.columns[0] == "x" and "y" in table.columns


def test_a_ragged_row_is_reported_with_its_line(cp: ModuleType) -> None:
    with pytest.raises(cp.PipelineError, match="3"):
        cp.parse_csv("a,b\n1,2\n3,4,5\n")


def test_infers_a_schema_and_coerces(cp: ModuleType, people: object) -> None:
    assert people.types == {  # type: ignore[attr-defined]
        "name": "str",
        "age": "int",
        "city": "str",
        "member": "bool",
        "joined": "date",
        "score": "float",
    }
    rows = people.rows  # type: ignore[attr-defined]
    assert rows[0]["age"] == 34 and rows[0]["member"] is True
    assert rows[1]["score"] == 8.0 and rows[1]["member"] is False
    assert rows[2]["score"] is None  # n/a is missing
    assert rows[3]["age"] is None  # an empty cell is missing


def test_select_where_sort(cp: ModuleType, people: object) -> None:
    picked = people.select(["name", "age"])  # type: ignore[attr-defined]
    assert picked.columns == ["name", "age"]
    assert set(picked.rows[0]) == {"name", "age"}
    older = people.where(lambda row: (row["age"] or 0) > 30)  # type: ignore[attr-defined]
    assert [r["name"] for r in older.rows] == ["Ann", "Al"]
    by_age = people.sort_by("age")  # type: ignore[attr-defined]
    assert [r["name"] for r in by_age.rows] == ["Bob", "Ann", "Al", "Cid"]  # missing last
    with pytest.raises(cp.PipelineError):
        people.sort_by("nope")  # type: ignore[attr-defined]


def test_preview_is_aligned_text(people: object) -> None:
    text = people.to_text()  # type: ignore[attr-defined]
    lines = text.splitlines()
    assert lines[0].split() == ["name", "age", "city", "member", "joined", "score"]
    assert "Ann" in text and "Bergen" in text
    assert lines[2].index("34") == lines[3].index("28")  # the age column lines up


@pytest.mark.parametrize(
    ("expression", "names"),
    [
        ("age>=30", ["Ann", "Al"]),
        ("age>30", ["Ann", "Al"]),
        ("score>7", ["Ann", "Bob"]),
        ("city==Oslo", ["Ann", "Al"]),
        ("city!=Oslo", ["Bob", "Cid"]),
        ("name~^A", ["Ann", "Al"]),
    ],
)
def test_filter_expressions(
    cp: ModuleType, people: object, expression: str, names: list[str]
) -> None:
    _column, predicate = cp.parse_filter(expression)
    kept = [r["name"] for r in people.rows if predicate(r)]  # type: ignore[attr-defined]
    assert kept == names


def test_a_bad_filter_is_a_pipeline_error(cp: ModuleType) -> None:
    with pytest.raises(cp.PipelineError):
        cp.parse_filter("just some words")


def test_group_and_aggregate(cp: ModuleType, people: object) -> None:
    grouped = cp.group_by(
        people, ["city"], ["count:name", "sum:age", "mean:score", "max:age", "median:age"]
    )
    rows = {r["city"]: r for r in grouped.rows}
    oslo = rows["Oslo"]
    values = {k: v for k, v in oslo.items() if k != "city"}
    assert sorted(values.values(), key=str) == sorted([2, 75, 7.5, 41, 37.5], key=str)
    bergen = [v for k, v in rows["Bergen"].items() if k != "city"]
    assert 28 in bergen  # sum and max of ages skip Cid's missing age
    assert pytest.approx(7.125) in bergen  # mean of 8 and 6.25


def test_joins(cp: ModuleType) -> None:
    left = cp.coerce(cp.parse_csv("id,name\n1,Ann\n2,Bob\n3,Cid\n"))
    right = cp.coerce(cp.parse_csv("id,total\n1,10\n3,30\n4,40\n"))
    inner = cp.join(left, right, ["id"], "inner")
    assert sorted((r["name"], r["total"]) for r in inner.rows) == [("Ann", 10), ("Cid", 30)]
    left_join = cp.join(left, right, ["id"], "left")
    assert len(left_join.rows) == 3
    assert [r["total"] for r in left_join.rows if r["name"] == "Bob"] == [None]
    right_join = cp.join(left, right, ["id"], "right")
    assert len(right_join.rows) == 3
    assert any(r["total"] == 40 and r["name"] is None for r in right_join.rows)
    outer = cp.join(left, right, ["id"], "outer")
    assert len(outer.rows) == 4


def test_describe_summarises_each_column(cp: ModuleType, people: object) -> None:
    summary = cp.describe(people)
    assert summary["age"]["count"] == 3 and summary["age"]["missing"] == 1
    assert summary["age"]["min"] == 28 and summary["age"]["max"] == 41
    assert summary["age"]["mean"] == pytest.approx(103 / 3)
    assert summary["city"]["distinct"] == 2


def test_writes_json_and_csv(cp: ModuleType, people: object, tmp_path: Path) -> None:
    cp.write_table(people, tmp_path / "out.json", "json")
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [row["name"] for row in data] == ["Ann", "Bob", "Al", "Cid"]
    assert data[0]["age"] == 34
    cp.write_table(people, tmp_path / "out.csv", "csv")
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["name", "age", "city", "member", "joined", "score"]
    assert rows[1][0] == "Ann" and len(rows) == 5


def test_command_line_filters_and_groups(
    cp: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE, encoding="utf-8")
    status = cp.main([str(source), "--where", "age>=30", "--format", "json"])
    assert status == 0
    assert [row["name"] for row in json.loads(capsys.readouterr().out)] == ["Ann", "Al"]
    assert cp.main([str(source), "--group-by", "city", "--agg", "sum:age", "--format", "csv"]) == 0
    assert "Oslo" in capsys.readouterr().out


def test_command_line_problems_are_one_line_on_stderr(
    cp: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cp.main([str(tmp_path / "missing.csv")]) == 1
    captured = capsys.readouterr()
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE, encoding="utf-8")
    assert cp.main([str(source), "--where", "nope>1"]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_command_line_describes_the_columns(
    cp: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE, encoding="utf-8")
    assert cp.main([str(source), "--describe"]) == 0
    out = capsys.readouterr().out
    age = next(line for line in out.splitlines() if line.startswith("age"))
    assert "28" in age and "41" in age  # its min and max
    assert any(line.startswith("city") for line in out.splitlines())

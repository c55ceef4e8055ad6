"""What inventory.py must do, from the task's spec (inventory-cli.toml).

Run by ``codecrdt.bench.functional`` in a folder that holds the generated file as
``inventory.py``. The command line is the interface: ``main(argv) -> exit status`` with
``--file PATH`` and the subcommands add, remove, list, report and export; the JSON file
it writes holds the items (sku, name, quantity, price in cents, tags).
"""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def inv() -> ModuleType:
    return importlib.import_module("inventory")


class Cli:
    def __init__(self, inv: ModuleType, path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.inv, self.path, self.capsys = inv, path, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        status = self.inv.main(["--file", str(self.path), *args])
        captured = self.capsys.readouterr()
        return status, captured.out, captured.err

    def items(self) -> dict[str, dict[str, object]]:
        data = json.loads(self.path.read_text(encoding="utf-8"))
        records = data["items"] if isinstance(data, dict) else data
        return {record["sku"]: record for record in records}


@pytest.fixture
def cli(inv: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(inv, tmp_path / "stock.json", capsys)


def _cents(record: dict[str, object]) -> object:
    return record.get("price_cents", record.get("price"))


def test_add_saves_an_item(cli: Cli) -> None:
    status, _out, err = cli("add", "MUG-001", "Coffee mug", "-q", "12", "-p", "7.50", "-t", "home")
    assert (status, err) == (0, "")
    item = cli.items()["MUG-001"]
    assert item["name"] == "Coffee mug" and item["quantity"] == 12
    assert _cents(item) == 750 and item["tags"] == ["home"]


def test_adding_an_existing_sku_adds_units(cli: Cli) -> None:
    cli("add", "MUG-001", "Coffee mug", "-q", "12", "-p", "7.50")
    assert cli("add", "MUG-001", "Coffee mug", "-q", "3", "-p", "7.50")[0] == 0
    assert cli.items()["MUG-001"]["quantity"] == 15
    assert len(cli.items()) == 1


@pytest.mark.parametrize(("typed", "cents"), [("7.50", 750), ("$1,200", 120000), ("3", 300)])
def test_prices_as_users_type_them(cli: Cli, typed: str, cents: int) -> None:
    assert cli("add", "PEN-001", "Pen", "-q", "1", "-p", typed)[0] == 0
    assert _cents(cli.items()["PEN-001"]) == cents


@pytest.mark.parametrize(
    "args",
    [
        ("add", "??", "Bad sku", "-q", "1", "-p", "1"),
        ("add", "PEN-001", "Pen", "-q", "-2", "-p", "1"),
        ("add", "PEN-001", "Pen", "-q", "1.5", "-p", "1"),
        ("add", "PEN-001", "Pen", "-q", "1", "-p", "abc"),
        ("remove", "NOPE-404"),
    ],
)
def test_bad_input_is_one_line_on_stderr(cli: Cli, args: tuple[str, ...]) -> None:
    status, _out, err = cli(*args)
    assert status == 1
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_remove_some_units_or_the_whole_item(cli: Cli) -> None:
    cli("add", "MUG-001", "Coffee mug", "-q", "12", "-p", "7.50")
    cli("add", "PEN-001", "Pen", "-q", "4", "-p", "1")
    assert cli("remove", "MUG-001", "-q", "5")[0] == 0
    assert cli.items()["MUG-001"]["quantity"] == 7
    assert cli("remove", "MUG-001", "-q", "99")[0] == 1  # more than in stock
    assert cli.items()["MUG-001"]["quantity"] == 7
    assert cli("remove", "PEN-001")[0] == 0
    assert set(cli.items()) == {"MUG-001"}


def test_list_by_tag_and_low_stock(cli: Cli) -> None:
    cli("add", "MUG-001", "Coffee mug", "-q", "12", "-p", "7.50", "-t", "kitchen")
    cli("add", "PAN-002", "Frying pan", "-q", "2", "-p", "30", "-t", "kitchen")
    cli("add", "PEN-001", "Pen", "-q", "1", "-p", "1", "-t", "office")
    status, out, _err = cli("list")
    assert status == 0 and all(sku in out for sku in ("MUG-001", "PAN-002", "PEN-001"))
    _status, out, _err = cli("list", "--tag", "kitchen")
    assert "MUG-001" in out and "PAN-002" in out and "PEN-001" not in out
    _status, out, _err = cli("list", "--low")
    assert "PAN-002" in out and "PEN-001" in out and "MUG-001" not in out


def test_report_totals_value_by_tag_and_low_items(cli: Cli) -> None:
    cli("add", "MUG-001", "Coffee mug", "-q", "12", "-p", "7.50", "-t", "kitchen")
    cli("add", "PAN-002", "Frying pan", "-q", "2", "-p", "30", "-t", "kitchen")
    status, out, _err = cli("report")
    assert status == 0
    assert "150.00" in out  # total value: 12 × 7.50 + 2 × 30
    assert "kitchen" in out
    low_lines = [line for line in out.splitlines() if "low" in line.lower()]
    assert any("PAN-002" in line for line in low_lines)


def test_export_csv_refuses_to_overwrite_without_force(cli: Cli, tmp_path: Path) -> None:
    cli("add", "MUG-001", "Coffee mug", "-q", "12", "-p", "7.50", "-t", "kitchen")
    target = tmp_path / "out.csv"
    assert cli("export", str(target))[0] == 0
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["sku"] == "MUG-001" and rows[0]["quantity"] == "12"
    target.write_text("keep me", encoding="utf-8")
    status, _out, err = cli("export", str(target))
    assert status == 1 and err.strip()
    assert target.read_text(encoding="utf-8") == "keep me"
    assert cli("export", str(target), "--force")[0] == 0
    assert "MUG-001" in target.read_text(encoding="utf-8")


def test_a_damaged_file_is_reported_not_a_traceback(cli: Cli) -> None:
    cli.path.write_text("{not json", encoding="utf-8")
    status, _out, err = cli("list")
    assert status == 1 and len(err.strip().splitlines()) == 1
    cli.path.write_text(json.dumps({"items": [{"sku": "MUG-001", "name": "Mug", "quantity": -3}]}))
    status, _out, err = cli("list")
    assert status == 1 and "Traceback" not in err


def test_saving_leaves_no_temporary_file(cli: Cli) -> None:
    cli("add", "MUG-001", "Coffee mug", "-q", "1", "-p", "1")
    cli("add", "MUG-001", "Coffee mug", "-q", "1", "-p", "1")
    assert [p.name for p in cli.path.parent.iterdir()] == [cli.path.name]

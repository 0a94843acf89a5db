"""`segments load-cdnow`: the CDNOW transactions as raw files the loader accepts."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.core import raw_schema
from segments.core.errors import SegmentsError
from segments.devtools import cdnow, load_cdnow
from segments.pipeline import build
from segments.warehouse import load, raw_files

OUTPUT_FILES = ("orders.csv", "customers.csv", load_cdnow.MANIFEST_NAME)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def digests(out: Path) -> dict[str, str]:
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GIVEN the 2,357-customer sample converted into a fresh folder."""
    out = tmp_path_factory.mktemp("cdnow") / "sample"
    load_cdnow.convert(out, sample=True)
    return out


@pytest.fixture(scope="module")
def master_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GIVEN the full master file converted into a fresh folder."""
    out = tmp_path_factory.mktemp("cdnow") / "master"
    load_cdnow.convert(out)
    return out


def test_sample_has_every_customer_and_one_order_per_transaction_line(sample_dir: Path) -> None:
    # GIVEN the sample's transactions as read by segments.devtools.cdnow
    transactions = cdnow.load_sample()
    # WHEN the converted files are read back
    orders = read_rows(sample_dir / "orders.csv")
    customers = read_rows(sample_dir / "customers.csv")
    # THEN every transaction line is one order (same-day ones included) of a listed customer
    assert len(orders) == len(transactions) == 6_919
    assert len({row["order_id"] for row in orders}) == len(orders)
    assert len({row["customer_id"] for row in orders}) == 2_357
    assert [row["customer_id"] for row in customers] == [str(i) for i in range(1, 2_358)]
    assert list(customers[0]) == ["customer_id"]


def test_orders_use_the_raw_contract_and_keep_zero_amounts(sample_dir: Path) -> None:
    # GIVEN the converted sample WHEN its orders are read back
    orders = read_rows(sample_dir / "orders.csv")
    # THEN the columns are raw-schema columns, the required ones included
    columns = list(orders[0])
    assert set(columns) <= set(raw_schema.table("orders").column_names)
    assert set(raw_schema.table("orders").required_columns) <= set(columns)
    # AND the first line is the file's first transaction, in the documented format
    assert orders[0] == {
        "order_id": "1-1",
        "customer_id": "1",
        "ordered_at": "1997-01-01",
        "amount": "29.33",
        "status": "completed",
        "currency": "USD",
    }
    # AND the 0.00 lines are kept and the manifest counts them
    zero = sum(row["amount"] == "0.00" for row in orders)
    assert zero == 8
    manifest = json.loads((sample_dir / load_cdnow.MANIFEST_NAME).read_text())
    assert manifest["zero_amount_orders"] == zero
    assert manifest["tables"] == {"customers": {"rows": 2_357}, "orders": {"rows": 6_919}}


def test_master_has_all_customers_within_the_study_period(master_dir: Path) -> None:
    # GIVEN the converted master file WHEN its orders are read back
    orders = read_rows(master_dir / "orders.csv")
    dates = sorted({row["ordered_at"] for row in orders})
    # THEN all 23,570 customers and 69,659 transaction lines are there, dated 1997-01..1998-06
    assert len({row["customer_id"] for row in orders}) == 23_570
    assert len(read_rows(master_dir / "customers.csv")) == 23_570
    assert len(orders) == 69_659
    assert (dates[0], dates[-1]) == ("1997-01-01", "1998-06-30")
    manifest = json.loads((master_dir / load_cdnow.MANIFEST_NAME).read_text())
    assert manifest["order_dates"] == {"first": "1997-01-01", "last": "1998-06-30"}
    assert manifest["zero_amount_orders"] == 80


@pytest.mark.parametrize(("converted", "sample"), [("sample_dir", True), ("master_dir", False)])
def test_same_output_every_run(
    converted: str, sample: bool, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # GIVEN a converted folder, a second conversion into another folder and a third over the first
    out = request.getfixturevalue(converted)
    before = digests(out)
    load_cdnow.convert(tmp_path / "again", sample=sample)
    load_cdnow.convert(out, sample=sample)
    # THEN all files are byte-identical
    assert digests(tmp_path / "again") == before == digests(out)


def test_loader_accepts_the_files(sample_dir: Path, tmp_path: Path) -> None:
    # GIVEN the converted sample WHEN the loader finds and loads it into a fresh DuckDB
    files = raw_files.find(sample_dir)
    loaded = load.load_raw(tmp_path / "w.duckdb", files, {})
    # THEN exactly orders and customers are loaded, every row
    assert sorted((table.table, table.rows) for table in loaded) == [
        ("customers", 2_357),
        ("orders", 6_919),
    ]
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by 1"
        ).fetchall()
    finally:
        con.close()
    assert tables == [("customers",), ("orders",)]


def test_refuses_a_folder_holding_other_raw_files(tmp_path: Path) -> None:
    # GIVEN a folder with a raw file a build would load along with CDNOW
    (tmp_path / "events.csv").write_text("event_id\n", encoding="utf-8")
    # WHEN CDNOW is converted into it THEN it refuses, naming the file, and writes nothing
    with pytest.raises(SegmentsError, match=r"events\.csv"):
        load_cdnow.convert(tmp_path, sample=True)
    assert not (tmp_path / "orders.csv").exists()


def test_help_exits_zero_and_names_the_source(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN the CLI WHEN asked for load-cdnow's help
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["load-cdnow", "--help"])
    # THEN it exits 0 and states the source and licence
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "lifetimes" in text
    assert "MIT" in text
    assert "Fader & Hardie" in text


def test_without_build_prints_the_build_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN no --build WHEN the command runs
    assert cli.main(["load-cdnow", "--sample", "--out", str(tmp_path), "--target", "ci"]) == 0
    # THEN it prints the build command to run next
    assert f"segments build --raw-dir {tmp_path} --target ci" in capsys.readouterr().out


def test_build_gets_the_options_segments_build_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the build replaced by a recorder (no dbt run)
    calls: list[build.BuildOptions] = []
    monkeypatch.setattr(build, "run_and_report", calls.append)
    # WHEN load-cdnow runs with --build, and `segments build` on its files
    assert (
        cli.main(["load-cdnow", "--sample", "--out", str(tmp_path), "--build", "--target", "ci"])
        == 0
    )
    argv = ["build", "--raw-dir", str(tmp_path), "--target", "ci", "--vars", load_cdnow.CDNOW_VARS]
    assert cli.main(argv) == 0
    # THEN both built with the same options, zero-amount purchases kept
    assert len(calls) == 2
    assert calls[0] == calls[1]
    assert calls[0].dbt_vars == {"quarantine_zero_amount_orders": False}
    assert sorted(calls[0].files or {}) == ["customers", "orders"]

"""Incremental facts give what a full refresh gives.

A warehouse is built from the data before a cut-off day, then the rest is
appended (`segments build --append`): the new days, an order that arrives late
(dated months back, older than the lookback, without lines), a correction of
an old order (the row sent again with a new amount, and its line with a new
quantity), a correction of an old order's line alone (a new unit cost) and a
correction that makes an old order invalid (an unknown currency). The
incremental run must leave every mart, the audit tables and the facts exactly
as `segments build --full-refresh` of the same raw rows does.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import duckdb
import pytest

from segments.core import project
from segments.devtools import generate
from segments.pipeline import build
from segments.warehouse import raw_files
from tests.reliability import content_digest

CUT = "2025-12-20"  # orders, lines and events from this day on arrive in the second load
FACTS = {
    "staging.base_shop__orders": "*",
    "staging.base_shop__order_items": "*",
    "staging.base_web__events": "*",
    # the run's bookkeeping columns say which run computed a row: left out
    "intermediate.int_orders_valid": "* exclude (_orders_through, _lines_through)",
}
LATE_ORDER = "OLATE00001"


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8", errors="surrogateescape") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8", errors="surrogateescape") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)


def split(raw: Path, first: Path, second: Path) -> dict[str, str]:
    """Write the two loads; the ids of the corrected orders."""
    for path in raw.glob("*.csv"):
        if path.stem not in {"orders", "order_items", "events"}:
            header, rows = read_rows(path)
            write_rows(first / path.name, header, rows)
    header, orders = read_rows(raw / "orders.csv")
    late = [row for row in orders if row["ordered_at"][:10] >= CUT]
    write_rows(first / "orders.csv", header, [row for row in orders if row not in late])
    old = [
        row
        for row in orders
        if row["ordered_at"].startswith("2025-03")
        and row["status"] == "completed"
        and row["currency"] == "USD"
        and row["order_id"].startswith("O0")
    ]
    corrected = dict(old[0], amount=f"{float(old[0]['amount']) + 10:.2f}")
    made_invalid = dict(old[1], currency="QQQ")
    arriving_late = dict(old[2], order_id=LATE_ORDER, ordered_at="2025-06-15T10:00:00Z")
    write_rows(second / "orders.csv", header, [*late, corrected, made_invalid, arriving_late])

    header, lines = read_rows(raw / "order_items.csv")
    later_ids = {row["order_id"] for row in late}
    later_lines = [row for row in lines if row["order_id"] in later_ids]
    write_rows(
        first / "order_items.csv", header, [r for r in lines if r["order_id"] not in later_ids]
    )

    def first_line(order_id: str) -> dict[str, str]:
        return next(row for row in lines if row["order_id"] == order_id)

    # the corrected order's line sent again too, and a line alone of another old order
    resent = dict(first_line(corrected["order_id"]), quantity="7")
    recosted = dict(first_line(old[3]["order_id"]), unit_cost="0.50")
    write_rows(second / "order_items.csv", header, [*later_lines, resent, recosted])

    header, events = read_rows(raw / "events.csv")
    write_rows(first / "events.csv", header, [r for r in events if r["occurred_at"][:10] < CUT])
    write_rows(second / "events.csv", header, [r for r in events if r["occurred_at"][:10] >= CUT])
    return {"corrected": corrected["order_id"], "made_invalid": made_invalid["order_id"]}


def facts_digest(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            name: hashlib.sha256(
                repr(con.execute(f"select {columns} from {name} order by all").fetchall()).encode()
            ).hexdigest()
            for name, columns in FACTS.items()
        }


def runs_in_valid_orders(warehouse: Path) -> int:
    """How many runs computed the rows of int_orders_valid (distinct bookkeeping)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select count(distinct _orders_through) from intermediate.int_orders_valid"
        ).fetchall()[0][0]


@pytest.fixture(scope="module")
def appended(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    # GIVEN demo data split in two loads, the second with new days, a late order
    # and three corrections of old orders
    root = tmp_path_factory.mktemp("incremental")
    generate.generate(customers=600, seed=5, out=root / "raw")
    ids = split(root / "raw", root / "first", root / "second")
    warehouse = root / "warehouse.duckdb"
    mapping = project.column_mapping()
    build.build(build.BuildOptions(warehouse, "ci", raw_files.find(root / "first"), mapping, {}))
    # WHEN the second load is appended and the facts run incrementally
    files = raw_files.find(root / "second", appending=True)
    build.build(build.BuildOptions(warehouse, "ci", files, mapping, {}, append=True))
    return warehouse, ids


def test_an_incremental_run_gives_what_a_full_refresh_gives(
    appended: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    warehouse, _ = appended
    incremental = (content_digest(warehouse), facts_digest(warehouse))
    # THEN the valid orders before the changed window were kept from the first run
    assert runs_in_valid_orders(warehouse) == 2
    # WHEN the same raw rows are rebuilt in full
    copy = tmp_path / warehouse.name
    copy.write_bytes(warehouse.read_bytes())
    build.build(
        build.BuildOptions(copy, "ci", None, project.column_mapping(), {}, full_refresh=True)
    )
    # THEN every mart, the quarantine and every fact is the same
    assert runs_in_valid_orders(copy) == 1
    assert (content_digest(copy), facts_digest(copy)) == incremental


def test_appended_rows_reach_the_marts(appended: tuple[Path, dict[str, str]]) -> None:
    warehouse, ids = appended
    with duckdb.connect(str(warehouse), read_only=True) as con:
        orders = dict(
            con.execute(
                "select order_id, gross_revenue from marts.orders where order_id in (?, ?, ?)",
                [LATE_ORDER, ids["corrected"], ids["made_invalid"]],
            ).fetchall()
        )
        quarantined = con.execute(
            "select reason_code from audit.quarantined_rows where raw_key = ?",
            [ids["made_invalid"]],
        ).fetchall()
        last_day = con.execute("select max(ordered_date) from marts.orders").fetchall()[0][0]
    # THEN the late order is there, the corrected one once, the invalid one quarantined
    assert set(orders) == {LATE_ORDER, ids["corrected"]}
    assert quarantined == [("unknown_currency",)]
    assert str(last_day) >= CUT

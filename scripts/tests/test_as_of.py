"""Everything is computed as of a date: rows dated after it change no mart, and the same
as-of date built twice gives the same marts, content hash for content hash."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from segments.core import project
from segments.devtools import generate
from segments.pipeline import build
from segments.warehouse import raw_files

AS_OF = "2025-12-31"  # the last day of the generated data

# Rows of every dated raw table, all after the as-of date: a new customer with its
# orders, lines, events, invoices and tickets; an existing customer's new order; a
# new lead; a new exchange rate; and an old unpaid invoice paid after the as-of date.
FUTURE_ROWS = {
    "customers": [
        {
            "customer_id": "CFUTURE01",
            "full_name": "Future Person",
            "email": "future.person@example.net",
            "customer_type": "b2c",
            "country": "DE",
            "signup_at": "2026-02-01T09:00:00Z",
        }
    ],
    "orders": [
        {
            "order_id": "OFUTURE01",
            "customer_id": "CFUTURE01",
            "ordered_at": "2026-02-02T10:00:00Z",
            "amount": "500.00",
            "status": "completed",
            "currency": "USD",
        },
        {
            "order_id": "OFUTURE02",
            "customer_id": "C00000001",
            "ordered_at": "2026-01-15T10:00:00Z",
            "amount": "9000.00",
            "status": "completed",
            "currency": "EUR",
        },
    ],
    "order_items": [
        {
            "order_id": "OFUTURE02",
            "line_number": "1",
            "product_id": "P0068",
            "quantity": "2",
            "unit_price": "4500.00",
            "unit_cost": "100.00",
        }
    ],
    "events": [
        {
            "event_id": f"EFUTURE{number:02d}",
            "customer_id": "C00000001",
            "event_type": "add_to_cart",
            "product_id": "P0068",
            "occurred_at": f"2026-01-{number:02d}T10:00:00Z",
            "device": "ios",
        }
        for number in range(1, 21)
    ],
    "invoices": [
        {
            "invoice_id": "INVFUTURE01",
            "customer_id": "C00000001",
            "order_id": "OFUTURE02",
            "issued_date": "2026-01-16",
            "due_date": "2026-02-15",
            "amount": "9000.00",
            "currency": "EUR",
        }
    ],
    "tickets": [
        {
            "ticket_id": "TFUTURE01",
            "customer_id": "C00000001",
            "opened_at": "2026-01-05T08:00:00Z",
            "closed_at": "2026-01-06T08:00:00Z",
            "category": "billing",
            "satisfaction_score": "1",
        }
    ],
    "leads": [
        {
            "lead_id": "LFUTURE01",
            "company_name": "Tomorrow Ltd",
            "country": "US",
            "industry": "software",
            "company_size": "500",
            "stage": "new",
            "created_at": "2026-01-03T10:00:00Z",
            "last_activity_at": "2026-01-04T10:00:00Z",
            "email_opens": "9",
            "site_visits": "20",
        }
    ],
    "fx_rates": [{"currency": "EUR", "rate_date": "2026-01-01", "rate_to_reporting": "9.0"}],
}


# Each planted raw table's staging model and key.
STAGED = {
    "customers": ("stg_crm__customers", "customer_id"),
    "orders": ("stg_shop__orders", "order_id"),
    "order_items": ("stg_shop__order_items", "order_id"),
    "events": ("stg_web__events", "event_id"),
    "invoices": ("stg_billing__invoices", "invoice_id"),
    "tickets": ("stg_support__tickets", "ticket_id"),
    "leads": ("stg_crm__leads", "lead_id"),
}


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header, lineterminator="\n").writerows(rows)


def pay_an_unpaid_invoice_after_the_as_of_date(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    unpaid = next(row for row in rows if not row["paid_date"] and row["issued_date"] < AS_OF)
    unpaid["paid_date"] = "2026-01-20"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return unpaid["invoice_id"]


def marts_digest(warehouse: Path) -> dict[str, str]:
    """A content hash of every mart table (rows sorted, so order does not matter)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            table: hashlib.sha256(
                repr(con.execute(f"select * from marts.{table} order by all").fetchall()).encode()
            ).hexdigest()
            for table in tables
        }


def build_as_of(raw_dir: Path, warehouse: Path) -> dict[str, str]:
    build.build(
        build.BuildOptions(
            warehouse,
            "ci",
            raw_files.find(raw_dir),
            project.column_mapping(),
            {"as_of_date": AS_OF},
        )
    )
    return marts_digest(warehouse)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw_dir = tmp_path_factory.mktemp("as_of") / "raw"
    generate.generate(customers=150, seed=5, out=raw_dir)
    return raw_dir


@pytest.fixture(scope="module")
def built(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The marts digest of the generated data built as of AS_OF (both tests read it)."""
    return build_as_of(generated, tmp_path_factory.mktemp("as_of_built") / "built.duckdb")


def test_rows_after_the_as_of_date_change_no_mart(
    generated: Path, built: dict[str, str], tmp_path: Path
) -> None:
    # GIVEN the generated data, and a copy with rows dated after the as-of date planted
    future = tmp_path / "future"
    shutil.copytree(generated, future)
    for table, rows in FUTURE_ROWS.items():
        append_rows(future / f"{table}.csv", rows)
    pay_an_unpaid_invoice_after_the_as_of_date(future / "invoices.csv")
    # WHEN both are built as of the same date
    without = built
    with_future = build_as_of(future, tmp_path / "with.duckdb")
    # THEN the planted rows reached staging (none was quarantined)
    with duckdb.connect(str(tmp_path / "with.duckdb"), read_only=True) as con:
        planted = {
            raw: con.execute(
                f"select count(*) from staging.{model} where {key} like '%FUTURE%'"
            ).fetchone()[0]
            for raw, (model, key) in STAGED.items()
        }
    assert planted == {raw: len(FUTURE_ROWS[raw]) for raw in STAGED}
    # AND every mart holds the same rows
    assert len(without) >= 10
    assert [table for table in without if with_future.get(table) != without[table]] == []


def test_the_same_as_of_date_twice_gives_the_same_marts(
    generated: Path, built: dict[str, str], tmp_path: Path
) -> None:
    # WHEN the same data is built again as of the same date, into another file
    again = build_as_of(generated, tmp_path / "again.duckdb")
    # THEN every mart has the same content hash
    assert again == built

"""`dbt source freshness`: every raw table with a timestamp or date column is
dated by one of them, its latest row not in the future, and warns or errors after the
ages of the source_warn_after_days / source_error_after_days vars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from segments.core import raw_schema
from segments.engines import dbt

DATED_TYPES = (raw_schema.TIMESTAMP, raw_schema.DATE)
WARN_DAYS, ERROR_DAYS = 2, 7


def test_every_raw_table_with_a_timestamp_or_date_is_dated() -> None:
    # GIVEN the raw contract WHEN a table has a timestamp or date column
    for table in raw_schema.TABLES:
        dated = [column for column in table.columns if column.type in DATED_TYPES]
        # THEN one of its columns dates it for freshness (and only such a table)
        assert (table.loaded_at in [column.name for column in dated]) == bool(dated), table.name


def days_ago(days: float, as_date: bool = False) -> str:
    moment = datetime.now(UTC) - timedelta(days=days)
    if as_date:
        return moment.date().isoformat()
    # with an offset other than UTC's: read as the instant it is
    return moment.astimezone(timezone(timedelta(hours=2))).isoformat()


# Per dated table, its freshness column's raw text values and the status expected
# with warn after 2 days and error after 7.
RAW_VALUES: dict[str, tuple[list[str | None], str]] = {
    "orders": ([days_ago(30), days_ago(0.5)], "pass"),
    "events": ([days_ago(3)], "warn"),
    "tickets": ([days_ago(10)], "error"),
    # a future row is left out: the latest real row is 10 days old
    "customers": ([days_ago(10), days_ago(-30)], "error"),
    # a value that does not parse, and a blank, are left out
    "leads": (["not a time", None, days_ago(1)], "pass"),
    "invoices": ([days_ago(1, as_date=True)], "pass"),
    "fx_rates": ([days_ago(4, as_date=True)], "warn"),
    "wallet_estimates": ([days_ago(30, as_date=True)], "error"),
}


@pytest.fixture(scope="module")
def raw_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GIVEN a warehouse whose raw schema holds each dated table's freshness column as
    text (as `segments build` loads it), rows of known ages."""
    database = tmp_path_factory.mktemp("freshness") / "warehouse.duckdb"
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema raw")
        for name, (values, _) in RAW_VALUES.items():
            column = raw_schema.table(name).loaded_at
            con.execute(f"create table raw.{name} ({column} varchar)")
            con.executemany(f"insert into raw.{name} values (?)", [[value] for value in values])
    finally:
        con.close()
    return database


def test_source_freshness_ages_each_table_by_its_latest_real_row(raw_tables: Path) -> None:
    # WHEN dbt source freshness runs with warn after 2 days and error after 7
    statuses = dbt.source_freshness(
        raw_tables,
        target="ci",
        dbt_vars={"source_warn_after_days": WARN_DAYS, "source_error_after_days": ERROR_DAYS},
    )
    # THEN every dated table is checked, and its status follows its latest row's age
    assert statuses == {name: status for name, (_, status) in RAW_VALUES.items()}


def test_source_freshness_ages_come_from_the_vars(raw_tables: Path) -> None:
    # WHEN the ages allowed are a year
    statuses = dbt.source_freshness(
        raw_tables,
        target="ci",
        dbt_vars={"source_warn_after_days": 365, "source_error_after_days": 400},
    )
    # THEN every table passes
    assert statuses == dict.fromkeys(RAW_VALUES, "pass")

"""Reliability, bad rows: every kind of dirty row, slipped into generated
data at random positions, is quarantined with its reason, repaired, parsed as
documented or merged, and every clean row reaches the marts. Nothing is lost."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import DirtyBuild
from tests.dirty_rows import LONG_TEXT, Dirty
from tests.reliability import (
    LOST,
    MERGED,
    PARSED,
    REJECTED,
    REPAIRED,
    TALLY,
    query,
    read_csv_rows,
    scalar,
)

SOURCE_TABLES = {"orders": "shop.orders", "customers": "crm.customers"}


def injected(build: DirtyBuild, table: str, *fates: str) -> list[Dirty]:
    return [row for row in build.injected if row.table == table and row.fate in fates]


def raw_keys(raw_dir: Path, table: str) -> list[str]:
    """Each raw row's key as staging reads it (trimmed), in file order."""
    key = "order_id" if table == "orders" else "customer_id"
    return [row[key].strip(" ") for row in read_csv_rows(raw_dir / f"{table}.csv")[1]]


def row_fates(build: DirtyBuild, table: str) -> dict[int, str]:
    """Fate of every raw row by its number, read back from the warehouse.

    Rejected / repaired: in audit.quarantined_rows. Merged: a duplicate rank
    above 1. Kept (PARSED): its key reached the clean layer (marts.orders for
    orders, stg_crm__customers for customers). Anything else is lost.
    """
    source_table = SOURCE_TABLES[table]
    quarantined = dict(
        query(
            build.path,
            "select source_row_number, disposition from audit.quarantined_rows "
            "where source_table = ?",
            [source_table],
        )
    )
    base = "staging.base_shop__orders" if table == "orders" else "staging.base_crm__customers"
    merged = {
        row
        for (row,) in query(build.path, f"select _source_row from {base} where duplicate_rank > 1")
    }
    clean = (
        "select order_id from marts.orders"
        if table == "orders"
        else "select customer_id from staging.stg_crm__customers"
    )
    kept = {key for (key,) in query(build.path, clean)}
    fates: dict[int, str] = {}
    for number, key in enumerate(raw_keys(build.raw_dir, table), start=1):
        if number in quarantined:
            fates[number] = quarantined[number]
        elif number in merged:
            fates[number] = MERGED
        else:
            fates[number] = PARSED if key in kept else LOST
    return fates


def test_every_raw_table_reconciles_with_the_file_it_came_from(dirty_build: DirtyBuild) -> None:
    # WHEN each raw table's accounting is read
    rows = query(
        dirty_build.path,
        "select source_table, raw_rows, clean_rows, rejected_rows, duplicate_rows, is_balanced "
        "from audit.row_reconciliation order by 1",
    )
    manifest = dirty_build.manifest
    # THEN raw rows are the file's data rows (generated + injected), duplicates are the
    # generator's plus the injected pairs, and raw = clean + rejected + duplicates
    for source_table, raw, clean, rejected, duplicates, is_balanced in rows:
        table = source_table.split(".")[1]
        added = [row for row in dirty_build.injected if row.table == table]
        merged = sum(1 for row in added if row.fate == MERGED)
        assert raw == manifest["tables"][table]["rows"] + len(added), table
        assert duplicates == manifest["duplicates"][table] + merged, table
        assert raw == clean + rejected + duplicates and is_balanced, table
        assert min(raw, clean, rejected, duplicates) >= 0, table
    assert len(rows) == 11


def test_quarantine_holds_the_generators_dirt_plus_every_injected_row(
    dirty_build: DirtyBuild,
) -> None:
    # GIVEN what the generator says it injected and what this suite injected
    expected: Counter[tuple[str, str, str | None]] = Counter()
    for section, disposition in (("quarantined", REJECTED), ("repaired", REPAIRED)):
        for table, reasons in dirty_build.manifest[section].items():
            for reason, count in reasons.items():
                expected[(table, disposition, reason)] += count
    for row in dirty_build.injected:
        if row.fate in (REJECTED, REPAIRED):
            expected[(row.table, row.fate, row.reason)] += 1
    # WHEN the quarantine is counted per raw table, disposition and reason
    found = Counter(
        {
            (source_table.split(".")[1], disposition, reason): count
            for source_table, disposition, reason, count in query(
                dirty_build.path,
                "select source_table, disposition, reason_code, count(*) "
                "from audit.quarantined_rows group by all",
            )
        }
    )
    # THEN both agree exactly, reason by reason
    assert found == expected


@pytest.mark.parametrize("table", ["orders", "customers"])
def test_each_injected_bad_row_is_quarantined_at_its_row_with_its_reason(
    dirty_build: DirtyBuild, table: str
) -> None:
    bad = injected(dirty_build, table, REJECTED, REPAIRED)
    # WHEN the quarantine is read at the rows where they were written
    found = {
        row: (reason, disposition, raw_values)
        for row, reason, disposition, raw_values in query(
            dirty_build.path,
            "select source_row_number, reason_code, disposition, raw_values "
            "from audit.quarantined_rows where source_table = ?",
            [SOURCE_TABLES[table]],
        )
    }
    # THEN each is there, with its reason and disposition
    for row in bad:
        assert row.row in found, f"{row.label} (row {row.row}) is not in the quarantine"
        reason, disposition, raw_values = found[row.row]
        assert (reason, disposition) == (row.reason, row.fate), row.label
        if row.reason == "invalid_encoding":
            # the damaged value is kept for fixing at the source, bad bytes shown as U+FFFD
            assert "\ufffd" in raw_values or "\\u0000" in raw_values, row.label
    assert len(bad) == {"orders": 33, "customers": 12}[table]


def test_dirty_looking_order_values_are_parsed_as_documented(dirty_build: DirtyBuild) -> None:
    # GIVEN orders written with separators, symbols, odd date formats and offsets
    rows = [row for row in injected(dirty_build, "orders", PARSED) if row.parsed]
    assert len(rows) == 14
    for row in rows:
        columns = sorted(row.parsed)
        # WHEN staging has read them
        found = query(
            dirty_build.path,
            f"select {', '.join(columns)} from staging.stg_shop__orders where order_id = ?",
            [row.key],
        )
        # THEN each value is what the text meant (timestamps in UTC)
        assert found == [tuple(row.parsed[column] for column in columns)], row.label


def test_parsed_amounts_reach_the_orders_mart_converted(dirty_build: DirtyBuild) -> None:
    # WHEN the orders mart is read for the euro and thousands-separator orders
    found = dict(
        query(
            dirty_build.path,
            "select order_id, gross_revenue - round(fx_rate * ?, 2) from marts.orders "
            "where order_id = 'OZ-EURO' union all "
            "select order_id, gross_revenue - 1234.50 from marts.orders "
            "where order_id = 'OZ-THOUSANDS'",
            [15],
        )
    )
    # THEN €15 is 15 euros at the day's rate, "1,234.50" is 1234.50 dollars
    assert found == {"OZ-EURO": 0, "OZ-THOUSANDS": 0}


def test_very_long_strings_pass_through_untouched(dirty_build: DirtyBuild) -> None:
    long_order = next(r for r in dirty_build.injected if r.label == "100k-character order id")
    # WHEN the marts and staging are read for the 100k-character values
    order_id_length = scalar(
        dirty_build.path,
        "select length(order_id) from marts.orders where order_id = ?",
        [long_order.key],
    )
    city_length = scalar(
        dirty_build.path,
        "select length(city) from staging.stg_crm__customers where customer_id = 'CZ0000001'",
    )
    in_marts = scalar(
        dirty_build.path, "select count(*) from marts.customers where customer_id = 'CZ0000001'"
    )
    # THEN nothing was cut or broken
    assert order_id_length == len(long_order.key) == LONG_TEXT + len("OZ-LONG-")
    assert city_length == LONG_TEXT
    assert in_marts == 1


def test_duplicate_ids_keep_the_row_loaded_last(dirty_build: DirtyBuild) -> None:
    # GIVEN two versions of an order and of a customer, at random places in the files
    kept = {row.key: row for row in injected(dirty_build, "orders", PARSED) if row.key == "OZ-DUP"}
    kept_customer = next(
        row for row in injected(dirty_build, "customers", PARSED) if row.key == "CZ0000007"
    )
    # WHEN the clean layer is read
    order = query(
        dirty_build.path,
        "select order_channel, gross_revenue from marts.orders where order_id = 'OZ-DUP'",
    )
    city = query(
        dirty_build.path,
        "select city from staging.stg_crm__customers where customer_id = 'CZ0000007'",
    )
    # THEN each holds the later version's values, once
    winner = kept["OZ-DUP"]
    assert order == [(winner.values["channel"], winner.parsed["gross_amount"])]
    assert city == [(kept_customer.values["city"],)]


@pytest.mark.parametrize("table", ["orders", "customers"])
def test_every_raw_row_is_quarantined_merged_or_clean_and_none_is_lost(
    dirty_build: DirtyBuild, table: str
) -> None:
    # WHEN every raw row's fate is read back by its row number
    fates = row_fates(dirty_build, table)
    # THEN no row is lost: every clean order is in marts.orders, every clean
    # customer in the clean layer; quarantined and merged rows are accounted for
    lost = [number for number, fate in fates.items() if fate == LOST]
    assert lost == [], f"{table}: rows {lost[:10]} vanished"
    # AND each injected row met exactly the fate it was written for
    mine = [row for row in dirty_build.injected if row.table == table]
    got = [fates.get(row.row, LOST) for row in mine]
    assert [(row.label, fate) for row, fate in zip(mine, got, strict=True)] == [
        (row.label, row.fate) for row in mine
    ]
    # AND the clean layer holds no row that is not in the file
    clean = "marts.orders" if table == "orders" else "staging.stg_crm__customers"
    kept = Counter(fate for fate in fates.values() if fate in (PARSED, REPAIRED))
    assert scalar(dirty_build.path, f"select count(*) from {clean}") == sum(kept.values())
    TALLY.add_rows(got)

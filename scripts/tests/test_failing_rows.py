"""A failing data test names its first offending rows (dbt reports only how many):
`segments build` reads them again from the warehouse it built (issue 24: six
tier_coverage failures that named no customer)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import duckdb

from segments.engines.dbt import failing_rows

COVERAGE = """
    select customer_id as tier_key, 'value outside the base population' as problem
    from marts.customer_segments where not has_purchased and abc_class is not null
"""


def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.customer_segments as select * from (values "
            "('C1', true, 'A'), ('C4', false, 'C'), ('C5', false, 'C'), ('C6', false, null), "
            "('C7', false, 'B'), ('C8', false, 'A')) as t (customer_id, has_purchased, abc_class)"
        )
    return path


def test_a_failing_test_names_its_first_rows(tmp_path: Path) -> None:
    # GIVEN a test whose query returns the customers with a tier they should not have
    node = SimpleNamespace(compiled_code=COVERAGE + " order by customer_id")
    # WHEN its failing rows are read THEN the first three are named with what is wrong
    assert failing_rows(warehouse(tmp_path), node) == (
        "; e.g. tier_key=C4, problem=value outside the base population; "
        "tier_key=C5, problem=value outside the base population; "
        "tier_key=C7, problem=value outside the base population"
    )


def test_nothing_is_added_without_rows_or_a_readable_query(tmp_path: Path) -> None:
    path = warehouse(tmp_path)
    # WHEN the query returns nothing, cannot run here, or the warehouse is not a DuckDB file
    empty = SimpleNamespace(compiled_code=COVERAGE + " and false")
    broken = SimpleNamespace(compiled_code="select * from spark_only_table")
    # THEN the message is dbt's alone
    assert failing_rows(path, empty) == ""
    assert failing_rows(path, broken) == ""
    assert failing_rows(tmp_path / "missing.duckdb", empty) == ""

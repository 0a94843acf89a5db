"""The project's generic data tests return exactly the rows that break their rule:
tier_coverage (one accepted tier per customer of the population, none outside
it, one row per key), primary_key (unique, never null; composite keys too) and
share_within_tolerance (the share expected is at most the eligible rows')."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from segments.engines.dbt import compile_inline

SPLIT = "-- next test --"


@pytest.fixture(scope="module")
def failures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[tuple]]:
    # GIVEN a scheme column with one row of each kind of problem, and keys with
    # duplicates and nulls
    con = duckdb.connect()
    con.execute(
        "create table segments as select * from (values "
        "('c1', true, 'A'), ('c2', true, null), ('c3', false, 'B'), ('c4', true, 'Z'), "
        "('c5', true, 'A'), ('c5', true, 'B'), ('c6', false, null), ('c7', true, 'it''s')"
        ") as t(customer_id, has_purchased, tier)"
    )
    con.execute(
        "create table lines as select * from (values "
        "('o1', 1), ('o1', 2), ('o2', 1), ('o2', 1), ('o3', null), (null, 1)"
        ") as t(order_id, line_number)"
    )
    # and 200 accounts: 10 key accounts, 150 with revenue
    con.execute(
        "create table accounts as select i <= 10 as is_key, i <= 150 as has_revenue "
        "from range(1, 201) as t(i)"
    )
    # WHEN the generic tests run on them
    calls = [
        "customer_classification.test_tier_coverage('segments', 'tier', ['A', 'B', \"it's\"], "
        "'customer_id', 'has_purchased')",
        "customer_classification.test_primary_key('lines', columns=['order_id', 'line_number'])",
        "customer_classification.test_primary_key('lines', 'order_id')",
        "customer_classification.default__test_primary_key("
        "'lines', none, ['order_id', 'line_number'])",
        "customer_classification.default__test_primary_key('lines', 'order_id', none)",
        "customer_classification.test_share_within_tolerance('accounts', 'is_key', 0.05, "
        "eligible='has_revenue')",
        "customer_classification.test_share_within_tolerance('accounts', 'false', 0.05, "
        "eligible='false')",
        "customer_classification.test_share_within_tolerance('accounts', 'false', 0.05, "
        "eligible='has_revenue')",
    ]
    database = tmp_path_factory.mktemp("generic") / "generic.duckdb"
    sql = compile_inline(
        f"\n{SPLIT}\n".join("{{ " + call + " }}" for call in calls), Path(database), target="ci"
    )
    names = [
        "tier_coverage",
        "composite_key",
        "column_key",
        "portable_composite_key",
        "portable_column_key",
        "share_met",
        "share_of_nobody_eligible",
        "share_missed",
    ]
    return {
        name: set(con.execute(query).fetchall())
        for name, query in zip(names, sql.split(SPLIT), strict=True)
    }


def test_tier_coverage_names_each_problem(failures: dict[str, set[tuple]]) -> None:
    # THEN each broken row is returned with its problem, and nothing else
    assert failures["tier_coverage"] == {
        ("c2", "no value"),
        ("c3", "value outside the base population"),
        ("c4", "value not accepted"),
        ("c5", "key appears 2 times"),
    }


def test_primary_key_finds_repeats_and_nulls(failures: dict[str, set[tuple]]) -> None:
    # THEN a repeated key or a key with a null part fails, a composite key by its parts
    assert failures["composite_key"] == {("o2", 1, 2), ("o3", None, 1), (None, 1, 1)}
    assert failures["column_key"] == {("o1", 2), ("o2", 2), (None, 1)}
    # and the DuckDB version (hash first) finds exactly what the portable one finds
    assert failures["portable_composite_key"] == failures["composite_key"]
    assert failures["portable_column_key"] == failures["column_key"]


def test_share_within_tolerance_expects_at_most_the_eligible_share(
    failures: dict[str, set[tuple]],
) -> None:
    # THEN 10 key accounts of 200 meet 5%; none is right when nobody is eligible
    assert failures["share_met"] == set()
    assert failures["share_of_nobody_eligible"] == set()
    # AND none among 150 eligible fails, reporting population, matches and shares
    assert failures["share_missed"] == {(200, 0, 0.0, 0.05)}

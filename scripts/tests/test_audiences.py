"""Audiences are configuration: the audience_definitions seed's target conditions
hold for every member and leave no one out, a marketer's edit to the seed changes the
audiences with no SQL edit, and a bad target fails the build naming the audience. The
rules themselves are pinned by the unit tests of int_audience_signals and audiences."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from segments.core import project
from segments.core.errors import SegmentsError
from segments.pipeline import build
from tests.conftest import DemoWarehouse

FIELDS = [
    "audience",
    "rule",
    "days",
    "window_days",
    "min_count",
    "min_probability_alive",
    "target",
    "is_active",
    "description",
]


def write_definitions(project_root: Path, rows: list[dict[str, str]]) -> None:
    with (project_root / "seeds" / "audience_definitions.csv").open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows({"description": "test audience", "is_active": "true", **r} for r in rows)


def rebuild(warehouse: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    build.build(
        build.BuildOptions(
            copy, "ci", None, project.column_mapping(), {}, select=["audience_definitions+"]
        )
    )
    return copy


def members(warehouse: Path, audience: str) -> set[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select customer_id from marts.audiences where audience = ?", [audience]
        ).fetchall()
        return {customer_id for (customer_id,) in rows}


def matching(warehouse: Path, condition: str) -> set[str]:
    """The customers of the marts for whom `condition` holds, by plain SQL."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select customer_id from marts.customer_segments as segments "
            "inner join marts.customers as customers using (customer_id, as_of_date) "
            f"where {condition}"
        ).fetchall()
        return {customer_id for (customer_id,) in rows}


def test_a_shipped_target_holds_for_every_member_and_misses_no_one(
    demo_warehouse: DemoWarehouse,
) -> None:
    # GIVEN the shipped targeting audience (iOS users among the RFM Champions)
    got = members(demo_warehouse.path, "ios_champions")
    # THEN its members are exactly the customers the condition finds
    assert got == matching(
        demo_warehouse.path,
        "customers.preferred_device = 'ios' and segments.rfm_segment = 'Champions'",
    )
    assert len(got) > 5


def test_win_back_holds_no_one_time_buyer_and_follows_its_rule(
    demo_warehouse: DemoWarehouse,
) -> None:
    """BG/NBD gives every customer without a repeat purchase a probability alive of 1.0
    (its prior): a win-back rule on that probability alone selects long-gone one-time
    buyers. The shipped audience asks for a repeat purchase and a lifecycle not churned."""
    # GIVEN the demo build's win_back members
    got = members(demo_warehouse.path, "win_back")
    with duckdb.connect(str(demo_warehouse.path), read_only=True) as con:
        one_time = con.execute(
            "select count(*) from marts.customer_clv as clv inner join marts.customers "
            "using (customer_id, as_of_date) where clv.repeat_transactions = 0 "
            "and customers.days_since_last_order >= 120"
        ).fetchone()[0]
    # THEN they are exactly the repeat buyers the rule describes, computed by plain SQL
    assert got == matching(
        demo_warehouse.path,
        "customer_id in (select customer_id from marts.customer_clv as clv "
        "where clv.repeat_transactions >= 1 and clv.probability_alive >= 0.5) "
        "and customers.days_since_last_order >= 120 and segments.lifecycle_stage <> 'churned'",
    )
    # AND the one-time buyers silent as long (probability alive 1.0, every one) are out,
    # though there are many of them
    assert one_time > len(got) > 5


def test_editing_the_seed_changes_the_audiences(
    demo_warehouse: DemoWarehouse, project_copy: Path, tmp_path: Path
) -> None:
    # GIVEN the definitions replaced by a marketer's own: a target added to a behaviour,
    # a new targeting audience, a disabled one
    write_definitions(
        project_copy,
        [
            {
                "audience": "web_win_back",
                "rule": "win_back",
                "days": "120",
                "min_count": "1",
                "min_probability_alive": "0.5",
                "target": "preferred_device = 'web' and lifecycle_stage <> 'churned'",
            },
            {
                "audience": "europe_top",
                "rule": "targeting",
                "target": "sales_region = 'Europe' and value_tier in ('VIP', 'large')",
            },
            {"audience": "paused", "rule": "targeting", "is_active": "false"},
        ],
    )
    # WHEN the seed's dependants are rebuilt
    rebuilt = rebuild(demo_warehouse.path, tmp_path)
    # THEN the audiences are the new ones, each narrowed by its target
    with duckdb.connect(str(rebuilt), read_only=True) as con:
        rows = con.execute("select distinct audience from marts.audiences").fetchall()
    names = {name for (name,) in rows}
    assert names == {"web_win_back", "europe_top"}
    assert members(rebuilt, "europe_top") == matching(
        rebuilt, "segments.sales_region = 'Europe' and segments.value_tier in ('VIP', 'large')"
    )
    win_back = members(demo_warehouse.path, "win_back")
    assert members(rebuilt, "web_win_back") == win_back & matching(
        rebuilt, "customers.preferred_device = 'web'"
    )
    assert 0 < len(members(rebuilt, "web_win_back")) < len(win_back)


def test_a_target_on_hashed_pii_fails_the_build_naming_the_audience(
    demo_warehouse: DemoWarehouse, project_copy: Path, tmp_path: Path
) -> None:
    # GIVEN a target that reads a hashed email (the checker's other refusals, shared with
    # the custom categories, are pinned by tests/macros/assert_custom_category_rules.sql)
    target, message = "email_hash = 'x'", "unknown column 'email_hash'"
    write_definitions(project_copy, [{"audience": "broken", "rule": "targeting", "target": target}])
    with pytest.raises(SegmentsError) as failure:
        rebuild(demo_warehouse.path, tmp_path)
    assert "audience 'broken'" in str(failure.value) and message in str(failure.value)

"""Custom categories are configuration: editing the custom_category_rules seed and
rebuilding changes customer_segments.custom_category with no SQL edit, and a bad rule
fails the build with a message naming it.

The operators, the priority order and every refused condition are pinned by the dbt
test tests/macros/assert_custom_category_rules.sql; here the seed is edited in a copy
of the project and rebuilt, as a user would.
"""

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

RULES_FIELDS = ["category", "priority", "condition", "is_active", "description"]


def write_rules(project_root: Path, rules: list[dict[str, str]]) -> None:
    with (project_root / "seeds" / "custom_category_rules.csv").open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=RULES_FIELDS)
        writer.writeheader()
        writer.writerows(
            {"description": "test rule", "is_active": "true", **rule} for rule in rules
        )


def rebuild(warehouse: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    build.build(
        build.BuildOptions(
            copy, "ci", None, project.column_mapping(), {}, select=["custom_category_rules+"]
        )
    )
    return copy


def categories(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select customer_id, custom_category from marts.customer_segments")
        return dict(rows.fetchall())


def expected(warehouse: Path, rules: list[tuple[str, str]]) -> dict[str, str]:
    """The category of every customer by the rules in order, computed by plain SQL."""
    cases = " ".join(f"when {condition} then '{category}'" for category, condition in rules)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            f"select customer_id, case {cases} else 'none' end from marts.customer_segments"
        )
        return dict(rows.fetchall())


def test_editing_the_seed_changes_the_categories(
    demo_warehouse: DemoWarehouse, project_copy: Path, tmp_path: Path
) -> None:
    # GIVEN the shipped rules with one deleted, one disabled, one edited and two added, the
    # rows out of priority order in the file, two of them overlapping at one priority
    champions = "rfm_segment = 'Champions' and lifecycle_stage = 'loyal'"
    big_and_loyal = "lifecycle_stage = 'loyal' and value_tier in ('VIP', 'large')"
    quiet = "value_tier in ('VIP', 'large') and lifecycle_stage in ('at_risk')"
    write_rules(
        project_copy,
        [
            {"category": "valuable_going_quiet", "priority": "10", "condition": quiet},
            {
                "category": "key_account_paying_late",
                "priority": "20",
                "condition": "is_key_account and credit_rating in ('C', 'D')",
                "is_active": "false",
            },
            {"category": "champions_to_thank", "priority": "5", "condition": champions},
            {"category": "big_and_loyal", "priority": "5", "condition": big_and_loyal},
        ],
    )
    # WHEN the rules' dependants are rebuilt
    rebuilt = rebuild(demo_warehouse.path, tmp_path)
    # THEN each customer has the category of the first active rule that holds, by priority
    # and then by name, whatever the order of the file's rows
    got = categories(rebuilt)
    in_order = [
        ("big_and_loyal", big_and_loyal),
        ("champions_to_thank", champions),
        ("valuable_going_quiet", quiet),
    ]
    assert got == expected(rebuilt, in_order)
    counts = {category: list(got.values()).count(category) for category in set(got.values())}
    assert counts.get("big_and_loyal", 0) > 0, counts
    assert counts.get("champions_to_thank", 0) > 0, counts
    assert counts.get("valuable_going_quiet", 0) > 0, counts
    assert "key_account_paying_late" not in counts and "b2b_growth_account" not in counts
    # AND the order mattered: some customers meet both rules of priority 5
    both = expected(rebuilt, [("both", f"({champions}) and ({big_and_loyal})")])
    assert "both" in both.values()
    # AND the shipped categories were there before the edit
    assert {"vip_going_quiet", "key_account_paying_late", "b2b_growth_account"} & set(
        categories(demo_warehouse.path).values()
    )


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("lifetime_spend > 100", "unknown column 'lifetime_spend'"),
        ("value_tier = 'VIP' or 1 = 1; drop table marts.customers", "only column names"),
        ("email_hash = 'x'", "unknown column 'email_hash'"),
    ],
)
def test_a_bad_rule_fails_the_build_naming_the_rule(
    demo_warehouse: DemoWarehouse,
    project_copy: Path,
    tmp_path: Path,
    condition: str,
    message: str,
) -> None:
    # GIVEN a rule that names an unknown column, smuggles SQL in, or reads hashed PII
    write_rules(
        project_copy,
        [{"category": "broken_rule", "priority": "1", "condition": condition, "is_active": "true"}],
    )
    # WHEN the build runs THEN it fails naming the rule and the problem, nothing replaced
    with pytest.raises(SegmentsError) as failure:
        rebuild(demo_warehouse.path, tmp_path)
    assert "rule 'broken_rule' (priority 1)" in str(failure.value)
    assert message in str(failure.value)

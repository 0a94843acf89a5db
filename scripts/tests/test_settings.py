"""Settings checked before dbt runs (issue 24): a var outside its range, vars
that contradict each other, a configuration seed row that breaks its _seeds.yml tests,
and a custom-category or audience condition that fails when it runs are refused at once
(exit 1, nothing built), naming the var or the seed row, the value and what is valid."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from segments import cli
from segments.core import project, settings
from tests.reliability import TALLY

# A refusal comes before dbt: well under the time of a dbt parse.
BEFORE_DBT_SECONDS = 5


def build(raw_dir: Path, *options: str) -> int:
    return cli.main(["build", "--raw-dir", str(raw_dir), "--target", "ci", *options])


@pytest.mark.parametrize(
    ("given", "message"),
    [
        pytest.param(
            "{key_account_share: 2}",
            "var key_account_share (--vars): 2 is out of range; valid: a number above 0 and at "
            "most 1",
            id="share-above-one",
        ),
        pytest.param(
            "{rfm_bins: 0}",
            "var rfm_bins (--vars): 0 is out of range; valid: a whole number at least 2 and at "
            "most 10",
            id="no-rfm-bins",
        ),
        pytest.param(
            "{rfm_bins: 4.5}", "var rfm_bins (--vars): 4.5 is not a whole number", id="half-bin"
        ),
        pytest.param(
            "{as_of_date: 2025-02-30}",
            "var as_of_date (--vars): '2025-02-30' is not a date; valid: a date like 2025-06-30",
            id="impossible-date",
        ),
        pytest.param("{scoring_window_days: '365'}", "'365' is not a number", id="number-as-text"),
        pytest.param(
            "{abc_a_cut: 0.96}",
            "vars abc_a_cut = 0.96, abc_b_cut = 0.95: abc_a_cut must be below abc_b_cut",
            id="cuts-crossed",
        ),
        pytest.param(
            "{max_order_amount: 1000000000}",
            "var max_order_amount (--vars): 1000000000 is out of range",
            id="beyond-the-decimals",
        ),
        pytest.param(
            "{date_formats: ['%H:%M']}",
            "var date_formats (--vars): ['%H:%M'] holds an entry",
            id="no-date",
        ),
        pytest.param(
            "{value_limits: {orders: {amount: 0}}}",
            "has no limit above 0 for orders.amount",
            id="zero-limit",
        ),
        pytest.param(
            "{value_limits: {orders: {amout: 5}}}",
            "var value_limits: orders has no number 'amout'; did you mean 'amount'?",
            id="limit-typo",
        ),
        pytest.param(
            "{history_period: fortnight}",
            "var history_period (--vars): 'fortnight' is not one of the choices; valid: one of "
            "week",
            id="unknown-period",
        ),
    ],
)
def test_a_var_out_of_range_is_refused_before_dbt_runs(
    orders_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    given: str,
    message: str,
) -> None:
    # GIVEN a var set to a value it cannot mean
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    # WHEN built THEN it fails at once with exit 1, naming the var and what is valid
    started = time.perf_counter()
    assert build(orders_dir, "--vars", given) == 1
    assert time.perf_counter() - started < BEFORE_DBT_SECONDS
    assert message in capsys.readouterr().err
    assert not warehouse.exists()
    TALLY.settings_refused += 1


def test_every_var_of_dbt_project_has_a_rule_and_the_defaults_pass() -> None:
    # GIVEN the vars of dbt_project.yml WHEN checked THEN each has a rule, and all hold
    assert settings.undefined(project.project_vars()) == []
    assert sorted(set(settings.VARS) - set(project.project_vars())) == []
    assert settings.check_vars({}) == {}


def test_a_limit_given_on_the_command_line_keeps_the_other_limits() -> None:
    # WHEN one limit is overridden THEN the others are the defaults
    checked = settings.check_vars({"value_limits": {"orders": {"amount": 5e12}}})
    limits = checked["value_limits"]
    assert limits["orders"]["amount"] == 5e12
    assert (
        limits["orders"]["returned_amount"]
        == project.project_vars()["value_limits"]["orders"]["returned_amount"]
    )
    assert limits["order_items"] == project.project_vars()["value_limits"]["order_items"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("seed", "old", "new", "message"),
    [
        pytest.param(
            "audience_definitions",
            "viewed_often,viewed_often,7,,3,",
            "viewed_often,viewed_often,7,,,",
            "seeds/audience_definitions.csv line 4 (audience = 'viewed_often', rule = "
            "'viewed_often', days = 7, window_days = None, min_count = None",
            id="blank-audience-threshold",
        ),
        pytest.param(
            "audience_definitions",
            "win_back,win_back,120,,1,0.5,",
            "win_back,win_back,120,,1,1.5,",
            "must hold: days >= 1 and min_count >= 1 and min_probability_alive between 0 and 1 "
            "where is_active "
            "and rule = 'win_back'",
            id="probability-above-one",
        ),
        pytest.param(
            "audience_definitions",
            "cart_abandoned,cart_abandoned,",
            "../../escaped,cart_abandoned,",
            "seeds/audience_definitions.csv line 2 (audience = '../../escaped'",
            id="audience-name-a-path",
        ),
        pytest.param(
            "audience_definitions",
            "cart_abandoned,cart_abandoned,",
            "Cart Abandoned,cart_abandoned,",
            "must hold: length(audience) <= 63 and regexp_replace(audience",
            id="audience-name-not-an-identifier",
        ),
        pytest.param(
            "audience_definitions",
            "cart_abandoned,cart_abandoned,",
            "key_accounts,cart_abandoned,",
            "seeds/audience_definitions.csv line 2 (audience = 'key_accounts'",
            id="audience-name-of-the-key-account-list",
        ),
        pytest.param(
            "composite_weights",
            "window_revenue,financial,0.25,",
            "window_revenue,financial,2,",
            "seeds/composite_weights.csv line 2 (indicator = 'window_revenue', indicator_group = "
            "'financial', weight = 2.0",
            id="weight-above-one",
        ),
        pytest.param(
            "value_tiers",
            "medium,3,0.60,0.90",
            "medium,3,0.90,0.60",
            "must hold: lower_percentile < upper_percentile",
            id="tier-bounds-crossed",
        ),
        pytest.param(
            "service_policies",
            "B,1:2,2,2,",
            "B,1:2,0,2,",
            "customers_per_rep_min is out of range; valid: at least 1",
            id="no-customers-per-rep",
        ),
        pytest.param(
            "custom_category_rules",
            "\"value_tier = 'VIP' and lifecycle_stage in ('at_risk', 'churned')\"",
            "\"first_order_date > 'soon'\"",
            "seeds/custom_category_rules.csv line 2: the condition of category 'vip_going_quiet' "
            "fails when it runs: Conversion Error",
            id="custom-rule-fails-at-run-time",
        ),
        pytest.param(
            "audience_definitions",
            "preferred_device = 'ios' and rfm_segment = 'Champions'",
            "recency_days > 'recent'",
            "the target of audience 'ios_champions' fails when it runs",
            id="audience-target-fails-at-run-time",
        ),
    ],
)
def test_a_seed_row_breaking_its_rule_is_refused_before_dbt_runs(
    orders_dir: Path,
    project_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    seed: str,
    old: str,
    new: str,
    message: str,
) -> None:
    # GIVEN a configuration seed with one row its _seeds.yml tests refuse
    edit(project_copy / "seeds" / f"{seed}.csv", old, new)
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    # WHEN built THEN it fails at once with exit 1, naming the file, the line and the rule
    started = time.perf_counter()
    assert build(orders_dir) == 1
    assert time.perf_counter() - started < BEFORE_DBT_SECONDS
    assert message in capsys.readouterr().err
    assert not warehouse.exists()
    TALLY.settings_refused += 1

"""Every var of dbt_project.yml checked before dbt runs.

A var given a value it cannot mean (`key_account_share: 2`, `rfm_bins: 0`, an
`as_of_date` of `2025-02-30`) would otherwise make dbt run half a build and
fail on a test name, or worse, succeed: 62% of the buyers key accounts. Each
var has a rule here (its kind and valid range); `check_vars` applies them to
the vars a run sees (dbt_project.yml, then `--vars` and `--as-of`) and to the
pairs that must agree, and fails with the var, the value and what is valid.
A test keeps VARS and dbt_project.yml's vars the same set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from segments.core import project, raw_schema
from segments.core.errors import SegmentsError

ORDER_STATUSES = ("completed", "cancelled", "returned", "refund")
HISTORY_PERIODS = ("week", "month", "quarter", "year")
# A converted amount is a decimal(18, 10) product: it holds up to 9.2e8.
LARGEST_CONVERTIBLE = 100_000_000
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CURRENCY = re.compile(r"[A-Z]{3}")


class SettingError(SegmentsError):
    """A var outside its valid range."""


@dataclass(frozen=True)
class Number:
    """A number in [low, high] (either bound optional; `above`: strictly above low)."""

    low: float | None = None
    high: float | None = None
    integer: bool = False
    above: bool = False
    nullable: bool = False

    def problem(self, value: Any) -> str | None:
        if value is None:
            return None if self.nullable else "must be given"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "is not a number"
        if self.integer and value != int(value):
            return "is not a whole number"
        if value != value or value in (float("inf"), float("-inf")):
            return "is not a finite number"
        if self.low is not None and (value <= self.low if self.above else value < self.low):
            return "is out of range"
        if self.high is not None and value > self.high:
            return "is out of range"
        return None

    def valid(self) -> str:
        kind = "a whole number" if self.integer else "a number"
        bounds = []
        if self.low is not None:
            bounds.append(f"{'above' if self.above else 'at least'} {self.low:g}")
        if self.high is not None:
            bounds.append(f"at most {self.high:g}")
        blank = ", or null" if self.nullable else ""
        return f"{kind} {' and '.join(bounds)}{blank}".replace("  ", " ").strip()


@dataclass(frozen=True)
class Day:
    """A calendar date (YYYY-MM-DD)."""

    nullable: bool = False

    def problem(self, value: Any) -> str | None:
        if value is None:
            return None if self.nullable else "must be given"
        if isinstance(value, datetime):
            return "is not a date"
        if isinstance(value, date):
            return None
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return "is not a date"
        return None

    def valid(self) -> str:
        return "a date like 2025-06-30" + (", or null" if self.nullable else "")


@dataclass(frozen=True)
class Instant:
    """A timestamp (ISO 8601), or null."""

    def problem(self, value: Any) -> str | None:
        if value is None or isinstance(value, (date, datetime)):
            return None
        try:
            datetime.fromisoformat(str(value))
        except ValueError:
            return "is not a timestamp"
        return None

    def valid(self) -> str:
        return "a timestamp like 2025-12-31 23:59:59, or null"


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]

    def problem(self, value: Any) -> str | None:
        return None if value in self.values else "is not one of the choices"

    def valid(self) -> str:
        return "one of " + ", ".join(self.values)


@dataclass(frozen=True)
class Text:
    """Text, not blank; optionally matching `pattern` (described by `shape`)."""

    pattern: re.Pattern[str] | None = None
    shape: str = "text, not blank"

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return "is not text" if not isinstance(value, str) else "is blank"
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return "has the wrong form"
        return None

    def valid(self) -> str:
        return self.shape


@dataclass(frozen=True)
class Flag:
    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, bool) else "is not true or false"

    def valid(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class Texts:
    """A list of non-blank texts (`least`: at least that many; `check`: each one's form)."""

    least: int = 0
    check: Callable[[str], bool] | None = None
    shape: str = "texts"

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return "is not a list of texts"
        if len(value) < self.least:
            return "is too short"
        if self.check is not None and not all(self.check(v) for v in value):
            return "holds an entry of the wrong form"
        return None

    def valid(self) -> str:
        least = f"at least {self.least} " if self.least else ""
        return f"a list of {least}{self.shape}"


@dataclass(frozen=True)
class Dates:
    """A list of dates (history_periods, which `segments backfill` sets)."""

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return "is not a list"
        return next((p for item in value if (p := Day().problem(item))), None)

    def valid(self) -> str:
        return "a list of dates like 2025-06-01"


@dataclass(frozen=True)
class Shaped:
    """A value checked by a function returning its problem (mappings)."""

    check: Callable[[Any], str | None]
    shape: str

    def problem(self, value: Any) -> str | None:
        return self.check(value)

    def valid(self) -> str:
        return self.shape


def _value_limits(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        return "is not a mapping of table -> {column: limit}"
    for name, limits in value.items():
        project.check_key(str(name), raw_schema.TABLES_BY_NAME, "var value_limits: unknown table")
        for column in limits:
            columns = raw_schema.table(name).number_columns
            project.check_key(str(column), columns, f"var value_limits: {name} has no number")
    for table in raw_schema.TABLES:
        limits = value.get(table.name) or {}
        for column in table.number_columns:
            limit = limits.get(column)
            if Number(0, above=True).problem(limit):
                return f"has no limit above 0 for {table.name}.{column} (got {limit!r})"
    return None


def _status_aliases(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "is not a mapping"
    wrong = [f"{k}: {v}" for k, v in value.items() if v not in ORDER_STATUSES]
    return f"maps onto no status: {', '.join(wrong)}" if wrong else None


def _raw_columns(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        return "is not a mapping of table -> {project column: your column}"
    project.check_mapping(value, "var raw_columns")
    return None


def _is_date_format(text: str) -> bool:
    """A strptime format that reads a year, a month and a day."""
    parts = (("%Y", "%y"), ("%m", "%b", "%B"), ("%d",))
    return all(any(part in text for part in options) for options in parts)


SHARE = Number(0, 1, above=True)
PROBABILITY = Number(0, 1)
DAYS = Number(1, integer=True)
VARS: dict[str, Any] = {
    "raw_schema": Text(IDENTIFIER, "an identifier like raw"),
    "raw_columns": Shaped(_raw_columns, "a mapping of table -> {project column: your column}"),
    "source_warn_after_days": DAYS,
    "source_error_after_days": DAYS,
    "reporting_currency": Text(CURRENCY, "an ISO 4217 code like USD"),
    "test_account_email_patterns": Texts(shape="LIKE patterns"),
    "test_account_name_patterns": Texts(shape="LIKE patterns"),
    "quarantine_zero_amount_orders": Flag(),
    "max_order_amount": Number(0, LARGEST_CONVERTIBLE, above=True),
    "max_line_to_order_ratio": Number(1),
    "value_limits": Shaped(_value_limits, "a limit above 0 for every raw number column"),
    "date_formats": Texts(check=_is_date_format, shape="strptime formats like %d.%m.%Y"),
    "future_date_cutoff": Instant(),
    "earliest_date": Day(),
    "earliest_birth_date": Day(),
    "order_status_aliases": Shaped(_status_aliases, "a mapping onto " + ", ".join(ORDER_STATUSES)),
    "history_period": Choice(HISTORY_PERIODS),
    "history_periods": Dates(),
    "fact_lookback_days": Number(0, integer=True),
    "as_of_date": Day(nullable=True),
    "days_per_year": Number(360, 367),
    "days_per_year_for_age": Number(360, 367),
    "default_cost_ratio": Number(0, 1),
    "rfm_bins": Number(2, 10, integer=True),
    "rfm_lookback_days": Number(1, integer=True, nullable=True),
    "clv_time_unit_days": DAYS,
    "clv_horizon_periods": DAYS,
    "clv_annual_discount_rate": Number(0, 1),
    "clv_profit_margin": Number(0, 1, above=True),
    "churn_horizon_days": DAYS,
    "next_order_min_probability_alive": PROBABILITY,
    "clv_holdout_days": Number(0, integer=True),
    "clv_backtest_min_customers": Number(1, integer=True),
    "clv_backtest_min_holdout_buyers": Number(1, integer=True),
    "clv_backtest_min_holdout_non_buyers": Number(1, integer=True),
    "clv_backtest_bias_min": Number(0, above=True),
    "clv_backtest_bias_max": Number(0, above=True),
    "cost_per_return": Number(0),
    "cost_per_ticket": Number(0),
    "scoring_window_days": DAYS,
    "abc_a_cut": SHARE,
    "abc_b_cut": SHARE,
    "key_account_share": SHARE,
    "mvc_top_share": SHARE,
    "mgc_top_share": SHARE,
    "composite_high_threshold": PROBABILITY,
    "composite_mid_threshold": PROBABILITY,
    "composite_missing_indicator_value": PROBABILITY,
    "share_of_wallet_high_threshold": Number(0, above=True),
    "upcoming_volume_large_percentile": PROBABILITY,
    "rising_star_scheme": Text(IDENTIFIER, "a scheme of the history, like abc_class"),
    "rising_star_from_tiers": Texts(least=1, shape="tiers"),
    "rising_star_to_tiers": Texts(least=1, shape="tiers"),
    "cluster_k_min": Number(2, integer=True),
    "cluster_k_max": Number(2, 20, integer=True),
    "cluster_sample_size": Number(100, integer=True),
    "cluster_silhouette_sample_size": Number(100, integer=True),
    "cluster_seed": Number(0, integer=True),
    "custom_category_default": Text(),
    "lifecycle_new_days": DAYS,
    "lifecycle_active_days": DAYS,
    "lifecycle_churn_days": DAYS,
    "lifecycle_at_risk_rhythm_multiple": Number(1),
    "lifecycle_churn_rhythm_multiple": Number(1),
    "lifecycle_at_risk_min_days": DAYS,
    "lifecycle_loyal_min_orders": Number(2, integer=True),
}

# Vars that must agree: (the vars, the rule in words, the check).
PAIRS: tuple[tuple[tuple[str, ...], str, Callable[..., bool]], ...] = (
    (("abc_a_cut", "abc_b_cut"), "abc_a_cut must be below abc_b_cut", lambda a, b: a < b),
    (
        ("clv_backtest_bias_min", "clv_backtest_bias_max"),
        "clv_backtest_bias_min must be below clv_backtest_bias_max",
        lambda low, high: low < high,
    ),
    (
        ("composite_mid_threshold", "composite_high_threshold"),
        "composite_mid_threshold must be below composite_high_threshold",
        lambda mid, high: mid < high,
    ),
    (
        ("source_warn_after_days", "source_error_after_days"),
        "source_warn_after_days must be at most source_error_after_days",
        lambda warn, error: warn <= error,
    ),
    (
        ("lifecycle_new_days", "lifecycle_active_days", "lifecycle_churn_days"),
        "lifecycle_new_days <= lifecycle_active_days < lifecycle_churn_days",
        lambda new, active, churn: new <= active < churn,
    ),
    (
        ("lifecycle_at_risk_rhythm_multiple", "lifecycle_churn_rhythm_multiple"),
        "lifecycle_at_risk_rhythm_multiple must be below lifecycle_churn_rhythm_multiple",
        lambda at_risk, churn: at_risk < churn,
    ),
    (
        ("cluster_k_min", "cluster_k_max"),
        "cluster_k_min must be at most cluster_k_max",
        lambda low, high: low <= high,
    ),
)


def check_vars(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check the vars a run sees; `overrides` with dates as text (for dbt's --vars JSON).

    Raises SettingError naming the var, its value and what is valid.
    """
    overrides = {key: _as_text(value) for key, value in (overrides or {}).items()}
    if isinstance(overrides.get("value_limits"), dict):
        # A limit given on the command line changes that limit; the others stay.
        defaults = project.project_vars()["value_limits"]
        overrides["value_limits"] = {
            table: {**defaults.get(table, {}), **(overrides["value_limits"].get(table) or {})}
            for table in {*defaults, *overrides["value_limits"]}
        }
    values = project.effective_vars(overrides)
    for name, value in values.items():
        rule = VARS.get(name)
        if rule is None:  # unknown --vars keys are refused by commands.common.parse_vars
            continue
        problem = rule.problem(value)
        if problem:
            where = "--vars" if name in overrides else "dbt_project.yml"
            raise SettingError(f"var {name} ({where}): {value!r} {problem}; valid: {rule.valid()}")
    for names, rule_text, holds in PAIRS:
        if not holds(*(values[name] for name in names)):
            shown = ", ".join(f"{name} = {values[name]!r}" for name in names)
            raise SettingError(f"vars {shown}: {rule_text}")
    return overrides


def _as_text(value: Any) -> Any:
    """Dates and timestamps (YAML reads `2025-06-30` as a date) as ISO text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value


def undefined(names: Iterable[str]) -> list[str]:
    """The names without a rule (a test keeps this empty for dbt_project.yml's vars)."""
    return [name for name in names if name not in VARS]

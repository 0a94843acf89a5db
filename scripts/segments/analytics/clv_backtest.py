"""The holdout backtest of the CLV models, as the dbt Python models use it.

The calibration fit is `clv_model.fit_parameters` on the inputs as of the
calibration end (the same code and definitions as the main fit); the holdout
predictions are `clv_model.predict` over the holdout's length, undiscounted,
so `predicted_clv` is Gamma-Gamma value x expected purchases and
`churn_probability` (over the holdout's days) P(no purchase in the holdout). This module adds
what a backtest needs around them: the status of each as-of date (off, not
enough data, not fitted, evaluated), the naive baseline, the churn
probability over the holdout and the tracking curve. The figures are compared
in SQL (clv_backtest, clv_backtest_summary); docs: the clv_backtest_method
doc block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from segments.analytics import clv
from segments.analytics.clv_model import (
    NOT_FITTED,
    ChurnConfig,
    ClvConfig,
    bgnbd_from_row,
    fit_parameters,
    predict,
)
from segments.analytics.per_date import per_as_of_date
from segments.core.errors import SegmentsError

EVALUATED = "evaluated"
# The calibration row of a date without customers (only the columns of an empty result).
NO_FIT = pd.Series({"status": "no customers", "time_unit_days": 1.0, "holdout_days": 1})


@dataclass(frozen=True)
class BacktestConfig:
    holdout_days: int = 182
    min_customers: int = 100
    min_holdout_buyers: int = 10
    min_holdout_non_buyers: int = 10

    @classmethod
    def from_config(cls, **values: object) -> BacktestConfig:
        """From the model's config values (vars arrive as text); a missing one is an error."""
        names = ("holdout_days", "min_customers", "min_holdout_buyers", "min_holdout_non_buyers")
        missing = sorted(name for name in names if values.get(name) in (None, ""))
        if missing:
            raise SegmentsError(f"CLV backtest config values missing: {', '.join(missing)}")
        config = cls(**{name: int(float(values[name])) for name in names})
        if config.holdout_days < 0:
            raise SegmentsError(f"clv_holdout_days must be >= 0, got {config.holdout_days}")
        return config


def holdout_config(parameters: pd.Series) -> ClvConfig:
    """The main fit's configuration predicting the holdout: its length, no discount, revenue.

    Read from the calibration fit's row (its time unit and holdout days), so the
    predictions and the tracking curve use exactly what the fit used.
    """
    unit = float(parameters["time_unit_days"])
    periods = max(float(parameters["holdout_days"]), 1.0) / unit
    return ClvConfig(unit, horizon_periods=periods, annual_discount_rate=0.0, profit_margin=1.0)


def _status(rows: pd.DataFrame, backtest: BacktestConfig) -> str | None:
    """Why a date's backtest cannot run (None: it can)."""
    if backtest.holdout_days == 0:
        return "off: clv_holdout_days is 0"
    customers = len(rows)
    buyers = int((rows["holdout_purchases"] > 0).sum())
    limits = (
        (customers, backtest.min_customers, "customer(s) bought in the calibration period",
         "clv_backtest_min_customers"),
        (buyers, backtest.min_holdout_buyers, "of them bought in the holdout",
         "clv_backtest_min_holdout_buyers"),
        (customers - buyers, backtest.min_holdout_non_buyers, "of them did not buy in the holdout",
         "clv_backtest_min_holdout_non_buyers"),
    )  # fmt: skip
    for count, minimum, what, var in limits:
        if count < minimum:
            return f"not enough data: {count} {what}, fewer than {var} ({minimum})"
    return None


def fit_calibration(
    rows: pd.DataFrame,
    as_of_date: date,
    calibration_end_date: date,
    config: ClvConfig,
    backtest: BacktestConfig,
) -> pd.DataFrame:
    """One row: the calibration fit of one as-of date with the backtest's status."""
    blocked = _status(rows, backtest)
    fitted = fit_parameters(rows if blocked is None else rows.iloc[0:0], as_of_date, config)
    fitted["customers"] = len(rows)
    if blocked is not None:
        fitted[["bgnbd_status", "gamma_gamma_status"]] = "not run (see status)"
        status = blocked
    elif fitted.at[0, "bgnbd_status"] != "fitted":
        status = fitted.at[0, "bgnbd_status"]
    else:
        status = EVALUATED
    fitted.insert(1, "calibration_end_date", calibration_end_date)
    fitted.insert(2, "holdout_days", backtest.holdout_days)
    fitted.insert(3, "status", status)
    return fitted.drop(columns=["horizon_periods", "annual_discount_rate"])


def fit_inputs(inputs: pd.DataFrame) -> pd.DataFrame:
    """int_clv_backtest_inputs with the fits' column names (repeat_transactions is x)."""
    return inputs.rename(columns={"repeat_transactions": "frequency"})


def fit_calibration_per_period(
    inputs: pd.DataFrame, as_of_dates: pd.Series, config: ClvConfig, backtest: BacktestConfig
) -> pd.DataFrame:
    """One row per as-of date (also one without inputs: its status says why)."""
    inputs = fit_inputs(inputs)
    by_date = {pd.Timestamp(day).date(): rows for day, rows in inputs.groupby("as_of_date")}
    empty = inputs.iloc[0:0]
    rows = []
    for day in sorted(pd.Timestamp(value).date() for value in as_of_dates):
        calibration_end = (pd.Timestamp(day) - pd.Timedelta(days=backtest.holdout_days)).date()
        rows.append(
            fit_calibration(by_date.get(day, empty), day, calibration_end, config, backtest)
        )
    return pd.concat(rows, ignore_index=True)


def predict_holdout(rows: pd.DataFrame, parameters: pd.Series) -> pd.DataFrame:
    """Per calibration customer: the holdout predicted, the naive baseline, what happened.

    `parameters` is the date's row of the calibration fit (fit_calibration).
    """
    holdout = holdout_config(parameters)
    evaluated = parameters["status"] == EVALUATED
    # P(no purchase in the holdout) is the churn probability over the holdout's days
    # (a backtest that is off has no rows; the horizon must still be a valid one).
    churn = ChurnConfig(churn_horizon_days=holdout.horizon_periods * holdout.time_unit_days)
    predicted = predict(rows, parameters if evaluated else NOT_FITTED, holdout, churn)
    out = pd.DataFrame(
        {
            "customer_id": predicted["customer_id"],
            "repeat_transactions": predicted["frequency"],
            "actual_purchases": rows["holdout_purchases"].to_numpy(dtype=float),
            "predicted_purchases": predicted["expected_purchases"],
            "actual_value": rows["holdout_revenue"].to_numpy(dtype=float),
            "predicted_value": predicted["predicted_clv"],
        }
    )
    x, t_cal, m = (
        predicted[column].to_numpy(dtype=float)
        for column in ("frequency", "t", "repeat_average_value")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(t_cal > 0, x / t_cal, 0.0)
    out["naive_purchases"] = rate * holdout.horizon_periods
    out["naive_value"] = out["naive_purchases"] * m
    out["probability_no_purchase"] = predicted["churn_probability"]
    out["bought_in_holdout"] = out["actual_purchases"] > 0
    return out


def predict_holdout_per_period(inputs: pd.DataFrame, parameters: pd.DataFrame) -> pd.DataFrame:
    """`predict_holdout` for each as-of date with that date's calibration fit."""
    fitted = {pd.Timestamp(row["as_of_date"]).date(): row for _, row in parameters.iterrows()}
    return per_as_of_date(
        fit_inputs(inputs).reset_index(drop=True),
        lambda day, rows: predict_holdout(rows.reset_index(drop=True), fitted.get(day, NO_FIT)),
    )


def tracking(
    cohort: pd.DataFrame,
    weekly: pd.DataFrame,
    parameters: pd.Series,
    as_of_date: date,
) -> pd.DataFrame:
    """Cumulative repeat purchases of the calibration customers per period, actual and expected.

    `cohort`: customers per first purchase date; `weekly`: repeat purchase days per
    period index (1 = the period starting on the cohort's first purchase date).
    Expected = sum over first purchase dates d of customers(d) x E[X(t)] of the
    calibration fit, t = (the period's last day - d) / time unit, the last period
    ending on the as-of date (FHL 2005, figure 2). `parameters`: the date's calibration fit.
    """
    unit = float(parameters["time_unit_days"])
    first_days = pd.to_datetime(cohort["first_order_date"]).to_numpy()
    start = first_days.min()
    span = (pd.Timestamp(as_of_date) - pd.Timestamp(start)).days + 1
    periods = np.arange(1, int(np.ceil(span / unit)) + 1)
    last_days = pd.Timestamp(start) + pd.to_timedelta(np.minimum(periods * unit, span) - 1, "D")
    actual = np.zeros(len(periods))
    counted = weekly["period_index"].to_numpy(dtype=int) - 1
    np.add.at(actual, counted, weekly["repeat_purchases"].to_numpy(dtype=float))
    expected = np.full(len(periods), np.nan)
    params = bgnbd_from_row(parameters) if parameters["status"] == EVALUATED else None
    if params is not None:
        elapsed = (
            last_days.to_numpy()[:, np.newaxis] - first_days[np.newaxis, :]
        ) / np.timedelta64(1, "D")
        t = np.maximum(elapsed, 0.0) / unit
        per_day = clv.expected_purchases_unconditional(params, t.ravel()).reshape(t.shape)
        expected = per_day @ cohort["customers"].to_numpy(dtype=float)
    calibration_end = pd.Timestamp(parameters["calibration_end_date"])
    return pd.DataFrame(
        {
            "period_index": periods,
            "period_end_date": last_days.date,
            "is_holdout": last_days > calibration_end,
            "actual_repeat_purchases_cumulative": np.cumsum(actual),
            "expected_repeat_purchases_cumulative": expected,
        }
    )


def tracking_per_period(
    cohort: pd.DataFrame, weekly: pd.DataFrame, parameters: pd.DataFrame
) -> pd.DataFrame:
    """`tracking` for each as-of date with calibration customers."""
    fitted = {pd.Timestamp(row["as_of_date"]).date(): row for _, row in parameters.iterrows()}
    weekly_by_date = {pd.Timestamp(day).date(): rows for day, rows in weekly.groupby("as_of_date")}
    empty = weekly.iloc[0:0]

    def compute(day: date | None, rows: pd.DataFrame) -> pd.DataFrame:
        if day is None:
            return tracking_empty()
        return tracking(rows, weekly_by_date.get(day, empty), fitted[day], day)

    return per_as_of_date(cohort, compute)


def tracking_empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_index": pd.Series(dtype="int64"),
            "period_end_date": pd.Series(dtype="datetime64[ns]"),
            "is_holdout": pd.Series(dtype="bool"),
            "actual_repeat_purchases_cumulative": pd.Series(dtype="float64"),
            "expected_repeat_purchases_cumulative": pd.Series(dtype="float64"),
        }
    )

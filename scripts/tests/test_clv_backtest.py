"""The backtest's Python side (segments.analytics.clv_backtest), against hand-computed values."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from segments.analytics.clv_backtest import (
    BacktestConfig,
    fit_calibration,
    fit_calibration_per_period,
    predict_holdout,
    predict_holdout_per_period,
    tracking,
)
from segments.analytics.clv_model import ClvConfig
from segments.core.errors import SegmentsError

WEEKS = ClvConfig(time_unit_days=7.0, horizon_periods=52.0)
# 70 days = 10 weeks of holdout; small minimums so that a hand-sized example runs.
SMALL = BacktestConfig(
    holdout_days=70, min_customers=3, min_holdout_buyers=1, min_holdout_non_buyers=1
)
R, ALPHA, A, B = 0.243, 4.414, 0.793, 2.426  # FHL 2005
EVALUATED = pd.Series(
    {
        "status": "evaluated",
        "calibration_end_date": date(2025, 6, 30),
        "time_unit_days": 7.0,
        "holdout_days": 70,
        "bgnbd_status": "fitted",
        "gamma_gamma_status": "not fitted: none",
        "bgnbd_r": R,
        "bgnbd_alpha": ALPHA,
        "bgnbd_a": A,
        "bgnbd_b": B,
        "bgnbd_log_likelihood": -1.0,
        "bgnbd_customers": 3,
    }
)


def customers(rows: list[tuple[str, int, float, float, float, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=[
            "customer_id",
            "frequency",
            "recency",
            "t",
            "repeat_average_value",
            "holdout_purchases",
            "holdout_revenue",
        ],
    )


THREE = customers(
    [
        ("c1", 3, 8.0, 10.0, 20.0, 2, 50.0),  # 3 repeats in 10 weeks: naive 3 in the next 10
        ("c2", 0, 0.0, 0.0, 0.0, 0, 0.0),  # first seen on the calibration end: naive 0
        ("c3", 1, 2.0, 20.0, 15.0, 0, 0.0),  # 1 repeat in 20 weeks: naive 0.5
    ]
)


@pytest.mark.parametrize(
    ("config", "status"),
    [
        (BacktestConfig(holdout_days=0), "off: clv_holdout_days is 0"),
        (
            BacktestConfig(holdout_days=70, min_customers=4),
            "not enough data: 3 customer(s) bought in the calibration period, fewer than "
            "clv_backtest_min_customers (4)",
        ),
        (
            BacktestConfig(holdout_days=70, min_customers=3, min_holdout_buyers=2),
            "not enough data: 1 of them bought in the holdout, fewer than "
            "clv_backtest_min_holdout_buyers (2)",
        ),
        (
            BacktestConfig(
                holdout_days=70, min_customers=3, min_holdout_buyers=1, min_holdout_non_buyers=3
            ),
            "not enough data: 2 of them did not buy in the holdout, fewer than "
            "clv_backtest_min_holdout_non_buyers (3)",
        ),
    ],
)
def test_a_backtest_below_a_minimum_says_which_and_fits_nothing(
    config: BacktestConfig, status: str
) -> None:
    row = fit_calibration(THREE, date(2025, 9, 8), date(2025, 6, 30), WEEKS, config).iloc[0]
    assert row["status"] == status
    assert row["customers"] == 3
    assert math.isnan(row["bgnbd_r"]) and row["bgnbd_status"] == "not run (see status)"


def test_every_as_of_date_gets_a_row_and_its_calibration_end() -> None:
    empty = THREE.iloc[0:0].assign(as_of_date=pd.Series(dtype="datetime64[ns]"))
    rows = fit_calibration_per_period(
        empty, pd.Series([pd.Timestamp("2025-12-31")]), WEEKS, BacktestConfig(holdout_days=182)
    )
    assert rows[["as_of_date", "calibration_end_date", "holdout_days", "customers"]].to_dict(
        "records"
    ) == [
        {
            "as_of_date": date(2025, 12, 31),
            "calibration_end_date": date(2025, 7, 2),
            "holdout_days": 182,
            "customers": 0,
        }
    ]
    assert rows.at[0, "status"].startswith("not enough data: 0 customer(s)")


def test_negative_holdout_days_are_refused() -> None:
    with pytest.raises(SegmentsError, match="clv_holdout_days must be >= 0"):
        BacktestConfig.from_config(
            holdout_days="-1", min_customers="1", min_holdout_buyers="1", min_holdout_non_buyers="1"
        )


def test_the_naive_baseline_carries_the_calibration_rate_forward() -> None:
    not_run = pd.Series({"status": "not enough data: x", "time_unit_days": 7.0, "holdout_days": 70})
    out = predict_holdout(THREE, not_run)
    # 10 holdout weeks: c1 3 / 10 x 10 = 3 (x 20 spend), c2 T = 0 -> 0, c3 1 / 20 x 10 = 0.5
    assert out["naive_purchases"].tolist() == [3.0, 0.0, 0.5]
    assert out["naive_value"].tolist() == [60.0, 0.0, 7.5]
    assert out["actual_purchases"].tolist() == [2.0, 0.0, 0.0]
    assert out["bought_in_holdout"].tolist() == [True, False, False]
    # not evaluated: no prediction
    assert out["predicted_purchases"].isna().all() and out["probability_no_purchase"].isna().all()


def test_the_holdout_predictions_are_fhl_with_the_calibration_parameters() -> None:
    out = predict_holdout(THREE, EVALUATED)
    t = 10.0
    for row, predicted, no_purchase in zip(
        THREE.itertuples(), out["predicted_purchases"], out["probability_no_purchase"], strict=True
    ):
        x, t_x, t_cal = row.frequency, row.recency, row.t
        odds = (A / (B + x - 1)) * ((ALPHA + t_cal) / (ALPHA + t_x)) ** (R + x) if x > 0 else 0.0
        alive = 1.0 / (1.0 + odds)
        conditional = (
            (A + B + x - 1)
            / (A - 1)
            * (
                1
                - ((ALPHA + t_cal) / (ALPHA + t_cal + t)) ** (R + x)
                * hyp2f1(R + x, B + x, A + B + x - 1, t / (ALPHA + t_cal + t))
            )
            * alive
        )
        silent = ((ALPHA + t_cal) / (ALPHA + t_cal + t)) ** (R + x)
        assert predicted == pytest.approx(conditional, rel=1e-9)
        assert no_purchase == pytest.approx((1 - alive) + alive * silent, rel=1e-12)
    # without a Gamma-Gamma fit there is no value prediction
    assert out["predicted_value"].isna().all()


def test_the_tracking_curve_adds_each_first_days_expected_repeats() -> None:
    # GIVEN two customers first buying on 2025-01-01 and one on 2025-01-08, weeks,
    # an as-of date 2025-01-24 (24 days: weeks 1-3 and a 3-day fourth)
    cohort = pd.DataFrame(
        {"first_order_date": [date(2025, 1, 1), date(2025, 1, 8)], "customers": [2, 1]}
    )
    weekly = pd.DataFrame({"period_index": [2, 4], "repeat_purchases": [1, 2]})
    parameters = EVALUATED.copy()
    parameters["calibration_end_date"] = date(2025, 1, 14)
    curve = tracking(cohort, weekly, parameters, date(2025, 1, 24))

    def unconditional(t: float) -> float:  # FHL 2005 eq. 9
        return (
            (A + B - 1)
            / (A - 1)
            * (1 - (ALPHA / (ALPHA + t)) ** R * hyp2f1(R, B, A + B - 1, t / (ALPHA + t)))
        )

    last_days = [6, 13, 20, 23]  # days after 2025-01-01 of each period's last day
    expected = [2 * unconditional(d / 7) + unconditional(max(d - 7, 0) / 7) for d in last_days]
    assert curve["period_index"].tolist() == [1, 2, 3, 4]
    assert curve["is_holdout"].tolist() == [False, False, True, True]
    assert curve["actual_repeat_purchases_cumulative"].tolist() == [0, 1, 1, 3]
    assert np.allclose(curve["expected_repeat_purchases_cumulative"], expected, rtol=1e-12)


def test_no_calibration_customers_give_an_empty_table_with_its_columns() -> None:
    empty = THREE.iloc[0:0].assign(as_of_date=pd.Series(dtype="datetime64[ns]"))
    empty = empty.rename(columns={"frequency": "repeat_transactions"})
    parameters = fit_calibration_per_period(
        empty, pd.Series([pd.Timestamp("2025-12-31")]), WEEKS, SMALL
    )
    out = predict_holdout_per_period(empty, parameters)
    assert out.empty
    assert {"customer_id", "as_of_date", "predicted_purchases", "bought_in_holdout"} <= set(out)

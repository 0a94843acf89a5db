"""The warehouse's holdout backtest reproduces Fader, Hardie & Lee (2005) on CDNOW.

As of 1998-06-30 with a 273-day (39-week) holdout the calibration period ends on
1997-09-30, the paper's: the calibration fit is the published BG/NBD, each
calibration-frequency bucket's predicted mean is the conditional expectation
computed here from the published parameters (the paper's figure 4), and its
actual mean is counted here from the raw transaction file. Both computations are
written out in this test, independent of the project's code.
"""

from __future__ import annotations

import gzip
from datetime import date
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from scipy.special import hyp2f1

from segments.commands import common
from segments.core import project
from segments.devtools import load_cdnow
from segments.pipeline import build
from segments.warehouse import raw_files

CALIBRATION_END = pd.Timestamp("1997-09-30")
HOLDOUT_END = pd.Timestamp("1998-06-30")
# FHL 2005, section 5 (the BG/NBD fitted to the 39-week calibration period).
R, ALPHA, A, B = 0.243, 4.414, 0.793, 2.426
HOLDOUT_WEEKS = 39.0


@pytest.fixture(scope="module")
def backtest_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # GIVEN the CDNOW sample built as of the end of its data, holding out 39 weeks
    root = tmp_path_factory.mktemp("cdnow-backtest")
    load_cdnow.convert(root / "raw", sample=True)
    warehouse = root / "warehouse.duckdb"
    dbt_vars = common.parse_vars(load_cdnow.CDNOW_VARS) | {
        "as_of_date": "1998-06-30",
        "clv_holdout_days": 273,
    }
    options = build.BuildOptions(
        warehouse, "ci", raw_files.find(root / "raw"), project.column_mapping(), dbt_vars
    )
    build.build(options)
    return warehouse


def raw_purchase_days() -> pd.DataFrame:
    """The sample's transactions from the vendored raw file, one row per customer and day."""
    source = resources.files("segments.devtools").joinpath("data/cdnow/CDNOW_sample.txt.gz")
    with source.open("rb") as handle, gzip.open(handle, "rt") as text:
        rows = pd.read_csv(
            text,
            sep=r"\s+",
            header=None,
            names=["master_id", "customer_id", "day", "quantity", "amount"],
            dtype={"day": str},
        )
    rows["day"] = pd.to_datetime(rows["day"], format="%Y%m%d")
    return rows[["customer_id", "day"]].drop_duplicates()


def fhl_conditional_expectation(x: float, t_x: float, t_cal: float, t: float) -> float:
    """E[Y(t) | x, t_x, T], FHL 2005 equation (10), as printed."""
    head = (A + B + x - 1.0) / (A - 1.0)
    z = t / (ALPHA + t_cal + t)
    bracket = 1.0 - ((ALPHA + t_cal) / (ALPHA + t_cal + t)) ** (R + x) * hyp2f1(
        R + x, B + x, A + B + x - 1.0, z
    )
    odds = (A / (B + x - 1.0)) * ((ALPHA + t_cal) / (ALPHA + t_x)) ** (R + x) if x > 0 else 0.0
    return head * bracket / (1.0 + odds)


def expected_by_bucket() -> pd.DataFrame:
    """Per calibration frequency bucket: customers, actual and FHL-expected holdout means."""
    days = raw_purchase_days()
    calibration = days[days["day"] <= CALIBRATION_END]
    holdout = days[(days["day"] > CALIBRATION_END) & (days["day"] <= HOLDOUT_END)]
    customers = calibration.groupby("customer_id")["day"].agg(["min", "max", "size"])
    customers["x"] = customers["size"] - 1
    customers["t_x"] = (customers["max"] - customers["min"]).dt.days / 7.0
    customers["T"] = (CALIBRATION_END - customers["min"]).dt.days / 7.0
    customers["actual"] = holdout.groupby("customer_id").size().reindex(customers.index).fillna(0)
    customers["expected"] = [
        fhl_conditional_expectation(row.x, row.t_x, row.T, HOLDOUT_WEEKS)
        for row in customers.itertuples()
    ]
    customers["bucket"] = customers["x"].map(lambda x: "7+" if x >= 7 else str(x))
    return customers.groupby("bucket").agg(
        customers=("x", "size"), actual=("actual", "mean"), expected=("expected", "mean")
    )


def test_the_hand_written_expectation_is_the_papers() -> None:
    # FHL 2005, section 5: x=2, t_x=30.43, T=38.86 expects 1.226 purchases in 39 weeks.
    assert round(fhl_conditional_expectation(2, 30.43, 38.86, 39.0), 3) == 1.226


def test_the_calibration_fit_is_the_published_bgnbd(backtest_warehouse: Path) -> None:
    with duckdb.connect(str(backtest_warehouse), read_only=True) as con:
        row = con.execute(
            "select status, calibration_end_date, holdout_days, customers, "
            "bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b from marts.clv_backtest_summary"
        ).fetchone()
    status, calibration_end, holdout_days, customers, r, alpha, a, b = row
    assert (status, calibration_end, holdout_days, customers) == (
        "evaluated",
        date(1997, 9, 30),
        273,
        2357,
    )
    assert (round(r, 3), round(alpha, 3), round(a, 3), round(b, 3)) == (R, ALPHA, A, B)


def test_each_bucket_is_the_papers_conditional_expectation_and_the_raw_count(
    backtest_warehouse: Path,
) -> None:
    expected = expected_by_bucket()
    with duckdb.connect(str(backtest_warehouse), read_only=True) as con:
        buckets = con.sql(
            "select frequency_bucket, customers, actual_purchases_mean, predicted_purchases_mean "
            "from marts.clv_backtest"
        ).df()
    buckets = buckets.set_index("frequency_bucket").sort_index()
    assert list(buckets.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert buckets["customers"].tolist() == expected.loc[buckets.index, "customers"].tolist()
    # THEN the actual means are the raw file's counts, exactly
    assert buckets["actual_purchases_mean"].to_numpy() == pytest.approx(
        expected.loc[buckets.index, "actual"].to_numpy(), abs=1e-12
    )
    # AND the predicted means those of the published parameters (3 decimals printed)
    assert buckets["predicted_purchases_mean"].to_numpy() == pytest.approx(
        expected.loc[buckets.index, "expected"].to_numpy(), rel=2e-3
    )


def test_the_tracking_curve_covers_78_weeks_and_ends_at_the_holdout_total(
    backtest_warehouse: Path,
) -> None:
    days = raw_purchase_days()
    first = days.groupby("customer_id")["day"].transform("min")
    repeat_purchases = int(((days["day"] > first) & (days["day"] <= HOLDOUT_END)).sum())
    with duckdb.connect(str(backtest_warehouse), read_only=True) as con:
        tracking = con.sql(
            "select period_index, is_holdout, actual_repeat_purchases_cumulative, "
            "expected_repeat_purchases_cumulative from marts.clv_backtest_tracking "
            "order by period_index"
        ).df()
    assert len(tracking) == 78
    assert tracking["is_holdout"].sum() == 39
    assert tracking["actual_repeat_purchases_cumulative"].iloc[-1] == repeat_purchases
    # FHL 2005 figure 2: the expected curve tracks the actual one within a few percent
    expected_end = tracking["expected_repeat_purchases_cumulative"].iloc[-1]
    assert expected_end == pytest.approx(repeat_purchases, rel=0.05)

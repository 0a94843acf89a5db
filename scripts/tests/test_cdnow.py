"""The CLV models against the numbers published for the CDNOW data set.

Sources of the expected values (each test names its own):
  [FHL05]  Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
           Way: An Alternative to the Pareto/NBD Model", Marketing Science
           24(2): BG/NBD estimates on the 2,357-customer sample.
  [FHL05b] Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves
           for Customer Base Analysis", JMR 42(4), and Fader & Hardie's note
           025 "The Gamma-Gamma Model of Monetary Value": Gamma-Gamma
           estimates p=6.25, q=3.74, gamma=15.44.
  [HX]     Hardie's BG/NBD and Gamma-Gamma spreadsheets, as quoted in the
           lifetimes test suite (tests/test_estimation.py,
           test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet,
           test_expectation_returns_same_value_Hardie_excel_sheet,
           test_conditional_expected_average_profit).
"""

from __future__ import annotations

import argparse
import csv
import json

import numpy as np
import pytest

from segments.analytics import clv
from segments.commands import fit_clv as fit_clv_command
from segments.core.errors import SegmentsError
from segments.devtools import cdnow, fit_clv


@pytest.fixture(scope="module")
def summary() -> cdnow.RfmSummary:
    return cdnow.sample_summary()


@pytest.fixture(scope="module")
def bgnbd(summary: cdnow.RfmSummary) -> clv.BgNbdParams:
    return clv.fit_bgnbd(summary.frequency, summary.recency, summary.T)


@pytest.fixture(scope="module")
def gamma_gamma(summary: cdnow.RfmSummary) -> clv.GammaGammaParams:
    return clv.fit_gamma_gamma(summary.frequency, summary.monetary_value)


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def test_master_file_holds_the_full_cohort():
    # GIVEN the vendored master file WHEN loaded
    master = cdnow.load_master()
    # THEN it has the 23,570 customers of the Q1-1997 cohort over 78 weeks
    assert list(master.columns) == ["customer_id", "date", "quantity", "amount"]
    assert len(master) == 69_659
    assert master["customer_id"].nunique() == 23_570
    assert master["date"].min() == np.datetime64("1997-01-01")
    assert master["date"].max() == np.datetime64("1998-06-30")
    first_purchases = master.groupby("customer_id")["date"].min()
    assert first_purchases.max() < np.datetime64("1997-04-01")


def test_sample_is_a_tenth_of_the_master_file():
    # GIVEN the sample and master transactions
    sample = cdnow.load_sample()
    master = cdnow.load_master()
    # WHEN the sample's customers are looked up in the master file
    in_master = master[master["customer_id"].isin(sample["master_customer_id"])]
    # THEN it is 2,357 customers whose transactions are exactly theirs there
    assert sample["customer_id"].nunique() == 2_357
    assert len(in_master) == len(sample) == 6_919
    assert in_master["amount"].sum() == pytest.approx(sample["amount"].sum())


def test_derived_summary_matches_the_published_one(summary):
    # GIVEN the summary derived from the sample transactions and the one
    # shipped with the data (rounded to 2 decimals)
    published = cdnow.published_summary()
    # THEN they agree customer by customer to the published rounding
    assert np.array_equal(summary.customer_id, published.customer_id)
    assert np.array_equal(summary.frequency, published.frequency)
    for name in ("recency", "T", "monetary_value"):
        difference = np.abs(getattr(summary, name) - getattr(published, name))
        assert difference.max() <= 0.005 + 1e-9, name
    # AND customer 1 is the worked example of [FHL05]: x=2, t_x=30.43, T=38.86
    assert (summary.frequency[0], round(summary.recency[0], 2), round(summary.T[0], 2)) == (
        2,
        30.43,
        38.86,
    )


def test_holdout_purchases_are_counted_per_purchase_day(summary):
    # GIVEN the sample transactions WHEN counting weeks 40-78 purchase days
    holdout = cdnow.holdout_purchases(cdnow.load_sample(), summary.customer_id)
    # THEN customer 1 (purchases 1997-01-01, -01-18, -08-02, -12-12) has one
    assert holdout.shape == summary.customer_id.shape
    assert holdout[0] == 1
    assert holdout.min() == 0


# --------------------------------------------------------------------------
# Published fits
# --------------------------------------------------------------------------


def test_bgnbd_fit_matches_published_estimates(bgnbd):
    # GIVEN the BG/NBD fitted on the 2,357-customer sample, 39-week calibration
    # THEN the estimates and log-likelihood are those of [FHL05]
    assert round(bgnbd.r, 3) == 0.243
    assert round(bgnbd.alpha, 3) == 4.414
    assert round(bgnbd.a, 3) == 0.793
    assert round(bgnbd.b, 3) == 2.426
    assert round(bgnbd.log_likelihood, 1) == -9582.4
    assert bgnbd.n_customers == 2_357


def test_bgnbd_fit_on_the_published_rounded_summary_gives_the_same_estimates():
    # GIVEN the shipped summary, rounded to 2 decimals WHEN fitted
    published = cdnow.published_summary()
    fitted = clv.fit_bgnbd(published.frequency, published.recency, published.T)
    # THEN the estimates still round to [FHL05]
    assert (round(fitted.r, 3), round(fitted.alpha, 3)) == (0.243, 4.414)
    assert (round(fitted.a, 3), round(fitted.b, 3)) == (0.793, 2.426)
    assert round(fitted.log_likelihood, 1) == -9582.4


def test_gamma_gamma_fit_matches_published_estimates(gamma_gamma):
    # GIVEN the Gamma-Gamma fitted on the 946 repeat customers' mean repeat spend
    # THEN the estimates are those of [FHL05b] to the published 2 decimals.
    # (Unrounded spend matters: on the 2-decimal spend of the shipped
    # summary, gamma comes out 15.4477 -> 15.45; the likelihood is very flat
    # along gamma.)
    assert gamma_gamma.n_customers == 946
    assert round(gamma_gamma.p, 2) == 6.25
    assert round(gamma_gamma.q, 2) == 3.74
    assert round(gamma_gamma.gamma, 2) == 15.44


# --------------------------------------------------------------------------
# Published predictions
# --------------------------------------------------------------------------


def test_conditional_expectation_of_the_worked_example(bgnbd):
    # GIVEN customer x=2, t_x=30.43, T=38.86
    # WHEN predicting purchases in the next 39 weeks
    expected = clv.expected_purchases(bgnbd, 39, 2, 30.43, 38.86)
    # THEN it is 1.226, as in [HX] (and [FHL05])
    assert round(float(expected[0]), 3) == 1.226


def test_unconditional_expectation_matches_hardie_spreadsheet(bgnbd):
    # GIVEN a new customer WHEN predicting E[X(t)] for these t (weeks)
    times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0]
    actual = clv.expected_purchases_unconditional(bgnbd, times)
    # THEN the values are those of [HX] to their 4 decimals...
    published = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    assert [round(value, 4) for value in actual[:5]] == published[:5]
    # ...except week 78, 1.8580 here: the spreadsheet sums a truncated
    # 2F1 series, which stops short near z = 0.95 (the converged series,
    # see test_clv, gives 1.85797); lifetimes asserts it to 3 decimals too.
    assert abs(actual[5] - published[5]) < 1e-3


def test_expected_average_value_matches_hardie_spreadsheet(gamma_gamma, summary):
    # GIVEN the first ten sample customers and the fitted Gamma-Gamma
    values = clv.expected_average_value(
        gamma_gamma, summary.frequency[:10], summary.monetary_value[:10]
    )
    # THEN E(M | x, m) is the spreadsheet's [HX], to the cent; the 35.17 of
    # one-time buyers is the population mean p*gamma/(q-1)
    published = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17]
    assert [round(value, 2) for value in values] == published


def test_one_time_buyers_are_certainly_alive(bgnbd, summary):
    # GIVEN the sample's 1,411 customers with no repeat purchase
    one_time = summary.frequency == 0
    # WHEN P(alive) is computed THEN it is 1 for each (a BG/NBD property)
    alive = clv.probability_alive(bgnbd, summary.frequency, summary.recency, summary.T)
    assert one_time.sum() == 1_411
    assert np.all(alive[one_time] == 1.0)
    assert np.all((alive > 0) & (alive <= 1))


# --------------------------------------------------------------------------
# The fit-clv command
# --------------------------------------------------------------------------


def run_command(argv: list[str]) -> int:
    root = argparse.ArgumentParser(prog="segments")
    subparsers = root.add_subparsers(dest="command", required=True)
    fit_clv_command.register(subparsers)
    args = root.parse_args(argv)
    return args.func(args)


def test_fit_clv_prints_parameters_as_json(capsys):
    # GIVEN the command with --json WHEN run
    exit_code = run_command(["fit-clv", "--dataset", "cdnow-sample", "--json"])
    # THEN stdout is the parameter document
    document = json.loads(capsys.readouterr().out)
    assert exit_code == 0
    assert set(document) == {"bgnbd", "gamma_gamma"}
    assert set(document["bgnbd"]) == {"r", "alpha", "a", "b", "log_likelihood"}
    assert set(document["gamma_gamma"]) == {"p", "q", "gamma", "log_likelihood"}
    assert round(document["bgnbd"]["r"], 3) == 0.243
    assert round(document["gamma_gamma"]["gamma"], 2) == 15.44


def test_fit_clv_writes_predictions(tmp_path, capsys):
    # GIVEN an output file and a 39-week horizon without discounting
    out = tmp_path / "predictions" / "cdnow.csv"
    # WHEN the command runs
    exit_code = run_command(
        ["fit-clv", "--predict-out", str(out), "--horizon", "39", "--discount-rate", "0"]
    )
    # THEN the table is printed and one row per customer is written
    assert exit_code == 0
    assert "Gamma-Gamma" in capsys.readouterr().out
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(fit_clv.PREDICTION_COLUMNS)
    assert len(rows) == 2_357
    # AND customer 1's 39-week expectation is the worked example's 1.226,
    # and undiscounted CLV = expected purchases x expected spend
    first = rows[0]
    assert round(float(first["expected_purchases"]), 3) == 1.226
    clv_by_hand = float(first["expected_purchases"]) * float(first["expected_avg_value"])
    assert float(first["clv"]) == pytest.approx(clv_by_hand, abs=1e-3)


def test_fit_clv_rejects_an_unknown_dataset(capsys):
    # GIVEN a dataset name that is not registered WHEN parsed THEN argparse refuses
    with pytest.raises(SystemExit):
        run_command(["fit-clv", "--dataset", "nope"])
    assert "cdnow-sample" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--horizon", "0", "--horizon must be a number > 0"),
        ("--step", "-1", "--step must be a number > 0"),
        ("--discount-rate", "-2", "annual discount rate must be > -1"),
    ],
)
def test_fit_clv_rejects_bad_options_before_fitting(option, value, message):
    # GIVEN an option outside its range WHEN the command runs
    # THEN a SegmentsError (a clear message and exit code in the CLI) says so
    with pytest.raises(SegmentsError, match=message):
        run_command(["fit-clv", option, value])

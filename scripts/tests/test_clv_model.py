"""The glue the dbt Python models use: fit row, predictions, documented fallback."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from segments.analytics import clv
from segments.analytics.clv_model import INPUT_COLUMNS, ClvConfig, fit_parameters, predict
from segments.core.errors import SegmentsError
from segments.devtools import cdnow

CONFIG = ClvConfig(time_unit_days=7, horizon_periods=39, annual_discount_rate=0.0)


@pytest.fixture(scope="module")
def cdnow_inputs() -> pd.DataFrame:
    summary = cdnow.sample_summary()
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(summary.frequency))],
            "frequency": summary.frequency,
            "recency": summary.recency,
            "t": summary.T,
            "repeat_average_value": summary.monetary_value,
        }
    )


def test_fit_row_holds_the_published_cdnow_parameters(cdnow_inputs: pd.DataFrame) -> None:
    # WHEN the parameters row is fitted on the CDNOW sample inputs
    row = fit_parameters(cdnow_inputs, date(1997, 9, 30), CONFIG).iloc[0]
    # THEN it holds Fader, Hardie & Lee's values and says it is fitted
    assert row["bgnbd_status"] == "fitted"
    assert row["gamma_gamma_status"] == "fitted"
    assert round(row["bgnbd_r"], 3) == 0.243
    assert round(row["bgnbd_b"], 3) == 2.426
    assert round(row["bgnbd_log_likelihood"], 1) == -9582.4
    assert round(row["gamma_gamma_p"], 2) == 6.25
    assert row["customers"] == 2357


def test_predictions_match_the_maths_module_row_by_row(cdnow_inputs: pd.DataFrame) -> None:
    row = fit_parameters(cdnow_inputs, date(1997, 9, 30), CONFIG).iloc[0]
    # WHEN predictions run (distinct rows computed once, then spread back)
    out = predict(cdnow_inputs, row, CONFIG)
    # THEN each customer gets exactly what segments.analytics.clv computes for it
    params = clv.fit_bgnbd(cdnow_inputs["frequency"], cdnow_inputs["recency"], cdnow_inputs["t"])
    direct = clv.expected_purchases(
        params, 39, cdnow_inputs["frequency"], cdnow_inputs["recency"], cdnow_inputs["t"]
    )
    np.testing.assert_allclose(out["expected_purchases"], direct, rtol=1e-6)
    assert out["customer_id"].tolist() == cdnow_inputs["customer_id"].tolist()
    # one-time buyers: p_alive 1 by the model, population mean value
    one_timers = out[out["frequency"] == 0]
    assert (one_timers["probability_alive"] == 1).all()
    assert one_timers["expected_average_value"].nunique() == 1
    # zero discount: CLV = expected purchases x expected value
    np.testing.assert_allclose(
        out["predicted_clv"], out["expected_purchases"] * out["expected_average_value"], rtol=1e-6
    )


def test_degenerate_data_falls_back_to_null_predictions_with_a_reason() -> None:
    # GIVEN three customers who never came back (no repeat purchase at all)
    inputs = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "frequency": [0, 0, 0],
            "recency": [0.0, 0.0, 0.0],
            "t": [5.0, 3.0, 1.0],
            "repeat_average_value": [0.0, 0.0, 0.0],
        }
    )
    # WHEN fitted and predicted
    row = fit_parameters(inputs, date(2024, 1, 1), CONFIG).iloc[0]
    out = predict(inputs, row, CONFIG)
    # THEN both models say why they are not fitted, and nothing is made up
    assert row["bgnbd_status"].startswith("not fitted: ")
    assert row["gamma_gamma_status"].startswith("not fitted: ")
    assert np.isnan(row["bgnbd_r"])
    assert out[["expected_purchases", "probability_alive", "predicted_clv"]].isna().all().all()
    assert len(out) == 3


def test_no_customers_gives_an_empty_table_with_a_text_key() -> None:
    # GIVEN no customers at all (a warehouse built before any raw file is loaded)
    inputs = pd.DataFrame({column: pd.Series(dtype=object) for column in INPUT_COLUMNS})
    row = fit_parameters(inputs, None, CONFIG).iloc[0]
    # WHEN predicted
    out = duckdb.from_df(predict(inputs, row, CONFIG))
    # THEN the table is empty and its key is still text (not DuckDB's NULL type,
    # which breaks the unit tests that take their column types from it)
    assert dict(zip(out.columns, out.dtypes, strict=True))["customer_id"] == "VARCHAR"
    assert out.fetchall() == []


def test_gamma_gamma_failure_keeps_purchase_predictions(cdnow_inputs: pd.DataFrame) -> None:
    # GIVEN CDNOW inputs where every repeat mean is zero (all refunded)
    inputs = cdnow_inputs.assign(repeat_average_value=0.0)
    row = fit_parameters(inputs, date(1997, 9, 30), CONFIG).iloc[0]
    out = predict(inputs, row, CONFIG)
    # THEN purchases are still predicted, value and CLV are null
    assert row["bgnbd_status"] == "fitted"
    assert row["gamma_gamma_status"].startswith("not fitted: ")
    assert out["expected_purchases"].notna().all()
    assert out[["expected_average_value", "predicted_clv"]].isna().all().all()


def test_config_reads_var_text_and_refuses_missing_values() -> None:
    # dbt passes vars through the yml config as text
    config = ClvConfig.from_config(
        time_unit_days="1", horizon_periods="365", annual_discount_rate="0", profit_margin="0.3"
    )
    assert config == ClvConfig(1.0, 365.0, 0.0, 0.3)
    # a value dbt did not pass is an error, never a silent default
    with pytest.raises(SegmentsError, match="CLV config values missing: profit_margin"):
        ClvConfig.from_config(time_unit_days="1", horizon_periods="2", annual_discount_rate="0")


def test_customers_outside_the_model_are_left_out_not_fatal(cdnow_inputs: pd.DataFrame) -> None:
    # GIVEN the CDNOW sample plus three customers whose inputs break the models'
    # definitions (an infinite age, a last purchase after the as-of date, a
    # non-finite spend)
    bad = pd.DataFrame(
        {
            "customer_id": ["x-inf", "x-late", "x-nan"],
            "frequency": [1.0, 2.0, 3.0],
            "recency": [1.0, 90.0, 5.0],
            "t": [np.inf, 30.0, 40.0],
            "repeat_average_value": [10.0, 10.0, np.nan],
        }
    )
    inputs = pd.concat([cdnow_inputs, bad], ignore_index=True)
    # WHEN the parameters are fitted and predictions made
    row = fit_parameters(inputs, date(1997, 9, 30), CONFIG).iloc[0]
    out = predict(inputs, row, CONFIG)
    # THEN the fit is exactly the one without them, and says what it left out
    clean = fit_parameters(cdnow_inputs, date(1997, 9, 30), CONFIG).iloc[0]
    assert row["bgnbd_status"] == row["gamma_gamma_status"] == "fitted"
    for name in ("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b", "gamma_gamma_p"):
        assert row[name] == clean[name], name
    assert (row["customers"], row["excluded_customers"]) == (2360, 3)
    assert row["excluded_reason"] == (
        "3 customer(s) left out of both fits: a non-finite input (2, first x-inf); "
        "recency after t (1, first x-late)"
    )
    assert pd.isna(clean["excluded_reason"]) and clean["excluded_customers"] == 0
    # AND they get null predictions while everyone else gets theirs
    predicted = out.set_index("customer_id")["expected_purchases"]
    assert predicted[["x-inf", "x-late", "x-nan"]].isna().all()
    assert predicted.drop(["x-inf", "x-late", "x-nan"]).notna().all()

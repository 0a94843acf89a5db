"""Predicted CLV and P(alive) against hand computations from the published formulas
(Fader, Hardie & Lee 2005), written out here without the code under test: with a
non-zero discount rate, weekly periods and a margin, in the Python module and in the
built pipeline (dbt vars -> int_clv_predictions -> customer_clv).

The numbers tell apart the mistakes a one-line change makes: monthly vs weekly
periods, an annual rate used per period, discounting at the start of a step instead
of its end, a missing margin, P(alive)'s exponent or ratio changed. The churn
probability and the next order date are checked in the pipeline here and by hand,
customer by customer, in test_clv_churn.py."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from segments.analytics import clv
from segments.analytics.clv_model import ClvConfig, predict
from segments.core import project
from segments.devtools import generate
from segments.pipeline import build
from segments.warehouse import raw_files

R, ALPHA, A, B = 0.243, 4.414, 0.793, 2.426  # BG/NBD, CDNOW (FHL 2005)
P, Q, GAMMA = 6.25, 3.74, 15.44  # Gamma-Gamma, CDNOW (Fader, Hardie & Lee 2005b)
BGNBD = clv.BgNbdParams(
    r=R, alpha=ALPHA, a=A, b=B, log_likelihood=0.0, n_customers=0, converged=True
)


def p_alive(
    x: float, t_x: float, t_cal: float, r: float, alpha: float, a: float, b: float
) -> float:
    """FHL 2005, eq. (A10) simplified: 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + t_cal) / (alpha + t_x)) ** (r + x))


def expected_purchases(t: float, x: float, t_x: float, t_cal: float, params: tuple) -> float:
    """FHL 2005 eq. (10): E[Y(t) | x, t_x, T], evaluated as printed."""
    r, alpha, a, b = params
    z = t / (alpha + t_cal + t)
    power = ((alpha + t_cal) / (alpha + t_cal + t)) ** (r + x)
    bracket = 1.0 - power * hyp2f1(r + x, b + x, a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * bracket * p_alive(x, t_x, t_cal, r, alpha, a, b)


def expected_value(x: float, m: float, p: float, q: float, gamma: float) -> float:
    """Gamma-Gamma E[M | x, m]; a customer with no repeat purchase gets the mean p gamma/(q-1)."""
    if x == 0:
        return p * gamma / (q - 1)
    return (q - 1) / (p * x + q - 1) * p * gamma / (q - 1) + p * x / (p * x + q - 1) * m


def discounted_purchases(
    x: float, t_x: float, t_cal: float, horizon: int, rate_per_period: float, params: tuple
) -> float:
    """Sum over periods i = 1..H of the purchases expected in period i, discounted at
    its end: (E[Y(i)] - E[Y(i-1)]) / (1 + d)^i."""
    total = 0.0
    for i in range(1, horizon + 1):
        step = expected_purchases(i, x, t_x, t_cal, params) - expected_purchases(
            i - 1, x, t_x, t_cal, params
        )
        total += step / (1.0 + rate_per_period) ** i
    return total


def churn_probability(
    tau: float, x: float, t_x: float, t_cal: float, r: float, alpha: float, a: float, b: float
) -> float:
    """P(no purchase in tau): gone, or alive with the posterior Gamma(r+x, alpha+T) rate
    and no purchase: (1 - p) + p ((alpha+T)/(alpha+T+tau))^(r+x)."""
    alive = p_alive(x, t_x, t_cal, r, alpha, a, b)
    return (1 - alive) + alive * ((alpha + t_cal) / (alpha + t_cal + tau)) ** (r + x)


def weekly_rate(annual_rate: float) -> float:
    """The rate of one 7-day period that compounds to the annual rate over 365.25 days."""
    return (1.0 + annual_rate) ** (7 / 365.25) - 1.0


# (x, t_x, T) in weeks: one-time buyer, the FHL worked example, a lapsed and a busy buyer
CUSTOMERS = [(0, 0.0, 38.86), (2, 30.43, 38.86), (5, 10.0, 52.0), (12, 50.0, 52.0)]


@pytest.mark.parametrize("x,t_x,t_cal", CUSTOMERS)
def test_p_alive_is_the_published_formula(x: float, t_x: float, t_cal: float) -> None:
    # GIVEN the CDNOW parameters WHEN P(alive) is computed by the module
    actual = clv.probability_alive(BGNBD, [x], [t_x], [t_cal])[0]
    # THEN it is the formula's value
    assert actual == pytest.approx(p_alive(x, t_x, t_cal, R, ALPHA, A, B), rel=1e-12)


def test_p_alive_hand_values_are_not_trivial() -> None:
    # The hand values themselves, so a wrong formula on both sides cannot pass:
    # x=2, t_x=30.43, T=38.86: 1 / (1 + 0.793/3.426 x (43.274/34.844)^2.243)
    ratio = (ALPHA + 38.86) / (ALPHA + 30.43)
    assert p_alive(2, 30.43, 38.86, R, ALPHA, A, B) == pytest.approx(
        1 / (1 + 0.793 / 3.426 * ratio**2.243), rel=1e-12
    )
    assert 0.6 < p_alive(2, 30.43, 38.86, R, ALPHA, A, B) < 0.8
    assert p_alive(5, 10.0, 52.0, R, ALPHA, A, B) < 0.1


def test_expected_purchases_of_the_fhl_example() -> None:
    # GIVEN FHL 2005's worked example: x=2, t_x=30.43, T=38.86, next 39 weeks
    # WHEN computed by the module THEN it is eq. (10) and the published 1.226
    actual = clv.expected_purchases(BGNBD, 39, 2, 30.43, 38.86)[0]
    assert actual == pytest.approx(expected_purchases(39, 2, 30.43, 38.86, (R, ALPHA, A, B)))
    assert round(actual, 3) == 1.226


def test_predicted_clv_with_weekly_periods_a_discount_rate_and_a_margin() -> None:
    # GIVEN weekly periods, 26 of them, 15% a year and a 40% margin
    config = ClvConfig(
        time_unit_days=7, horizon_periods=26, annual_discount_rate=0.15, profit_margin=0.4
    )
    inputs = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(CUSTOMERS))],
            "frequency": [x for x, _, _ in CUSTOMERS],
            "recency": [t_x for _, t_x, _ in CUSTOMERS],
            "t": [t_cal for _, _, t_cal in CUSTOMERS],
            "repeat_average_value": [0.0, 22.35, 40.0, 15.0],
        }
    )
    parameters = pd.Series(
        {
            "bgnbd_r": R,
            "bgnbd_alpha": ALPHA,
            "bgnbd_a": A,
            "bgnbd_b": B,
            "bgnbd_log_likelihood": 0.0,
            "bgnbd_customers": 0,
            "gamma_gamma_p": P,
            "gamma_gamma_q": Q,
            "gamma_gamma_gamma": GAMMA,
            "gamma_gamma_log_likelihood": 0.0,
            "gamma_gamma_customers": 0,
            "bgnbd_status": "fitted",
            "gamma_gamma_status": "fitted",
        }
    )
    # WHEN the dbt model's function predicts
    out = predict(inputs, parameters, config)
    # THEN each customer's CLV is margin x E[M] x the weekly purchases discounted at
    # each week's end at the weekly rate of 15% a year
    d = weekly_rate(0.15)
    assert d == pytest.approx(0.0026821, rel=1e-4)
    for row, (x, t_x, t_cal), m in zip(
        out.itertuples(), CUSTOMERS, inputs["repeat_average_value"], strict=True
    ):
        value = expected_value(x, m, P, Q, GAMMA)
        by_hand = 0.4 * value * discounted_purchases(x, t_x, t_cal, 26, d, (R, ALPHA, A, B))
        assert row.expected_average_value == pytest.approx(value, rel=1e-12)
        assert row.predicted_clv == pytest.approx(by_hand, rel=1e-9)
        assert row.expected_purchases == pytest.approx(
            expected_purchases(26, x, t_x, t_cal, (R, ALPHA, A, B)), rel=1e-9
        )
    # and the alternatives a one-line change would give are all different
    x, t_x, t_cal = CUSTOMERS[1]
    right = discounted_purchases(x, t_x, t_cal, 26, d, (R, ALPHA, A, B))
    wrong = {
        "annual rate per week": discounted_purchases(x, t_x, t_cal, 26, 0.15, (R, ALPHA, A, B)),
        "monthly rate": discounted_purchases(
            x, t_x, t_cal, 26, (1.15) ** (30 / 365.25) - 1, (R, ALPHA, A, B)
        ),
        "undiscounted": expected_purchases(26, x, t_x, t_cal, (R, ALPHA, A, B)),
        "discounted at the step's start": right * (1 + d),
    }
    for name, value in wrong.items():
        assert not math.isclose(value, right, rel_tol=1e-6), name


@pytest.fixture(scope="module")
def weekly_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GIVEN demo data built with weekly periods, a 20-week horizon, 12% a year, a 30%
    margin, a 60-day churn horizon and a 0.4 P(alive) floor (none of them the defaults)."""
    root = tmp_path_factory.mktemp("clv_weekly")
    raw_dir = root / "raw"
    generate.generate(customers=1_000, seed=5, out=raw_dir)
    warehouse = root / "warehouse.duckdb"
    dbt_vars = {
        "clv_time_unit_days": 7,
        "clv_horizon_periods": 20,
        "clv_annual_discount_rate": 0.12,
        "clv_profit_margin": 0.3,
        "churn_horizon_days": 60,
        "next_order_min_probability_alive": 0.4,
    }
    build.build(
        build.BuildOptions(
            warehouse, "ci", raw_files.find(raw_dir), project.column_mapping(), dbt_vars
        )
    )
    return warehouse


def test_pipeline_predicts_what_the_formulas_give(weekly_warehouse: Path) -> None:
    con = duckdb.connect(str(weekly_warehouse), read_only=True)
    try:
        fit = con.execute(
            "select bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, time_unit_days, horizon_periods, "
            "annual_discount_rate, bgnbd_status from marts.clv_model_parameters"
        ).fetchone()
        customers = con.execute(
            "select repeat_transactions, recency_periods, age_periods, probability_alive, "
            "expected_purchases, expected_average_value, predicted_clv, "
            "date_diff('day', first_order_date, as_of_date) as age_days "
            "from marts.customer_clv where predicted_clv > 10 "
            "order by repeat_transactions desc, customer_id limit 25"
        ).fetchall()
        next_orders = con.execute(
            "select repeat_transactions, recency_periods, age_periods, churn_probability, "
            "date_diff('day', as_of_date, expected_next_order_date), expected_next_order_status "
            "from marts.customer_clv order by customer_id"
        ).fetchall()
    finally:
        con.close()
    assert fit is not None and fit[7] == "fitted"
    assert fit[4:7] == (7, 20, pytest.approx(0.12))
    params = tuple(float(value) for value in fit[:4])
    assert len(customers) == 25
    d = weekly_rate(0.12)
    for x, t_x, t_cal, alive, purchases, value, clv_value, age_days in customers:
        # THEN the age is in weeks, P(alive) and E[Y(20)] are the formulas', and the
        # CLV is 0.3 x E[M] x the 20 weekly steps discounted at 12% a year
        assert t_cal == pytest.approx(age_days / 7, rel=1e-9)
        assert alive == pytest.approx(p_alive(x, t_x, t_cal, *params), rel=1e-9)
        assert purchases == pytest.approx(expected_purchases(20, x, t_x, t_cal, params), rel=1e-6)
        # E[M] and the CLV are stored in cents: the tolerance is their rounding, far
        # below the 0.27% one week's discounting moves it (the smallest wrong variant)
        steps = discounted_purchases(x, t_x, t_cal, 20, d, params)
        by_hand = 0.3 * float(value) * steps
        rounding = 0.3 * 0.005 * steps + 0.005
        assert float(clv_value) == pytest.approx(by_hand, abs=rounding)
        assert rounding < 0.0027 * by_hand
    # THEN every customer's churn probability is over 60 days (60/7 weeks), and the next
    # order is the median wait (alpha+T)(2^(1/(r+x)) - 1) weeks in days rounded up,
    # null with the reason under the 0.4 floor
    r, alpha = params[:2]
    statuses = set()
    for x, t_x, t_cal, churn, days, status in next_orders:
        assert churn == pytest.approx(churn_probability(60 / 7, x, t_x, t_cal, *params), rel=1e-9)
        if p_alive(x, t_x, t_cal, *params) < 0.4:
            assert days is None and status.endswith("under the floor 0.4")
        else:
            assert status == "predicted"
            assert days == math.ceil((alpha + t_cal) * (2 ** (1 / (r + x)) - 1) * 7 - 1e-9)
        statuses.add(status.split(" ")[0])
    assert statuses == {"predicted", "probability"}  # both cases were met


def test_hand_discounting_is_not_the_undiscounted_sum() -> None:
    # The pipeline check above means something only if discounting moves the value by
    # more than its tolerance: at 12% a year over 20 weeks it does, by about 2%.
    params = (R, ALPHA, A, B)
    discounted = discounted_purchases(12, 50.0, 52.0, 20, weekly_rate(0.12), params)
    undiscounted = expected_purchases(20, 12, 50.0, 52.0, params)
    assert 0.005 < 1 - discounted / undiscounted < 0.05
    assert np.isfinite(discounted)

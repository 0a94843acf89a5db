"""Churn probability and expected next order date against hand computations.

The expected values are written out here with `math`, from the BG/NBD posterior
(Fader, Hardie & Lee 2005): alive at T, the purchase rate is Gamma(r+x, alpha+T)
and dropout only follows a purchase, so

    P(no purchase in tau) = 1 - P(alive) [1 - ((alpha+T)/(alpha+T+tau))^(r+x)]
    median wait if alive  = (alpha+T) (2^(1/(r+x)) - 1)

and, independently, from Fader & Hardie's note 039 (eq. 34, n = 0) in its
beta-function form. The CDNOW parameters, weekly periods, a 90-day horizon.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pytest

from segments.analytics import clv
from segments.analytics.clv_model import NOT_FITTED, ChurnConfig, ClvConfig, predict
from segments.core.errors import SegmentsError

R, ALPHA, A, B = 0.243, 4.414, 0.793, 2.426  # BG/NBD, CDNOW (FHL 2005)
BGNBD = clv.BgNbdParams(
    r=R, alpha=ALPHA, a=A, b=B, log_likelihood=0.0, n_customers=0, converged=True
)
TAU = 90 / 7  # the default 90 days in weeks
AS_OF = date(2025, 12, 31)
# (x, t_x, T) in weeks
ONE_PURCHASE = (0, 0.0, 38.86)
FHL_EXAMPLE = (2, 30.43, 38.86)
LONG_SILENT = (5, 10.0, 52.0)  # five repeat purchases, none in the last 42 weeks
BUSY = (12, 50.0, 52.0)
CUSTOMERS = {"one": ONE_PURCHASE, "fhl": FHL_EXAMPLE, "silent": LONG_SILENT, "busy": BUSY}

# By hand, each customer's P(alive) = 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
# and P(no purchase in tau | alive) = ((alpha+T)/(alpha+T+tau))^(r+x):
HAND = {
    "one": {
        "alive": 1.0,  # no repeat purchase: cannot have dropped out
        "silent_if_alive": ((4.414 + 38.86) / (4.414 + 38.86 + 90 / 7)) ** 0.243,
        "median_weeks": (4.414 + 38.86) * (2 ** (1 / 0.243) - 1),
    },
    "fhl": {
        "alive": 1 / (1 + 0.793 / 3.426 * ((4.414 + 38.86) / (4.414 + 30.43)) ** 2.243),
        "silent_if_alive": ((4.414 + 38.86) / (4.414 + 38.86 + 90 / 7)) ** 2.243,
        "median_weeks": (4.414 + 38.86) * (2 ** (1 / 2.243) - 1),
    },
    "silent": {
        "alive": 1 / (1 + 0.793 / 6.426 * ((4.414 + 52) / (4.414 + 10)) ** 5.243),
        "silent_if_alive": ((4.414 + 52) / (4.414 + 52 + 90 / 7)) ** 5.243,
        "median_weeks": (4.414 + 52) * (2 ** (1 / 5.243) - 1),
    },
    "busy": {
        "alive": 1 / (1 + 0.793 / 13.426 * ((4.414 + 52) / (4.414 + 50)) ** 12.243),
        "silent_if_alive": ((4.414 + 52) / (4.414 + 52 + 90 / 7)) ** 12.243,
        "median_weeks": (4.414 + 52) * (2 ** (1 / 12.243) - 1),
    },
}


def churn_by_hand(name: str) -> float:
    """Gone, or alive and not buying: (1 - p) + p S."""
    hand = HAND[name]
    return (1 - hand["alive"]) + hand["alive"] * hand["silent_if_alive"]


def log_beta(p: float, q: float) -> float:
    return math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q)


def note_039_no_purchase(x: float, t_x: float, t_cal: float, t: float) -> float:
    """Note 039, eq. 34 with n = 0 (x > 0):
    [B(a+1,b+x-1)/(alpha+t_x)^(r+x) + B(a,b+x)/(alpha+T+t)^(r+x)]
    / [B(a+1,b+x-1)/(alpha+t_x)^(r+x) + B(a,b+x)/(alpha+T)^(r+x)]."""
    dropped = math.exp(log_beta(A + 1, B + x - 1) - (R + x) * math.log(ALPHA + t_x))
    later = math.exp(log_beta(A, B + x) - (R + x) * math.log(ALPHA + t_cal + t))
    now = math.exp(log_beta(A, B + x) - (R + x) * math.log(ALPHA + t_cal))
    return (dropped + later) / (dropped + now)


def parameters(**changes: float) -> pd.Series:
    row = {
        "bgnbd_r": R,
        "bgnbd_alpha": ALPHA,
        "bgnbd_a": A,
        "bgnbd_b": B,
        "bgnbd_log_likelihood": 0.0,
        "bgnbd_customers": 0,
        "bgnbd_status": "fitted",
        "gamma_gamma_status": "not fitted: not needed here",
    }
    return pd.Series(row | {f"bgnbd_{name}": value for name, value in changes.items()})


def inputs(customers: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": list(customers),
            "frequency": [x for x, _, _ in customers.values()],
            "recency": [t_x for _, t_x, _ in customers.values()],
            "t": [t_cal for _, _, t_cal in customers.values()],
            "repeat_average_value": [10.0] * len(customers),
        }
    )


def predicted(churn: ChurnConfig | None = None, **changes: float) -> pd.DataFrame:
    config = ClvConfig(time_unit_days=7, horizon_periods=52, annual_discount_rate=0.1)
    out = predict(inputs(CUSTOMERS), parameters(**changes), config, churn or ChurnConfig(), AS_OF)
    return out.set_index("customer_id")


def test_hand_values_are_what_they_say() -> None:
    # The hand arithmetic itself, to four places, so the same slip on both sides
    # cannot pass: a busy buyer rarely goes 90 days without an order, the one who
    # went quiet after five almost surely does, and the one-time buyer mostly does.
    assert round(churn_by_hand("one"), 4) == 0.9387
    assert round(churn_by_hand("fhl"), 4) == 0.6788
    assert round(churn_by_hand("silent"), 4) == 0.9959
    assert round(churn_by_hand("busy"), 4) == 0.1583
    assert round(HAND["busy"]["median_weeks"] * 7, 4) == 23.0025


@pytest.mark.parametrize("name", list(CUSTOMERS))
def test_churn_probability_is_the_posterior_formula(name: str) -> None:
    # GIVEN the CDNOW parameters and a 90-day horizon WHEN the module computes it
    x, t_x, t_cal = CUSTOMERS[name]
    actual = clv.probability_no_purchase(BGNBD, TAU, [x], [t_x], [t_cal])[0]
    # THEN it is (1 - p) + p ((alpha+T)/(alpha+T+tau))^(r+x), worked out by hand
    assert actual == pytest.approx(churn_by_hand(name), rel=1e-12)


def test_one_time_buyer_churns_by_the_prior_rate_alone() -> None:
    # x = 0: P(alive) = 1, so churn = ((alpha+T)/(alpha+T+tau))^r, and it grows with T
    x, t_x, t_cal = ONE_PURCHASE
    actual = clv.probability_no_purchase(BGNBD, TAU, [x, x], [t_x, t_x], [t_cal, 104.0])
    assert actual[0] == pytest.approx(((4.414 + 38.86) / (4.414 + 38.86 + 90 / 7)) ** 0.243)
    assert actual[1] == pytest.approx(((4.414 + 104) / (4.414 + 104 + 90 / 7)) ** 0.243)
    assert actual[1] > actual[0]


@pytest.mark.parametrize("name", ["fhl", "silent", "busy"])
def test_churn_probability_is_note_039_with_no_purchase(name: str) -> None:
    # The same number from the published conditional pmf, derived another way
    x, t_x, t_cal = CUSTOMERS[name]
    actual = clv.probability_no_purchase(BGNBD, TAU, [x], [t_x], [t_cal])[0]
    assert actual == pytest.approx(note_039_no_purchase(x, t_x, t_cal, TAU), rel=1e-10)


def test_the_wrong_variants_give_other_numbers() -> None:
    # P(alive) x S alone (forgets the dropped-out), 1 - P(alive) x S (the complement
    # taken twice: a busy buyer would "churn" at 0.93), the recency in place of T
    hand = HAND["busy"]
    right = churn_by_hand("busy")
    x, t_x, _ = BUSY
    wrong = {
        "alive and silent only": hand["alive"] * hand["silent_if_alive"],
        "complement twice": 1 - hand["alive"] * hand["silent_if_alive"],
        "recency for T": 1 - hand["alive"] * (1 - ((ALPHA + t_x) / (ALPHA + t_x + TAU)) ** (R + x)),
    }
    for label, value in wrong.items():
        assert not math.isclose(value, right, rel_tol=1e-3), label


@pytest.mark.parametrize("name", list(CUSTOMERS))
def test_median_wait_is_where_half_have_bought(name: str) -> None:
    x, t_x, t_cal = CUSTOMERS[name]
    median = clv.median_time_to_next_purchase(BGNBD, [x], [t_x], [t_cal])[0]
    assert median == pytest.approx(HAND[name]["median_weeks"], rel=1e-12)
    # at the median, an alive customer has not bought yet with probability one half
    assert ((ALPHA + t_cal) / (ALPHA + t_cal + median)) ** (R + x) == pytest.approx(0.5)


def test_predict_gives_churn_and_the_next_order_date_rounded_up() -> None:
    # GIVEN the four customers as of 2025-12-31 WHEN the dbt model's function predicts
    out = predicted()
    # THEN churn is the hand value, and the date is the as-of date + the median
    # wait in days rounded up: the busy buyer's 23.0025 days are 24, not 23
    for name in CUSTOMERS:
        assert out.loc[name, "churn_probability"] == pytest.approx(churn_by_hand(name))
    assert out.loc["busy", "expected_next_order_date"].date() == AS_OF + timedelta(days=24)
    assert out.loc["fhl", "expected_next_order_date"].date() == AS_OF + timedelta(
        days=math.ceil((4.414 + 38.86) * (2 ** (1 / 2.243) - 1) * 7)  # 109.69 -> 110
    )
    assert out.loc["one", "expected_next_order_date"].date() == AS_OF + timedelta(days=4947)
    assert (out.loc[["one", "fhl", "busy"], "expected_next_order_status"] == "predicted").all()


def test_no_date_under_the_probability_alive_floor() -> None:
    # GIVEN the default floor 0.5: the long-silent customer (P(alive) 0.0063) gets no date
    out = predicted()
    assert HAND["silent"]["alive"] == pytest.approx(0.0063, abs=1e-4)
    assert pd.isna(out.loc["silent", "expected_next_order_date"])
    assert (
        out.loc["silent", "expected_next_order_status"]
        == "probability alive 0.006 under the floor 0.5"
    )
    # but still a churn probability
    assert out.loc["silent", "churn_probability"] == pytest.approx(churn_by_hand("silent"))
    # WHEN the floor is 0.95 THEN the busy buyer (0.9158) loses its date too, and the
    # value shown is cut, not rounded, so it reads as under the floor
    strict = predicted(ChurnConfig(next_order_min_probability_alive=0.95))
    assert pd.isna(strict.loc["busy", "expected_next_order_date"])
    assert (
        strict.loc["busy", "expected_next_order_status"]
        == "probability alive 0.915 under the floor 0.95"
    )
    # and with no floor everyone has a date
    assert (
        predicted(ChurnConfig(next_order_min_probability_alive=0.0))["expected_next_order_date"]
        .notna()
        .all()
    )


def test_a_date_exactly_at_the_floor_is_predicted() -> None:
    # the floor set to the module's own P(alive) of the customer (the hand value
    # differs in the last bits): "under the floor" is strict
    x, t_x, t_cal = FHL_EXAMPLE
    alive = float(clv.probability_alive(BGNBD, [x], [t_x], [t_cal])[0])
    out = predicted(ChurnConfig(next_order_min_probability_alive=alive))
    assert out.loc["fhl", "expected_next_order_status"] == "predicted"


def test_not_fitted_and_left_out_say_why() -> None:
    config = ClvConfig()
    frame = inputs({"ok": BUSY, "odd": (3, 40.0, 30.0)})  # recency after T
    not_fitted = predict(frame, NOT_FITTED, config, ChurnConfig(), AS_OF)
    assert not_fitted["churn_probability"].isna().all()
    assert not_fitted["expected_next_order_date"].isna().all()
    assert (not_fitted["expected_next_order_status"] == "not fitted: no customers").all()
    failed = parameters()
    failed["bgnbd_status"] = "not fitted: no repeat purchase"
    assert set(predict(frame, failed, config)["expected_next_order_status"]) == {
        "not fitted: no repeat purchase"
    }
    fitted = predict(frame, parameters(), config, ChurnConfig(), AS_OF).set_index("customer_id")
    assert fitted.loc["odd", "expected_next_order_status"] == "left out of the fit: recency after t"
    assert pd.isna(fitted.loc["odd", "churn_probability"])
    assert fitted.loc["ok", "expected_next_order_status"] == "predicted"


def test_a_wait_over_a_century_is_no_date() -> None:
    # r = 0.05: a one-time buyer's median wait is (alpha+T)(2^20 - 1) weeks
    out = predicted(r=0.05)
    assert (4.414 + 38.86) * (2**20 - 1) * 7 > 36_525
    assert pd.isna(out.loc["one", "expected_next_order_date"])
    assert out.loc["one", "expected_next_order_status"] == "median wait over 36525 days"


def test_the_horizon_is_in_days_whatever_the_time_unit() -> None:
    # The same customers in days (every time input x 7, alpha x 7) give the same
    # churn probability over 90 days and the same dates.
    frame = inputs(CUSTOMERS)
    frame[["recency", "t"]] *= 7
    daily = predict(
        frame,
        parameters(alpha=ALPHA * 7),
        ClvConfig(time_unit_days=1, horizon_periods=364, annual_discount_rate=0.1),
        ChurnConfig(),
        AS_OF,
    ).set_index("customer_id")
    weekly = predicted()
    pd.testing.assert_series_equal(daily["churn_probability"], weekly["churn_probability"])
    assert (daily["expected_next_order_date"] - weekly["expected_next_order_date"]).abs().max() <= (
        pd.Timedelta(days=1)  # the same median; ceil may differ by float noise only
    )


def test_churn_config_refuses_missing_and_bad_values() -> None:
    assert ChurnConfig.from_config(
        churn_horizon_days="60", next_order_min_probability_alive="0.3"
    ) == ChurnConfig(60.0, 0.3)
    with pytest.raises(SegmentsError, match="next_order_min_probability_alive"):
        ChurnConfig.from_config(churn_horizon_days="60")
    with pytest.raises(SegmentsError, match="churn_horizon_days"):
        ChurnConfig(churn_horizon_days=0)
    with pytest.raises(SegmentsError, match="between 0 and 1"):
        ChurnConfig(next_order_min_probability_alive=1.5)

"""Unit tests of segments.analytics.clv on small hand-made and simulated data.

The published CDNOW checks live in test_cdnow.py; these pin the model
properties, the input rules and the failure modes.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize
from scipy.special import hyp2f1

from segments.analytics import clv
from segments.analytics.clv import bgnbd, optimise
from segments.core.errors import SegmentsError

# Close to the published CDNOW estimates, so the numbers are realistic.
BGNBD = clv.BgNbdParams(
    r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n_customers=0, converged=True
)
GAMMA_GAMMA = clv.GammaGammaParams(
    p=6.25, q=3.74, gamma=15.44, log_likelihood=0.0, n_customers=0, converged=True
)


def simulate_bgnbd(
    n_customers: int, r: float, alpha: float, a: float, b: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw (frequency, recency, T) from the BG/NBD story, T in whole weeks 26..52.

    Whole-week T and the many one-purchase customers (x = 0, t_x = 0) give
    plenty of identical rows, as real data do.
    """
    rng = np.random.default_rng(seed)
    frequency = np.zeros(n_customers)
    recency = np.zeros(n_customers)
    observed = rng.integers(26, 53, size=n_customers).astype(float)
    rates = rng.gamma(r, 1.0 / alpha, size=n_customers)
    dropout = rng.beta(a, b, size=n_customers)
    for i in range(n_customers):
        now = 0.0
        while True:
            now += rng.exponential(1.0 / rates[i])
            if now > observed[i]:
                break
            frequency[i] += 1
            recency[i] = now
            if rng.random() < dropout[i]:
                break
    return frequency, recency, observed


@pytest.fixture(scope="module")
def simulated() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return simulate_bgnbd(3000, r=0.5, alpha=6.0, a=0.7, b=2.5, seed=20240501)


# --------------------------------------------------------------------------
# BG/NBD fit
# --------------------------------------------------------------------------


def test_collapsed_fit_equals_uncollapsed_fit(simulated, monkeypatch):
    # GIVEN simulated customers with many identical (x, t_x, T) rows
    frequency, recency, observed = simulated
    _, unique_rows = clv.collapse_rows(np.ones(len(frequency)), frequency, recency, observed)
    assert len(unique_rows[0]) < 0.8 * len(frequency)
    # WHEN the model is fitted with the row collapse (the default) and with
    # the collapse replaced by the identity (one likelihood term per customer)
    collapsed = clv.fit_bgnbd(frequency, recency, observed)
    monkeypatch.setattr(bgnbd, "collapse_rows", lambda weights, *columns: (weights, tuple(columns)))
    uncollapsed = clv.fit_bgnbd(frequency, recency, observed)
    # THEN both give the same parameters and log-likelihood
    for name in ("r", "alpha", "a", "b"):
        assert getattr(collapsed, name) == pytest.approx(getattr(uncollapsed, name), rel=1e-5)
    assert collapsed.log_likelihood == pytest.approx(uncollapsed.log_likelihood, abs=1e-6)
    assert collapsed.n_customers == uncollapsed.n_customers == 3000


def test_weights_are_equivalent_to_repeated_rows(simulated):
    # GIVEN the simulated customers, and the same base as unique rows with
    # customer counts as weights
    frequency, recency, observed = simulated
    counts, (unique_frequency, unique_recency, unique_observed) = clv.collapse_rows(
        np.ones(len(frequency)), frequency, recency, observed
    )
    assert counts.sum() == len(frequency)
    # WHEN fitted once on the customers and once on the weighted unique rows
    repeated = clv.fit_bgnbd(frequency, recency, observed)
    weighted = clv.fit_bgnbd(unique_frequency, unique_recency, unique_observed, weights=counts)
    # THEN the estimates agree and the customer count is the weight total
    assert weighted.n_customers == repeated.n_customers == 3000
    assert weighted.log_likelihood == pytest.approx(repeated.log_likelihood, abs=1e-8)
    assert weighted.r == pytest.approx(repeated.r, rel=1e-6)


def test_tiny_base_that_cannot_identify_dropout_is_a_fit_error():
    # GIVEN 26 customers (five distinct histories as weights) in which
    # dropout is not identified: the likelihood rises as a, b -> infinity
    frequency = np.array([0, 1, 3, 2, 5])
    recency = np.array([0.0, 4.0, 20.0, 10.0, 30.0])
    observed = np.array([30.0, 30.0, 30.0, 40.0, 40.0])
    weights = np.array([12, 5, 3, 4, 2])
    # WHEN fitted THEN the error says it did not converge and where it went
    with pytest.raises(clv.ClvFitError, match=r"did not converge.*stopped at") as caught:
        clv.fit_bgnbd(frequency, recency, observed, weights=weights, min_customers=1)
    assert "the data may not identify the model" in str(caught.value)


def test_fit_recovers_simulation_parameters(simulated):
    # GIVEN 3,000 customers simulated with r=0.5, alpha=6, a=0.7, b=2.5
    # WHEN the BG/NBD is fitted
    fitted = clv.fit_bgnbd(*simulated)
    # THEN the purchase-rate parameters are recovered closely and the
    # dropout parameters (estimated from fewer events) roughly
    assert fitted.converged
    assert fitted.r == pytest.approx(0.5, rel=0.15)
    assert fitted.alpha == pytest.approx(6.0, rel=0.25)
    assert fitted.a == pytest.approx(0.7, rel=0.35)
    assert fitted.b == pytest.approx(2.5, rel=0.5)


def test_penalizer_shrinks_parameters(simulated):
    # GIVEN the same data fitted without and with an L2 penalty
    plain = clv.fit_bgnbd(*simulated)
    penalised = clv.fit_bgnbd(*simulated, penalizer=0.1)
    # THEN the penalty pulls the parameters towards 0, and the reported
    # log-likelihood (unpenalised) can only be lower
    plain_size = plain.r**2 + plain.alpha**2 + plain.a**2 + plain.b**2
    penalised_size = penalised.r**2 + penalised.alpha**2 + penalised.a**2 + penalised.b**2
    assert penalised_size < plain_size
    assert penalised.log_likelihood <= plain.log_likelihood


def test_single_purchase_customers_are_fitted_and_predicted():
    # GIVEN a base where most customers bought once (frequency 0, recency 0)
    frequency, recency, observed = simulate_bgnbd(800, r=0.3, alpha=8.0, a=0.8, b=2.0, seed=5)
    assert (frequency == 0).mean() > 0.5
    # WHEN fitted and asked for predictions
    fitted = clv.fit_bgnbd(frequency, recency, observed)
    expected = clv.expected_purchases(fitted, 26, frequency, recency, observed)
    # THEN every prediction is finite and positive, and all one-time buyers
    # observed equally long get the same prediction
    assert np.all(np.isfinite(expected)) and np.all(expected > 0)
    one_timers_at_40 = (frequency == 0) & (observed == 40)
    assert np.ptp(expected[one_timers_at_40]) == 0


def test_log_likelihood_of_one_customer_matches_the_formula():
    # GIVEN one customer x=2, t_x=30.43, T=38.86 and the published parameters
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    x, t_x, t_cal = 2.0, 30.43, 38.86
    # WHEN the likelihood is computed term by term in plain floats (FHL 2005, eq. 6)
    from math import exp, gamma, lgamma, log

    def beta(p: float, q: float) -> float:
        return exp(lgamma(p) + lgamma(q) - lgamma(p + q))

    shared = gamma(r + x) * alpha**r / gamma(r)
    alive = beta(a, b + x) / beta(a, b) * shared / (alpha + t_cal) ** (r + x)
    died = beta(a + 1, b + x - 1) / beta(a, b) * shared / (alpha + t_x) ** (r + x)
    # THEN the vectorised log-sum-exp version agrees
    actual = clv.bgnbd_log_likelihood(
        r, alpha, a, b, np.array([x]), np.array([t_x]), np.array([t_cal])
    )
    assert actual[0] == pytest.approx(log(alive + died), rel=1e-12)


# --------------------------------------------------------------------------
# BG/NBD predictions
# --------------------------------------------------------------------------


def test_p_alive_is_one_without_repeat_purchases():
    # GIVEN customers with no repeat purchase, observed for different lengths
    observed = np.array([0.5, 1.0, 10.0, 38.86, 500.0])
    zeros = np.zeros_like(observed)
    # WHEN P(alive) is computed
    alive = clv.probability_alive(BGNBD, zeros, zeros, observed)
    # THEN it is exactly 1: under the BG/NBD a customer can only drop out
    # right after a purchase
    assert np.all(alive == 1.0)


def test_p_alive_falls_as_silence_grows():
    # GIVEN a customer with 3 repeat purchases, the last at week 10
    observed = np.array([10.0, 20.0, 40.0, 80.0])
    # WHEN observed for longer without buying again
    alive = clv.probability_alive(BGNBD, np.full(4, 3), np.full(4, 10.0), observed)
    # THEN P(alive) is below 1 (they may have dropped out after that
    # purchase) and falls the longer they stay silent
    assert np.all((alive > 0) & (alive < 1))
    assert np.all(np.diff(alive) < 0)


def test_expected_purchases_grows_with_horizon_and_is_zero_at_zero():
    # GIVEN one customer x=2, t_x=30.43, T=38.86
    horizons = np.array([0.0, 1.0, 13.0, 39.0, 78.0])
    # WHEN the conditional expectation is computed for several horizons
    expected = clv.expected_purchases(BGNBD, horizons, 2, 30.43, 38.86)
    # THEN it starts at 0 and increases
    assert expected[0] == 0.0
    assert np.all(np.diff(expected) > 0)


def test_expected_purchases_equals_eq10_as_printed():
    # GIVEN eq. 10 of FHL 2005 evaluated literally, for ordinary customers
    r, alpha, a, b = BGNBD.r, BGNBD.alpha, BGNBD.a, BGNBD.b

    def as_printed(t: float, x: float, t_x: float, t_cal: float) -> float:
        z = t / (alpha + t_cal + t)
        power = ((alpha + t_cal) / (alpha + t_cal + t)) ** (r + x)
        numerator = (a + b + x - 1) / (a - 1) * (1 - power * hyp2f1(r + x, b + x, a + b + x - 1, z))
        odds = a / (b + x - 1) * ((alpha + t_cal) / (alpha + t_x)) ** (r + x) if x > 0 else 0.0
        return numerator / (1 + odds)

    # WHEN computed through the Euler-transformed form used by the module
    # THEN both agree
    for t, x, t_x, t_cal in [(39, 0, 0, 38.86), (39, 2, 30.43, 38.86), (52, 10, 50, 52)]:
        actual = clv.expected_purchases(BGNBD, t, x, t_x, t_cal)[0]
        assert actual == pytest.approx(as_printed(t, x, t_x, t_cal), rel=1e-10)


def test_heavy_buyers_get_finite_predictions():
    # GIVEN customers with 1,000 repeat purchases, where eq. 10 as printed
    # overflows the 2F1 while its power term underflows (0 * inf = NaN)
    frequency = np.array([1000.0, 1000.0])
    recency = np.array([52.0, 5.2])
    observed = np.array([52.0, 52.0])
    # WHEN predicted
    expected = clv.expected_purchases(BGNBD, 52, frequency, recency, observed)
    alive = clv.probability_alive(BGNBD, frequency, recency, observed)
    # THEN the values are finite: the recent buyer is alive and busy, the
    # one silent for 47 weeks after buying every 18 hours is gone
    assert np.all(np.isfinite(expected))
    assert alive[0] > 0.99 and expected[0] > 500
    assert alive[1] < 1e-100 and expected[1] < 1e-100


def test_unconditional_expectation_uses_a_converged_series():
    # GIVEN the 2F1 series of E[X(78)] summed term by term to convergence
    r, alpha, a, b = BGNBD.r, BGNBD.alpha, BGNBD.a, BGNBD.b
    t = 78.0
    z = t / (alpha + t)
    term, total = 1.0, 1.0
    for n in range(5000):
        term *= (r + n) * (b + n) / ((a + b - 1 + n) * (n + 1)) * z
        total += term
    by_series = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * total)
    # WHEN computed with scipy's hyp2f1
    # THEN both agree (scipy's value is the converged one)
    assert clv.expected_purchases_unconditional(BGNBD, [t])[0] == pytest.approx(by_series, 1e-10)


# --------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------


def simulate_spend(n_customers: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean spend of x repeat purchases, each Gamma(p, nu) with nu ~ Gamma(q, gamma)."""
    rng = np.random.default_rng(seed)
    frequency = rng.integers(1, 8, size=n_customers).astype(float)
    nu = rng.gamma(3.74, 1.0 / 15.44, size=n_customers)
    totals = rng.gamma(6.25 * frequency, 1.0 / nu)
    return frequency, totals / frequency


def test_gamma_gamma_excludes_non_positive_spend_and_one_time_buyers():
    # GIVEN repeat customers plus rows the model does not cover: one-time
    # buyers, a zero mean spend (free items) and a negative one (refunds)
    frequency, spend = simulate_spend(400, seed=11)
    extra_frequency = np.array([0.0, 0.0, 2.0, 3.0])
    extra_spend = np.array([0.0, 25.0, 0.0, -12.5])
    # WHEN fitted with and without those rows
    with_extra = clv.fit_gamma_gamma(
        np.concatenate([frequency, extra_frequency]), np.concatenate([spend, extra_spend])
    )
    clean = clv.fit_gamma_gamma(frequency, spend)
    # THEN the extra rows are ignored
    assert with_extra.n_customers == clean.n_customers == 400
    assert with_extra.p == pytest.approx(clean.p, rel=1e-9)
    assert with_extra.log_likelihood == pytest.approx(clean.log_likelihood, rel=1e-12)
    # AND they are given the documented fallback, the population mean
    values = clv.expected_average_value(clean, extra_frequency, extra_spend)
    assert values == pytest.approx(np.full(4, clean.p * clean.gamma / (clean.q - 1)))


def test_expected_average_value_shrinks_towards_population_mean():
    # GIVEN a customer averaging $100 over 2 and over 20 repeat purchases
    population_mean = 6.25 * 15.44 / 2.74
    # WHEN the expected spend per future purchase is computed (FHL 2005 JMR eq. 5)
    values = clv.expected_average_value(GAMMA_GAMMA, [2, 20], [100.0, 100.0])
    # THEN it lies between the population mean and $100, closer to $100
    # the more purchases back it, with the weights of the formula
    weight_own = 6.25 * 2 / (6.25 * 2 + 3.74 - 1)
    assert values[0] == pytest.approx(weight_own * 100 + (1 - weight_own) * population_mean)
    assert population_mean < values[0] < values[1] < 100.0


def test_expected_average_value_needs_q_above_one():
    # GIVEN Gamma-Gamma parameters with q <= 1 (infinite population mean)
    broken = clv.GammaGammaParams(
        p=2.0, q=0.9, gamma=10.0, log_likelihood=0.0, n_customers=50, converged=True
    )
    # WHEN an expected value is asked for THEN a clear error is raised
    with pytest.raises(clv.ClvFitError, match=r"q = 0\.9 <= 1"):
        clv.expected_average_value(broken, [1], [20.0])


# --------------------------------------------------------------------------
# CLV
# --------------------------------------------------------------------------


def test_undiscounted_clv_is_purchases_times_value():
    # GIVEN customers and no discounting
    frequency = np.array([0, 2, 7])
    recency = np.array([0.0, 30.43, 35.0])
    observed = np.array([38.86, 38.86, 38.0])
    spend = np.array([0.0, 22.35, 40.0])
    # WHEN the CLV sums weekly steps over 39 weeks
    lifetime_value = clv.discounted_clv(
        BGNBD, GAMMA_GAMMA, frequency, recency, observed, spend, horizon_periods=39
    )
    # THEN the steps telescope to E[Y(39)] x E(M)
    expected = clv.expected_purchases(BGNBD, 39, frequency, recency, observed)
    value = clv.expected_average_value(GAMMA_GAMMA, frequency, spend)
    assert lifetime_value == pytest.approx(expected * value, rel=1e-10)


def test_discounting_lowers_clv_and_handles_a_partial_last_step():
    # GIVEN one customer and a 10-week horizon in 4-week steps (4 + 4 + 2)
    args = (BGNBD, GAMMA_GAMMA, [3], [20.0], [30.0], [50.0])
    # WHEN discounted at 1% per step
    undiscounted = clv.discounted_clv(*args, horizon_periods=10, periods_per_step=4)
    discounted = clv.discounted_clv(
        *args, horizon_periods=10, periods_per_step=4, discount_rate_per_step=0.01
    )
    # THEN the value is lower, and equals the hand-built three-step sum
    cumulative = clv.expected_purchases(BGNBD, np.array([0.0, 4.0, 8.0, 10.0]), 3, 20.0, 30.0)
    steps = np.diff(cumulative)
    value = clv.expected_average_value(GAMMA_GAMMA, [3], [50.0])[0]
    by_hand = value * sum(step / 1.01 ** (i + 1) for i, step in enumerate(steps))
    assert discounted[0] < undiscounted[0]
    assert discounted[0] == pytest.approx(by_hand, rel=1e-12)


def test_per_step_rate_compounds_to_the_annual_rate():
    # GIVEN 15% a year WHEN converted to weekly steps THEN 365.25/7 steps compound back
    weekly = clv.per_step_rate(0.15, periods_per_step=1, days_per_period=7)
    assert (1 + weekly) ** (365.25 / 7) == pytest.approx(1.15)


# --------------------------------------------------------------------------
# Failures
# --------------------------------------------------------------------------


def test_no_repeat_purchasers_is_a_clear_fit_error():
    # GIVEN 50 customers who all bought exactly once
    zeros = np.zeros(50)
    # WHEN fitted THEN the fit refuses and says why
    with pytest.raises(clv.ClvFitError, match="no customer made a repeat purchase"):
        clv.fit_bgnbd(zeros, zeros, np.full(50, 30.0))


def test_too_few_customers_is_a_clear_fit_error():
    # GIVEN 5 customers WHEN fitted THEN the minimum is named
    with pytest.raises(clv.ClvFitError, match=r"at least 20 customers.*got 5"):
        clv.fit_bgnbd([1, 0, 2, 0, 1], [3.0, 0, 5.0, 0, 1.0], [10.0] * 5)


def test_all_t_zero_is_a_clear_fit_error():
    # GIVEN customers all first seen on the last day (T = 0)
    frequency = np.array([1.0] * 10 + [0.0] * 20)
    zeros = np.zeros(30)
    # WHEN fitted THEN the fit refuses
    with pytest.raises(clv.ClvFitError, match="every T is 0"):
        clv.fit_bgnbd(frequency, zeros, zeros)


def test_gamma_gamma_degenerate_data_is_a_clear_fit_error():
    # GIVEN too few usable customers, then everyone with the same mean spend
    # WHEN fitted THEN each case says what is wrong
    with pytest.raises(clv.ClvFitError, match="at least 10 repeat customers"):
        clv.fit_gamma_gamma([1, 2, 0, 3], [10.0, 20.0, 0.0, -5.0])
    with pytest.raises(clv.ClvFitError, match="same mean spend"):
        clv.fit_gamma_gamma(np.arange(1, 31), np.full(30, 25.0))


def test_optimiser_failure_from_every_start_is_a_fit_error(simulated, monkeypatch):
    # GIVEN an optimiser that never converges
    def never_converges(fun, x0, **kwargs):
        return optimize.OptimizeResult(
            x=np.asarray(x0), fun=np.inf, success=False, message="iteration limit"
        )

    monkeypatch.setattr(optimise.optimize, "minimize", never_converges)
    # WHEN the model is fitted THEN the error names the starts tried
    with pytest.raises(clv.ClvFitError, match="did not converge from any of 3 starting points"):
        clv.fit_bgnbd(*simulated)


def test_parameters_running_to_a_boundary_are_not_reported():
    # GIVEN customers whose last purchase is always at the very end: no
    # dropout is ever visible, so the likelihood keeps rising as b -> inf
    frequency = np.tile([1.0, 2.0, 3.0, 5.0, 8.0], 10)
    observed = np.tile([10.0, 20.0, 30.0, 40.0, 50.0], 10)
    # WHEN fitted THEN it is a fit error, not a huge "estimate"
    with pytest.raises(clv.ClvFitError, match="ran off to 0 or infinity"):
        clv.fit_bgnbd(frequency, observed, observed)


@pytest.mark.parametrize(
    ("frequency", "recency", "observed", "message"),
    [
        ([1, 2], [5.0, 12.0], [10.0, 10.0], "recency must be <= T"),
        ([-1, 2], [0.0, 3.0], [10.0, 10.0], "frequency must be >= 0"),
        ([1.5, 2], [1.0, 3.0], [10.0, 10.0], "whole number"),
        ([0, 2], [4.0, 3.0], [10.0, 10.0], "recency must be 0 when frequency is 0"),
        ([1, 2], [1.0, np.nan], [10.0, 10.0], "recency has 1 non-finite"),
        ([1, 2], [1.0, 3.0], [10.0, -np.inf], "T has 1 non-finite"),
        ([1, 2], [1.0, 3.0], [10.0], "same length"),
    ],
)
def test_invalid_inputs_raise_a_clear_error(frequency, recency, observed, message):
    # GIVEN inputs that break the model's definitions
    # WHEN fitted or predicted THEN a ClvInputError (a ValueError and a
    # SegmentsError) names the rule
    for call in (
        lambda: clv.fit_bgnbd(frequency, recency, observed),
        lambda: clv.probability_alive(BGNBD, frequency, recency, observed),
    ):
        with pytest.raises(clv.ClvInputError, match=message) as caught:
            call()
        assert isinstance(caught.value, ValueError)
        assert isinstance(caught.value, SegmentsError)


def test_fits_do_not_depend_on_the_order_of_the_rows(simulated):
    # GIVEN the same customers in two orders (a database returns rows in any order)
    frequency, recency, observed = simulated
    spend = 20.0 + (np.arange(len(frequency)) % 17) * 3.5
    shuffled = np.random.default_rng(3).permutation(len(frequency))
    # WHEN both models are fitted on each
    # THEN the estimates are identical to the last bit (the warehouse's marts are
    # compared by content hash across builds)
    assert clv.fit_bgnbd(frequency, recency, observed) == clv.fit_bgnbd(
        frequency[shuffled], recency[shuffled], observed[shuffled]
    )
    assert clv.fit_gamma_gamma(frequency, spend) == clv.fit_gamma_gamma(
        frequency[shuffled], spend[shuffled]
    )

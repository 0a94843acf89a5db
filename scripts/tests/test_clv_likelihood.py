"""The fast likelihoods the CLV fits maximise equal the per-customer formulas,
and their analytic gradients equal finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from segments.analytics import clv
from segments.analytics.clv.likelihood import BgNbdLikelihood, GammaGammaLikelihood
from tests.test_clv import simulate_bgnbd

BGNBD_POINTS = [
    (0.243, 4.414, 0.793, 2.426),  # CDNOW
    (0.33, 2.2, 1.9, 49.0),  # the demo data
    (2.0, 40.0, 0.2, 0.6),  # b < 1: betaln(a + 1, b + x - 1) at x = 1 has b - 1 < 0
]
GAMMA_GAMMA_POINTS = [(6.25, 3.74, 15.44), (2.06, 2.42, 77.7), (0.5, 8.0, 400.0)]


@pytest.fixture(scope="module")
def histories() -> tuple[np.ndarray, ...]:
    """Simulated BG/NBD customers with whole-week T, collapsed to weighted rows."""
    frequency, recency, observed = simulate_bgnbd(2000, r=0.5, alpha=6.0, a=0.7, b=2.5, seed=7)
    weights, rows = clv.collapse_rows(np.ones(len(frequency)), frequency, recency, observed)
    return (*rows, weights)


@pytest.fixture(scope="module")
def spends() -> tuple[np.ndarray, ...]:
    """Repeat counts and mean spends as the Gamma-Gamma fit sees them (x > 0, m > 0)."""
    rng = np.random.default_rng(11)
    frequency = rng.integers(1, 30, size=1500).astype(float)
    spend = rng.gamma(3.0, 1.0 / rng.gamma(4.0, 1.0 / 60.0, size=1500)) / np.sqrt(frequency)
    weights = rng.integers(1, 4, size=1500).astype(float)
    return frequency, spend, weights


def central_difference(function, point: np.ndarray, step: float = 1e-6) -> np.ndarray:
    gradient = np.empty(len(point))
    for i in range(len(point)):
        shift = np.zeros(len(point))
        shift[i] = step
        gradient[i] = (function(point + shift)[0] - function(point - shift)[0]) / (2 * step)
    return gradient


@pytest.mark.parametrize("params", BGNBD_POINTS)
def test_bgnbd_likelihood_equals_the_per_customer_formula(histories, params):
    # GIVEN weighted histories WHEN the fast likelihood is evaluated
    frequency, recency, observed, weights = histories
    total, _ = BgNbdLikelihood(frequency, recency, observed, weights)(np.log(params))
    # THEN it is the weighted sum of FHL 2005 eq. 6 per customer
    per_customer = clv.bgnbd_log_likelihood(*params, frequency, recency, observed)
    assert total == pytest.approx(float(np.dot(weights, per_customer)), rel=1e-12)


@pytest.mark.parametrize("params", BGNBD_POINTS)
def test_bgnbd_gradient_equals_finite_differences(histories, params):
    likelihood = BgNbdLikelihood(*histories)
    _, gradient = likelihood(np.log(params))
    numeric = central_difference(likelihood, np.log(params))
    assert gradient == pytest.approx(numeric, rel=1e-6, abs=1e-4)


@pytest.mark.parametrize("params", GAMMA_GAMMA_POINTS)
def test_gamma_gamma_likelihood_equals_the_per_customer_formula(spends, params):
    frequency, spend, weights = spends
    total, _ = GammaGammaLikelihood(frequency, spend, weights)(np.log(params))
    per_customer = clv.gamma_gamma_log_likelihood(*params, frequency, spend)
    assert total == pytest.approx(float(np.dot(weights, per_customer)), rel=1e-12)


@pytest.mark.parametrize("params", GAMMA_GAMMA_POINTS)
def test_gamma_gamma_gradient_equals_finite_differences(spends, params):
    likelihood = GammaGammaLikelihood(*spends)
    _, gradient = likelihood(np.log(params))
    numeric = central_difference(likelihood, np.log(params))
    assert gradient == pytest.approx(numeric, rel=1e-6, abs=1e-4)


def test_bgnbd_likelihood_stays_exact_for_huge_dropout_parameters(histories):
    # GIVEN a and b of 1e9 (where log-gamma differences lose every digit)
    # WHEN the likelihood is evaluated at a, b and at 10a, 10b (same ratio)
    likelihood = BgNbdLikelihood(*histories)
    near, _ = likelihood(np.log([0.5, 6.0, 1e9, 3e9]))
    far, _ = likelihood(np.log([0.5, 6.0, 1e10, 3e10]))
    # THEN both are finite and the difference is the smooth limit, not rounding noise
    assert np.isfinite(near) and np.isfinite(far)
    assert abs(far - near) < 1e-3


def test_every_kth_row_is_the_likelihood_of_those_rows(histories):
    frequency, recency, observed, weights = histories
    sample = BgNbdLikelihood(*histories).every_kth_row(3)
    direct = BgNbdLikelihood(frequency[::3], recency[::3], observed[::3], weights[::3])
    point = np.log(BGNBD_POINTS[0])
    assert sample(point)[0] == direct(point)[0]
    assert sample.customers == weights[::3].sum()

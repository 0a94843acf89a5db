"""Customer lifetime value: BG/NBD purchases valued at Gamma-Gamma spend, discounted."""

from __future__ import annotations

import math

from numpy.typing import ArrayLike

from segments.analytics.clv.bgnbd import BgNbdParams, predict_purchases
from segments.analytics.clv.gamma_gamma import GammaGammaParams, expected_average_value
from segments.analytics.clv.inputs import ClvInputError, FloatArray


def discounted_clv(
    bgnbd: BgNbdParams,
    gamma_gamma: GammaGammaParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    horizon_periods: float,
    periods_per_step: float = 1.0,
    discount_rate_per_step: float = 0.0,
    margin: float = 1.0,
) -> FloatArray:
    """Discounted expected value of each customer's purchases over a horizon.

        CLV = margin * E(M | x, m) * discounted purchases

    with the discounted purchases of `predict_purchases` and E(M | x, m) of
    `expected_average_value`: purchases expected in each step are valued at
    the expected spend and discounted at the end of the step. This is the
    formulation of lifetimes' ``customer_lifetime_value`` (monthly steps of
    expected purchases, discounted per month). Spend and purchase counts are
    independent under the Gamma-Gamma assumptions, which is what makes the
    product valid.

    To use an annual rate with steps of ``s`` periods of ``u`` days, pass
    d = (1 + annual_rate) ** (s * u / 365.25) - 1 (see `per_step_rate`).
    """
    purchases = predict_purchases(
        bgnbd, frequency, recency, T, horizon_periods, periods_per_step, discount_rate_per_step
    )
    value = expected_average_value(gamma_gamma, frequency, monetary_value)
    return margin * value * purchases.discounted_purchases


def per_step_rate(annual_rate: float, periods_per_step: float, days_per_period: float) -> float:
    """Convert an annual discount rate to the rate for one step of the CLV sum."""
    if not (math.isfinite(annual_rate) and annual_rate > -1):
        raise ClvInputError(f"annual discount rate must be > -1, got {annual_rate}")
    return (1.0 + annual_rate) ** (periods_per_step * days_per_period / 365.25) - 1.0

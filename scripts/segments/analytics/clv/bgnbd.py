"""BG/NBD (Fader, Hardie & Lee 2005): fit, expected purchases, P(alive)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from segments.analytics.clv.inputs import (
    ClvFitError,
    ClvInputError,
    FloatArray,
    as_float_array,
    collapse_rows,
    distinct_rows,
    first_bad,
    validate_rfm,
    validate_weights,
)
from segments.analytics.clv.likelihood import BgNbdLikelihood
from segments.analytics.clv.optimise import maximise

# Fewer customers than this cannot pin down four heterogeneity parameters;
# the fit refuses rather than returning noise. Callers with a good reason
# may lower it.
MIN_CUSTOMERS_BGNBD = 20

# Fallback starting points on the log scale, tried in turn only when the
# fit from the data-scaled start (`_bgnbd_start`) fails; the first is the
# all-ones start of the literature.
_BGNBD_STARTS: tuple[tuple[float, float, float, float], ...] = (
    (0.0, 0.0, 0.0, 0.0),
    (math.log(0.5), math.log(5.0), math.log(0.5), math.log(2.0)),
)


@dataclass(frozen=True)
class BgNbdParams:
    """Fitted BG/NBD parameters.

    ``r``, ``alpha``: gamma heterogeneity of the purchase rate (shape, scale
    in the chosen time unit); ``a``, ``b``: beta heterogeneity of the
    dropout probability after each purchase. ``log_likelihood`` is the
    maximised total (weighted) log-likelihood, without penalty;
    ``n_customers`` the customers it covers. ``converged`` is always True
    for a fit returned by `fit_bgnbd` (it raises otherwise); it is kept so
    that parameters stored or built by hand say where they came from.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    converged: bool

    def as_dict(self) -> dict[str, float | int | bool]:
        return asdict(self)


def fit_bgnbd(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    weights: ArrayLike | None = None,
    penalizer: float = 0.0,
    *,
    min_customers: int = MIN_CUSTOMERS_BGNBD,
) -> BgNbdParams:
    """Fit the BG/NBD model by maximum likelihood.

    Identical (frequency, recency, T) rows are collapsed into unique rows
    with integer weights before fitting (``weights``, if given, are summed
    per unique row), which gives exactly the same estimate faster.

    The optimiser works on log-parameters (all four are positive) and
    minimises ``-LL / n + penalizer * (r^2 + alpha^2 + a^2 + b^2)``, the
    per-customer scale and L2 penalty of the lifetimes package; with
    ``penalizer=0`` this is plain maximum likelihood.

    Raises `ClvInputError` for invalid inputs and `ClvFitError` when the
    data are degenerate (fewer than ``min_customers`` customers, no repeat
    purchaser, every T zero) or no starting point converges.
    """
    x, t_x, t_cal = validate_rfm(frequency, recency, T)
    w = validate_weights(weights, len(x))
    if penalizer < 0 or not math.isfinite(penalizer):
        raise ClvInputError(f"penalizer must be a finite number >= 0, got {penalizer}")
    n_customers = int(w.sum())
    if n_customers < min_customers:
        raise ClvFitError(
            f"BG/NBD needs at least {min_customers} customers to fit, got {n_customers}"
        )
    if not (w * (x > 0)).any():
        raise ClvFitError(
            "BG/NBD cannot be fitted: no customer made a repeat purchase "
            "(every frequency is 0), so purchase rate and dropout are not identified"
        )
    if not (w * (t_cal > 0)).any():
        raise ClvFitError(
            "BG/NBD cannot be fitted: every T is 0 (all customers were first seen "
            "at the end of the observation period)"
        )
    weight, (x_u, t_x_u, t_cal_u) = collapse_rows(w, x, t_x, t_cal)
    log_likelihood = BgNbdLikelihood(x_u, t_x_u, t_cal_u, weight)
    starts = (_bgnbd_start(x_u, t_cal_u, weight), *_BGNBD_STARTS)
    log_params = maximise(log_likelihood, starts, "BG/NBD", penalizer)
    r, alpha, a, b = (float(value) for value in np.exp(log_params))
    ll, _ = log_likelihood(log_params)
    return BgNbdParams(r, alpha, a, b, float(ll), n_customers, converged=True)


def _bgnbd_start(x: FloatArray, t_cal: FloatArray, weight: FloatArray) -> tuple[float, ...]:
    """r = a = b = 1 and alpha putting the mean purchase rate r/alpha at the observed one.

    Scaling alpha to the data's time unit is what lets one start serve
    weeks, days or months alike.
    """
    alpha = float(np.dot(weight, t_cal)) / max(float(np.dot(weight, x)), 1.0)
    return (0.0, math.log(max(alpha, 1e-6)), 0.0, 0.0)


def expected_purchases_unconditional(params: BgNbdParams, t: ArrayLike) -> FloatArray:
    """E[X(t)]: expected repeat purchases of a new customer in (0, t] (FHL 2005, eq. 9).

    E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    t_arr = as_float_array("t", t)
    if (t_arr < 0).any():
        raise ClvInputError("t must be >= 0")
    z = t_arr / (alpha + t_arr)
    bracket = 1.0 - (alpha / (alpha + t_arr)) ** r * special.hyp2f1(r, b, a + b - 1.0, z)
    return checked("expected purchases", (a + b - 1.0) / (a - 1.0) * bracket)


def expected_purchases(
    params: BgNbdParams,
    t: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
) -> FloatArray:
    """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` periods (FHL 2005, eq. 10).

    E = (a+b+x-1)/(a-1)
        * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)]
        / [1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)],   z = t/(alpha+T+t)

    Evaluated in a form that stays finite for heavy buyers: Euler's
    transformation 2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) turns
    the product in the bracket into (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),
    whose numerator parameters no longer grow with x, so the series cannot
    overflow while the power underflows (0 * inf; the numerical trouble
    behind Fader & Hardie's note 027 on the model's "#NUM!" errors). The
    denominator is taken in logs.

    ``t`` may be a scalar or an array broadcast against the customers.
    """
    x, t_x, t_cal = validate_rfm(frequency, recency, T)
    t_arr = np.asarray(t, dtype=np.float64)
    if not np.all(np.isfinite(t_arr)) or (t_arr < 0).any():
        raise ClvInputError("t (the prediction horizon) must be finite and >= 0")
    alive = special.expit(-_log_dropout_odds(params, x, t_x, t_cal))
    return checked("expected purchases", _purchases_if_alive(params, t_arr, x, t_cal) * alive)


def _purchases_if_alive(
    params: BgNbdParams, t: FloatArray, x: FloatArray, t_cal: FloatArray
) -> FloatArray:
    """The numerator of `expected_purchases`: E[Y(t)] for a customer still alive at T.

    Depends on (x, T) and t only, not on t_x.
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + t_cal + t)
    hyp = special.hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
    return (a + b + x - 1.0) / (a - 1.0) * (1.0 - (1.0 - z) ** (a - 1.0) * hyp)


def probability_alive(
    params: BgNbdParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """P(alive | x, t_x, T) (Fader, Hardie & Lee 2008, note 021).

    P = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).

    A customer with no repeat purchase is alive with probability 1: under
    the BG/NBD, dropout can only happen right after a purchase.
    """
    x, t_x, t_cal = validate_rfm(frequency, recency, T)
    return special.expit(-_log_dropout_odds(params, x, t_x, t_cal))


def probability_no_purchase(
    params: BgNbdParams, t: float, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """P(no purchase in (T, T+t] | x, t_x, T): the churn probability over ``t`` periods.

    Alive at T, the purchase rate's posterior is Gamma(r+x, alpha+T) (the x
    purchases and the silence since the last are Poisson evidence), and the
    customer cannot drop out before buying again (dropout only follows a
    purchase), so the wait for the next purchase is exponential with that
    gamma-mixed rate: P(none in t | alive) = ((alpha+T)/(alpha+T+t))^(r+x).
    A customer who dropped out never buys. With p = P(alive):

        P(no purchase in t) = (1 - p) + p ((alpha+T)/(alpha+T+t))^(r+x)
                            = 1 - p [1 - ((alpha+T)/(alpha+T+t))^(r+x)],

    the n = 0 case of Fader & Hardie's note 039 (eq. 34), in the form above.
    """
    if not (math.isfinite(t) and t >= 0):
        raise ClvInputError(f"t (the churn horizon) must be finite and >= 0, got {t}")
    x, t_x, t_cal = validate_rfm(frequency, recency, T)
    alive = special.expit(-_log_dropout_odds(params, x, t_x, t_cal))
    log_silent_if_alive = (params.r + x) * (
        np.log(params.alpha + t_cal) - np.log(params.alpha + t_cal + t)
    )
    return checked("churn probability", 1.0 + alive * np.expm1(log_silent_if_alive))


def median_time_to_next_purchase(
    params: BgNbdParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """Median wait from T to the next purchase of a customer alive at T, in model periods.

    Solves ((alpha+T)/(alpha+T+tau))^(r+x) = 1/2 (see `probability_no_purchase`):

        tau_median = (alpha+T) (2^(1/(r+x)) - 1).

    Conditional on being alive: whether the customer is, is `probability_alive`.
    ``recency`` does not enter; it is validated with the other inputs.
    """
    x, _, t_cal = validate_rfm(frequency, recency, T)
    return checked(
        "median time to the next purchase",
        (params.alpha + t_cal) * np.expm1(math.log(2.0) / (params.r + x)),
    )


def _log_dropout_odds(
    params: BgNbdParams, x: FloatArray, t_x: FloatArray, t_cal: FloatArray
) -> FloatArray:
    """log of a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x); -inf when x = 0 (cannot have dropped)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x_safe = np.where(x > 0, x, 1.0)
    log_odds = (
        math.log(a)
        - np.log(b + x_safe - 1.0)
        + (r + x_safe) * (np.log(alpha + t_cal) - np.log(alpha + t_x))
    )
    return np.where(x > 0, log_odds, -np.inf)


def checked(what: str, values: FloatArray) -> FloatArray:
    bad = ~np.isfinite(values)
    if bad.any():
        raise ClvFitError(
            f"{what} could not be computed for {first_bad(bad)}: the result is not "
            "finite (a = 1 makes the BG/NBD expectation singular; otherwise the "
            "hypergeometric series failed for these parameters)"
        )
    return values


@dataclass(frozen=True)
class PurchasePredictions:
    """BG/NBD predictions per customer over a horizon (see `predict_purchases`)."""

    expected_purchases: FloatArray
    probability_alive: FloatArray
    discounted_purchases: FloatArray


def predict_purchases(
    bgnbd: BgNbdParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    horizon_periods: float,
    periods_per_step: float = 1.0,
    discount_rate_per_step: float = 0.0,
) -> PurchasePredictions:
    """Expected purchases over the horizon, P(alive) and their discounted sum, per customer.

    The horizon H (in the model's time unit) is cut into steps of
    s = ``periods_per_step`` (the last one shorter if s does not divide H),
    and, with n = ceil(H / s) and d = ``discount_rate_per_step``,

        discounted purchases = sum_{i=1..n} [E(Y(t_i)) - E(Y(t_{i-1}))] / (1 + d)^i,
        t_i = min(i * s, H),

    where E(Y(t)) is `expected_purchases`: purchases expected in step i are
    discounted at the end of the step. With d = 0 the sum telescopes to E(Y(H)).

    E(Y(t)) = P(alive | x, t_x, T) * (a part that depends on x, T and t only),
    so the hypergeometric function, the costly part, is evaluated once per
    distinct (x, T) pair and step edge, not per customer: a million customers
    have some tens of thousands of distinct pairs.
    """
    if not (math.isfinite(horizon_periods) and horizon_periods > 0):
        raise ClvInputError(f"horizon_periods must be > 0, got {horizon_periods}")
    if not (math.isfinite(periods_per_step) and periods_per_step > 0):
        raise ClvInputError(f"periods_per_step must be > 0, got {periods_per_step}")
    if not (math.isfinite(discount_rate_per_step) and discount_rate_per_step > -1):
        raise ClvInputError(f"discount_rate_per_step must be > -1, got {discount_rate_per_step}")
    x, t_x, t_cal = validate_rfm(frequency, recency, T)
    n_steps = math.ceil(horizon_periods / periods_per_step - 1e-9)
    edges = np.minimum(np.arange(n_steps + 1) * periods_per_step, horizon_periods)
    (x_pairs, t_cal_pairs), pair_of_row = distinct_rows(x, t_cal)
    cumulative = _purchases_if_alive(bgnbd, edges[:, np.newaxis], x_pairs, t_cal_pairs)
    discount = (1.0 + discount_rate_per_step) ** -np.arange(1, n_steps + 1)
    discounted_if_alive = discount @ np.diff(cumulative, axis=0)
    alive = special.expit(-_log_dropout_odds(bgnbd, x, t_x, t_cal))
    return PurchasePredictions(
        expected_purchases=checked("expected purchases", cumulative[-1][pair_of_row] * alive),
        probability_alive=alive,
        discounted_purchases=checked(
            "discounted purchases", discounted_if_alive[pair_of_row] * alive
        ),
    )

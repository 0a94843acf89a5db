"""Predicted customer lifetime value: the BG/NBD and Gamma-Gamma models.

Two models, fitted by maximum likelihood, combine into a CLV:

* BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way",
  Marketing Science 24(2)) -- how many purchases a customer will make and
  whether they are still "alive". Per customer it needs
  ``frequency`` (x, repeat purchases: purchase periods minus one),
  ``recency`` (t_x, time of the last purchase minus time of the first) and
  ``T`` (observation end minus time of the first purchase), all in one time
  unit (weeks for CDNOW).
* Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value
  Curves", Journal of Marketing Research 42(4); Hardie's note 025) -- how
  much a customer spends per purchase, from the mean value of their repeat
  purchases.

Only numpy and scipy are used, so the module can run anywhere the warehouse
runs. Every function accepts array-likes and broadcasts like numpy.

Failures are loud: inputs that break a model's definition raise
`ClvInputError`, data that cannot identify a model or an optimiser that does
not converge raise `ClvFitError` -- never a silent NaN parameter.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

from segments.errors import SegmentsError

FloatArray = NDArray[np.float64]

# Fewer customers than this cannot pin down four (BG/NBD) or three
# (Gamma-Gamma) heterogeneity parameters; the fit refuses rather than
# returning noise. Callers with a good reason may lower it.
MIN_CUSTOMERS_BGNBD = 20
MIN_CUSTOMERS_GAMMA_GAMMA = 10

# A log-parameter beyond this (exp(25) ~ 7e10, exp(-25) ~ 1e-11) means the
# likelihood kept improving towards a boundary: the data do not identify
# the model (e.g. no visible dropout), and the "estimate" is meaningless.
_MAX_ABS_LOG_PARAM = 25.0

# Starting points on the log scale; several, so that one bad start cannot
# decide the fit. The first is the common all-ones start of the literature.
_BGNBD_STARTS: tuple[tuple[float, float, float, float], ...] = (
    (0.0, 0.0, 0.0, 0.0),
    (math.log(0.5), math.log(5.0), math.log(0.5), math.log(2.0)),
    (math.log(2.0), math.log(20.0), math.log(2.0), math.log(10.0)),
)
_GAMMA_GAMMA_STARTS: tuple[tuple[float, float, float], ...] = (
    (0.0, 0.0, 0.0),
    (math.log(5.0), math.log(3.0), math.log(10.0)),
    (math.log(1.0), math.log(2.0), math.log(50.0)),
)


class ClvFitError(SegmentsError):
    """A CLV model cannot be fitted: degenerate data or no convergence."""

    exit_code = 4


class ClvInputError(ClvFitError, ValueError):
    """Inputs break the model's definition (shapes, signs, recency > T...).

    Also a `ValueError`, so plain-Python callers can catch it as one.
    """


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


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma parameters.

    ``p``: shape of each transaction's gamma distribution; ``q``, ``gamma``:
    shape and scale of the gamma heterogeneity of its rate across customers.
    The population mean spend per transaction is ``p * gamma / (q - 1)``
    (defined only when ``q > 1``). ``n_customers`` counts the repeat
    customers with a positive mean spend the fit used; ``converged`` as in
    `BgNbdParams`.
    """

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int
    converged: bool

    def as_dict(self) -> dict[str, float | int | bool]:
        return asdict(self)

    @property
    def population_mean_value(self) -> float:
        if self.q <= 1.0:
            raise ClvFitError(
                f"Gamma-Gamma q = {self.q:.4g} <= 1: the population mean spend "
                "p*gamma/(q-1) is undefined (infinite); refit on more or cleaner data"
            )
        return self.p * self.gamma / (self.q - 1.0)


# --------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------


def _as_float_array(name: str, values: ArrayLike) -> FloatArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ClvInputError(f"{name} must be numeric: {error}") from error
    if array.ndim > 1:
        raise ClvInputError(f"{name} must be one-dimensional, got shape {array.shape}")
    array = np.atleast_1d(array)
    bad = ~np.isfinite(array)
    if bad.any():
        raise ClvInputError(
            f"{name} has {int(bad.sum())} non-finite value(s) (NaN or inf), "
            f"first at position {int(np.argmax(bad))}"
        )
    return array


def _check_same_length(**arrays: FloatArray) -> None:
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name}={length}" for name, length in lengths.items())
        raise ClvInputError(f"inputs must have the same length, got {detail}")


def _first_bad(mask: NDArray[np.bool_]) -> str:
    return f"{int(mask.sum())} row(s), first at position {int(np.argmax(mask))}"


def validate_rfm(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Check (frequency, recency, T) against the BG/NBD definitions.

    frequency is a whole number >= 0; 0 <= recency <= T; recency is 0 when
    frequency is 0 (no repeat purchase, so the last purchase is the first).
    Raises `ClvInputError` naming the rule and the first offending row.
    """
    x = _as_float_array("frequency", frequency)
    t_x = _as_float_array("recency", recency)
    t_cal = _as_float_array("T", T)
    _check_same_length(frequency=x, recency=t_x, T=t_cal)
    rules: list[tuple[NDArray[np.bool_], str]] = [
        (x < 0, "frequency must be >= 0"),
        (x != np.round(x), "frequency must be a whole number of repeat purchases"),
        (t_x < 0, "recency must be >= 0"),
        (t_cal < 0, "T must be >= 0"),
        (t_x > t_cal, "recency must be <= T (the last purchase cannot follow the end)"),
        ((x == 0) & (t_x != 0), "recency must be 0 when frequency is 0"),
    ]
    for mask, message in rules:
        if mask.any():
            raise ClvInputError(f"{message}: {_first_bad(mask)}")
    return x, t_x, t_cal


def _validate_weights(weights: ArrayLike | None, n_rows: int) -> FloatArray:
    if weights is None:
        return np.ones(n_rows)
    w = _as_float_array("weights", weights)
    _check_same_length(weights=w, frequency=np.empty(n_rows))
    if (w < 0).any():
        raise ClvInputError(f"weights must be >= 0: {_first_bad(w < 0)}")
    if (w != np.round(w)).any():
        raise ClvInputError("weights must be whole numbers (customers per row)")
    return w


def collapse_rows(
    weights: FloatArray, *columns: FloatArray
) -> tuple[FloatArray, tuple[FloatArray, ...]]:
    """Merge identical rows of ``columns`` into unique rows, summing ``weights``.

    The likelihood of k identical customers is k times one customer's, so a
    fit on the unique rows is exact and much faster (CDNOW: 2,357 customers,
    1,016 unique rows).
    Rows of weight 0 are dropped.
    """
    keep = weights > 0
    stacked = np.column_stack([column[keep] for column in columns])
    unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=weights[keep], minlength=len(unique))
    return summed, tuple(unique[:, i] for i in range(unique.shape[1]))


# --------------------------------------------------------------------------
# Optimisation shared by both models
# --------------------------------------------------------------------------


def _minimise_from_starts(
    objective: Callable[[FloatArray], float],
    starts: Sequence[Sequence[float]],
    model: str,
) -> tuple[FloatArray, float]:
    """Minimise ``objective`` over log-parameters from several starts.

    Nelder-Mead first (robust to a poor start), then BFGS to polish to a
    tight gradient. Returns the best converged solution; raises
    `ClvFitError` when no start converges to a finite interior optimum.
    """
    best: tuple[FloatArray, float] | None = None
    failures: list[str] = []
    for start in starts:
        with np.errstate(all="ignore"):
            rough = optimize.minimize(
                objective,
                np.asarray(start, dtype=np.float64),
                method="Nelder-Mead",
                options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-10},
            )
            fine = optimize.minimize(
                objective, rough.x, method="BFGS", options={"gtol": 1e-8, "maxiter": 1000}
            )
        candidate = fine if np.isfinite(fine.fun) and fine.fun <= rough.fun else rough
        finite = bool(np.isfinite(candidate.fun) and np.all(np.isfinite(candidate.x)))
        interior = finite and bool(np.all(np.abs(candidate.x) < _MAX_ABS_LOG_PARAM))
        # BFGS reports "precision loss" at an optimum it cannot improve on;
        # accept that when the gradient is small, reject anything else.
        small_gradient = finite and _gradient_norm(objective, candidate.x) < 1e-4
        if not (finite and interior and (candidate.success or small_gradient)):
            reason = (
                "a parameter ran off to 0 or infinity"
                if finite and not interior
                else str(candidate.message).rstrip(".")
            )
            with np.errstate(over="ignore"):
                reached = ", ".join(f"{value:.4g}" for value in np.exp(candidate.x))
            failures.append(f"from ({_start_text(start)}): {reason}, stopped at ({reached})")
            continue
        if best is None or candidate.fun < best[1]:
            best = (np.asarray(candidate.x, dtype=np.float64), float(candidate.fun))
    if best is None:
        raise ClvFitError(
            f"{model} fit did not converge from any of {len(starts)} starting points "
            f"({'; '.join(failures)}); the data may not identify the model"
        )
    return best


def _start_text(start: Sequence[float]) -> str:
    return ", ".join(f"{math.exp(value):.4g}" for value in start)


def _gradient_norm(objective: Callable[[FloatArray], float], x: FloatArray) -> float:
    with np.errstate(all="ignore"):
        gradient = optimize.approx_fprime(x, objective, 1e-7)
    return float(np.max(np.abs(gradient))) if np.all(np.isfinite(gradient)) else math.inf


# --------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------


def bgnbd_log_likelihood(
    r: float,
    alpha: float,
    a: float,
    b: float,
    frequency: FloatArray,
    recency: FloatArray,
    T: FloatArray,
) -> FloatArray:
    """Per-row BG/NBD log-likelihood (FHL 2005, eq. 6), computed in logs.

    L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
      + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))

    The sum of the two terms goes through log-sum-exp so neither underflows
    for heavy buyers.
    """
    x, t_x, t_cal = frequency, recency, T
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) - special.betaln(a, b)
    alive = special.betaln(a, b + x) - (r + x) * np.log(alpha + t_cal)
    repeat = x > 0
    # For x = 0 the second term is absent; evaluate it on a harmless x so
    # betaln(a+1, b-1) with b < 1 cannot produce a NaN that leaks through.
    x_safe = np.where(repeat, x, 1.0)
    died = special.betaln(a + 1.0, b + x_safe - 1.0) - (r + x_safe) * np.log(alpha + t_x)
    return common + np.where(repeat, np.logaddexp(alive, died), alive)


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
    w = _validate_weights(weights, len(x))
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

    def objective(log_params: FloatArray) -> float:
        r, alpha, a, b = np.exp(log_params)
        ll = bgnbd_log_likelihood(r, alpha, a, b, x_u, t_x_u, t_cal_u)
        total = float(np.dot(weight, ll))
        if not math.isfinite(total):
            return math.inf
        return -total / n_customers + penalizer * float(np.sum(np.exp(2.0 * log_params)))

    log_params, _ = _minimise_from_starts(objective, _BGNBD_STARTS, "BG/NBD")
    r, alpha, a, b = (float(value) for value in np.exp(log_params))
    ll = float(np.dot(weight, bgnbd_log_likelihood(r, alpha, a, b, x_u, t_x_u, t_cal_u)))
    return BgNbdParams(r, alpha, a, b, ll, n_customers, converged=True)


def expected_purchases_unconditional(params: BgNbdParams, t: ArrayLike) -> FloatArray:
    """E[X(t)]: expected repeat purchases of a new customer in (0, t] (FHL 2005, eq. 9).

    E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    t_arr = _as_float_array("t", t)
    if (t_arr < 0).any():
        raise ClvInputError("t must be >= 0")
    z = t_arr / (alpha + t_arr)
    bracket = 1.0 - (alpha / (alpha + t_arr)) ** r * special.hyp2f1(r, b, a + b - 1.0, z)
    return _checked("expected purchases", (a + b - 1.0) / (a - 1.0) * bracket)


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
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    t_arr = np.asarray(t, dtype=np.float64)
    if not np.all(np.isfinite(t_arr)) or (t_arr < 0).any():
        raise ClvInputError("t (the prediction horizon) must be finite and >= 0")
    z = t_arr / (alpha + t_cal + t_arr)
    hyp = special.hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
    bracket = 1.0 - (1.0 - z) ** (a - 1.0) * hyp
    numerator = (a + b + x - 1.0) / (a - 1.0) * bracket
    alive = special.expit(-_log_dropout_odds(params, x, t_x, t_cal))
    return _checked("expected purchases", numerator * alive)


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


def _checked(what: str, values: FloatArray) -> FloatArray:
    bad = ~np.isfinite(values)
    if bad.any():
        raise ClvFitError(
            f"{what} could not be computed for {_first_bad(bad)}: the result is not "
            "finite (a = 1 makes the BG/NBD expectation singular; otherwise the "
            "hypergeometric series failed for these parameters)"
        )
    return values


# --------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------


def _gamma_gamma_fit_rows(
    frequency: ArrayLike, monetary_value: ArrayLike, weights: ArrayLike | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    x = _as_float_array("frequency", frequency)
    m = _as_float_array("monetary_value", monetary_value)
    _check_same_length(frequency=x, monetary_value=m)
    if (x < 0).any():
        raise ClvInputError(f"frequency must be >= 0: {_first_bad(x < 0)}")
    w = _validate_weights(weights, len(x))
    usable = (x > 0) & (m > 0) & (w > 0)
    return x[usable], m[usable], w[usable]


def gamma_gamma_log_likelihood(
    p: float, q: float, gamma: float, frequency: FloatArray, monetary_value: FloatArray
) -> FloatArray:
    """Per-customer log-likelihood of the mean repeat spend ``monetary_value`` (Gamma-Gamma).

    f(m | x) = G(px+q) / (G(px) G(q)) * gamma^q * m^(px-1) * x^(px) / (gamma + x m)^(px+q)
    """
    x, m = frequency, monetary_value
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(gamma + x * m)
    )


def fit_gamma_gamma(
    frequency: ArrayLike,
    monetary_value: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    min_customers: int = MIN_CUSTOMERS_GAMMA_GAMMA,
) -> GammaGammaParams:
    """Fit the Gamma-Gamma spend model by maximum likelihood.

    ``frequency`` is the number of repeat purchases and ``monetary_value``
    the mean value of those repeat purchases. Only customers with
    frequency > 0 and monetary_value > 0 enter the fit: the model describes
    the mean of x >= 1 observed transaction values, each gamma distributed
    and so strictly positive; a customer with no repeat purchase has no
    observed mean, and a zero or negative mean (free items, refunds) has
    zero likelihood. Excluded customers still get a prediction from
    `expected_average_value` (the population mean).

    Raises `ClvFitError` when fewer than ``min_customers`` customers remain
    or no starting point converges.
    """
    x, m, w = _gamma_gamma_fit_rows(frequency, monetary_value, weights)
    n_customers = int(w.sum())
    if n_customers < min_customers:
        raise ClvFitError(
            f"Gamma-Gamma needs at least {min_customers} repeat customers with a "
            f"positive mean spend, got {n_customers}"
        )
    if np.ptp(m) == 0:
        raise ClvFitError(
            "Gamma-Gamma cannot be fitted: every repeat customer has the same mean "
            f"spend ({m[0]:g}), so spend heterogeneity is not identified"
        )
    weight, (x_u, m_u) = collapse_rows(w, x, m)

    def objective(log_params: FloatArray) -> float:
        p, q, gamma = np.exp(log_params)
        total = float(np.dot(weight, gamma_gamma_log_likelihood(p, q, gamma, x_u, m_u)))
        return -total / n_customers if math.isfinite(total) else math.inf

    log_params, _ = _minimise_from_starts(objective, _GAMMA_GAMMA_STARTS, "Gamma-Gamma")
    p, q, gamma = (float(value) for value in np.exp(log_params))
    ll = float(np.dot(weight, gamma_gamma_log_likelihood(p, q, gamma, x_u, m_u)))
    return GammaGammaParams(p, q, gamma, ll, n_customers, converged=True)


def expected_average_value(
    params: GammaGammaParams, frequency: ArrayLike, monetary_value: ArrayLike
) -> FloatArray:
    """E(M | x, m): expected spend per future transaction (FHL 2005 JMR, eq. 5).

    E = (q-1)/(px+q-1) * p*gamma/(q-1) + px/(px+q-1) * m,

    a weighted average of the population mean and the customer's own mean.
    Fallback: customers with frequency 0 (no repeat purchase, nothing of
    their own to weigh in) or a mean spend <= 0 (outside the model, see
    `fit_gamma_gamma`) get the population mean p*gamma/(q-1).

    Raises `ClvFitError` when q <= 1, where that mean is undefined.
    """
    x = _as_float_array("frequency", frequency)
    m = _as_float_array("monetary_value", monetary_value)
    _check_same_length(frequency=x, monetary_value=m)
    if (x < 0).any():
        raise ClvInputError(f"frequency must be >= 0: {_first_bad(x < 0)}")
    population_mean = params.population_mean_value
    px = params.p * x
    shrunk = (params.q - 1.0) / (px + params.q - 1.0) * population_mean + px / (
        px + params.q - 1.0
    ) * m
    return np.where((x > 0) & (m > 0), shrunk, population_mean)


# --------------------------------------------------------------------------
# CLV
# --------------------------------------------------------------------------


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

    The horizon H (in the model's time unit) is cut into steps of
    s = ``periods_per_step`` (the last one shorter if s does not divide H),
    and, with n = ceil(H / s) and d = ``discount_rate_per_step``,

        CLV = margin * E(M | x, m) * sum_{i=1..n} [E(Y(t_i)) - E(Y(t_{i-1}))] / (1 + d)^i,
        t_i = min(i * s, H),

    where E(Y(t)) is `expected_purchases` and E(M | x, m) is
    `expected_average_value`: purchases expected in step i are valued at the
    expected spend and discounted at the end of the step. This is the
    formulation of lifetimes' ``customer_lifetime_value`` (monthly steps of
    expected purchases, discounted per month). Spend and purchase counts are
    independent under the Gamma-Gamma assumptions, which is what makes the
    product valid. With d = 0 the sum telescopes to E(Y(H)).

    To use an annual rate with steps of ``s`` periods of ``u`` days, pass
    d = (1 + annual_rate) ** (s * u / 365.25) - 1 (see `per_step_rate`).
    """
    if not (math.isfinite(horizon_periods) and horizon_periods > 0):
        raise ClvInputError(f"horizon_periods must be > 0, got {horizon_periods}")
    if not (math.isfinite(periods_per_step) and periods_per_step > 0):
        raise ClvInputError(f"periods_per_step must be > 0, got {periods_per_step}")
    if not (math.isfinite(discount_rate_per_step) and discount_rate_per_step > -1):
        raise ClvInputError(f"discount_rate_per_step must be > -1, got {discount_rate_per_step}")
    n_steps = math.ceil(horizon_periods / periods_per_step - 1e-9)
    edges = np.minimum(np.arange(n_steps + 1) * periods_per_step, horizon_periods)
    cumulative = expected_purchases(
        bgnbd, edges[:, np.newaxis], frequency, recency, T
    )  # shape (n_steps + 1, customers)
    per_step = np.diff(cumulative, axis=0)
    discount = (1.0 + discount_rate_per_step) ** -np.arange(1, n_steps + 1)
    discounted_purchases = discount @ per_step
    value = expected_average_value(gamma_gamma, frequency, monetary_value)
    return margin * value * discounted_purchases


def per_step_rate(annual_rate: float, periods_per_step: float, days_per_period: float) -> float:
    """Convert an annual discount rate to the rate for one step of the CLV sum."""
    if not (math.isfinite(annual_rate) and annual_rate > -1):
        raise ClvInputError(f"annual discount rate must be > -1, got {annual_rate}")
    return (1.0 + annual_rate) ** (periods_per_step * days_per_period / 365.25) - 1.0

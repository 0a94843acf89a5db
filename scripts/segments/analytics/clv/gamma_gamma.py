"""Gamma-Gamma (Fader, Hardie & Lee 2005, JMR): spend per transaction."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike

from segments.analytics.clv.inputs import (
    ClvFitError,
    ClvInputError,
    FloatArray,
    as_float_array,
    check_same_length,
    first_bad,
    validate_weights,
)
from segments.analytics.clv.likelihood import GammaGammaLikelihood
from segments.analytics.clv.optimise import maximise

# Fewer repeat customers than this cannot pin down three heterogeneity
# parameters; the fit refuses rather than returning noise. Callers with a
# good reason may lower it.
MIN_CUSTOMERS_GAMMA_GAMMA = 10

# Fallback starting points on the log scale, tried in turn only when the
# fit from the data-scaled start (see `fit_gamma_gamma`) fails; the first is
# the all-ones start of the literature.
_GAMMA_GAMMA_STARTS: tuple[tuple[float, float, float], ...] = (
    (0.0, 0.0, 0.0),
    (math.log(5.0), math.log(3.0), math.log(10.0)),
)


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


def _gamma_gamma_fit_rows(
    frequency: ArrayLike, monetary_value: ArrayLike, weights: ArrayLike | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    x = as_float_array("frequency", frequency)
    m = as_float_array("monetary_value", monetary_value)
    check_same_length(frequency=x, monetary_value=m)
    if (x < 0).any():
        raise ClvInputError(f"frequency must be >= 0: {first_bad(x < 0)}")
    w = validate_weights(weights, len(x))
    usable = (x > 0) & (m > 0) & (w > 0)
    return x[usable], m[usable], w[usable]


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
    # Not collapsed, (x, m) pairs being nearly all distinct (m is a mean of
    # amounts), but sorted: the sums then run in the same order however the
    # rows arrived, so the estimate is the same to the last bit.
    order = np.lexsort((w, m, x))
    x, m, w = x[order], m[order], w[order]
    log_likelihood = GammaGammaLikelihood(x, m, w)
    # p = 1, q = 2 and gamma putting the population mean p gamma / (q - 1) at the observed one.
    start = (0.0, math.log(2.0), math.log(float(np.dot(w, m)) / n_customers))
    log_params = maximise(log_likelihood, (start, *_GAMMA_GAMMA_STARTS), "Gamma-Gamma")
    p, q, gamma = (float(value) for value in np.exp(log_params))
    ll, _ = log_likelihood(log_params)
    return GammaGammaParams(p, q, gamma, float(ll), n_customers, converged=True)


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
    x = as_float_array("frequency", frequency)
    m = as_float_array("monetary_value", monetary_value)
    check_same_length(frequency=x, monetary_value=m)
    if (x < 0).any():
        raise ClvInputError(f"frequency must be >= 0: {first_bad(x < 0)}")
    population_mean = params.population_mean_value
    px = params.p * x
    shrunk = (params.q - 1.0) / (px + params.q - 1.0) * population_mean + px / (
        px + params.q - 1.0
    ) * m
    return np.where((x > 0) & (m > 0), shrunk, population_mean)

"""The CLV log-likelihoods in a form fast enough for millions of customers.

`bgnbd_log_likelihood` and `gamma_gamma_log_likelihood` state each model's
likelihood per customer, as printed in the papers; the fits maximise the same
sums through the two classes, which differ only in how the work is arranged:

* Rows are weighted: identical customers are one row with a count.
* Every term that depends on one input only (the repeat count x, the age T,
  the recency t_x) is evaluated once per distinct value and gathered, so
  the special functions (log-gamma, digamma) run on a few hundred values,
  not on every row; per row only logs, exponentials and products remain.
* Customers with no repeat purchase (x = 0) have the closed form
  r (ln alpha - ln(alpha + T)) and are summed per distinct T.
* The gradient is analytic (digamma functions), so a quasi-Newton method
  (L-BFGS-B) needs a few dozen evaluations instead of thousands of
  finite-difference probes.

Both classes take log-parameters (all parameters are positive) and return
the total weighted log-likelihood and its gradient with respect to the
log-parameters. `scripts/tests/test_clv_likelihood.py` checks both against
the per-customer formulas and against finite differences. Each can also
give the likelihood of every k-th row (`every_kth_row`), which the optimiser
uses for a quick warm start.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def _distinct(values: FloatArray) -> tuple[FloatArray, IntArray]:
    """The distinct values and, per row, the index of its value among them."""
    distinct, index = np.unique(values, return_inverse=True)
    return distinct, index.reshape(-1)


# Whole numbers up to this are summed term by term in the rising factorials;
# above it, through log-gamma differences.
_MAX_SUMMED_TERMS = 100_000


def _log_rising(value: float, counts: FloatArray) -> tuple[FloatArray, FloatArray]:
    """ln[G(value + n) / G(value)] and its derivative in ``value``, for whole numbers n.

    As the sums ln(value) + ... + ln(value + n - 1) and 1/value + ... +
    1/(value + n - 1): exact however large ``value`` gets, where the
    difference of two log-gammas loses every digit (a parameter of 1e8 has a
    log-gamma near 2e9).
    """
    largest = int(counts.max(initial=0))
    if largest > _MAX_SUMMED_TERMS:
        log_ratio = special.gammaln(value + counts) - special.gammaln(value)
        return log_ratio, special.digamma(value + counts) - special.digamma(value)
    terms = value + np.arange(largest, dtype=np.float64)
    log_sums = np.concatenate(([0.0], np.cumsum(np.log(terms))))
    inverse_sums = np.concatenate(([0.0], np.cumsum(1.0 / terms)))
    index = counts.astype(np.intp)
    return log_sums[index], inverse_sums[index]


class BgNbdLikelihood:
    """Weighted BG/NBD log-likelihood (FHL 2005, eq. 6) and its gradient.

    With the gamma and beta functions written as rising factorials
    G(v + x) / G(v) (`_log_rising`), a customer with x > 0 repeat purchases has

        LL = ln G(r+x)/G(r) + ln[exp(A1) + exp(A2)]
        A1 = ln G(b+x)/G(b) - ln G(a+b+x)/G(a+b) - r ln(1 + T/alpha) - x ln(alpha+T)
             (still alive at T)
        A2 = ln a + ln G(b+x-1)/G(b) - ln G(a+b+x)/G(a+b)
             - r ln(1 + t_x/alpha) - x ln(alpha+t_x)
             (dropped out right after the last purchase)

    and a customer with x = 0 has LL = -r ln(1 + T/alpha). This is eq. 6
    rearranged so that no two large numbers are subtracted.
    """

    def __init__(
        self, frequency: FloatArray, recency: FloatArray, T: FloatArray, weights: FloatArray
    ) -> None:
        self._inputs = (frequency, recency, T, weights)
        self.rows = len(frequency)
        self.customers = float(weights.sum())
        once = frequency == 0
        self.once_T, once_index = _distinct(T[once])
        self.once_weight = np.bincount(once_index, weights=weights[once])
        repeat = ~once
        self.weight = weights[repeat]
        self.x, self.x_index = _distinct(frequency[repeat])
        self.x_weight = np.bincount(self.x_index, weights=self.weight)
        self.T, self.T_index = _distinct(T[repeat])
        self.t_x, self.t_x_index = _distinct(recency[repeat])
        self.x_of_row = self.x[self.x_index]

    def every_kth_row(self, k: int) -> BgNbdLikelihood:
        return BgNbdLikelihood(*(column[:: max(k, 1)] for column in self._inputs))

    def __call__(self, log_params: FloatArray) -> tuple[float, FloatArray]:
        r, alpha, a, b = np.exp(log_params)

        # Customers without a repeat purchase, summed per distinct T.
        once_log1p = np.log1p(self.once_T / alpha)
        total = -r * float(np.dot(self.once_weight, once_log1p))
        grad_r = -float(np.dot(self.once_weight, once_log1p))
        grad_alpha = r * float(
            np.dot(self.once_weight, self.once_T / (alpha * (alpha + self.once_T)))
        )
        grad_a = grad_b = 0.0

        if len(self.weight):
            x, x_weight, x_of_row = self.x, self.x_weight, self.x_of_row
            log_rising_r, d_rising_r = _log_rising(r, x)
            log_rising_b, d_rising_b = _log_rising(b, x)
            log_rising_b1, d_rising_b1 = _log_rising(b, x - 1.0)
            log_rising_ab, d_rising_ab = _log_rising(a + b, x)
            alive_of_x = log_rising_b - log_rising_ab
            dropped_of_x = np.log(a) + log_rising_b1 - log_rising_ab
            # Per distinct T and t_x: ln(1 + T/alpha), ln(alpha + T) and their alpha-derivatives.
            log1p_T, log_T = np.log1p(self.T / alpha), np.log(alpha + self.T)
            log1p_t_x, log_t_x = np.log1p(self.t_x / alpha), np.log(alpha + self.t_x)
            T_i, t_x_i = self.T_index, self.t_x_index
            alive = alive_of_x[self.x_index] - r * log1p_T[T_i] - x_of_row * log_T[T_i]
            dropped = dropped_of_x[self.x_index] - r * log1p_t_x[t_x_i] - x_of_row * log_t_x[t_x_i]
            difference = alive - dropped
            # ln(e^A1 + e^A2) = A1 - ln expit(A1 - A2); each term's share of the sum:
            total += float(np.dot(x_weight, log_rising_r))
            total += float(np.dot(self.weight, alive - special.log_expit(difference)))
            share_alive = self.weight * special.expit(difference)
            share_dropped = self.weight * special.expit(-difference)
            alive_weight_of_x = np.bincount(self.x_index, weights=share_alive, minlength=len(x))
            dropped_weight_of_x = x_weight - alive_weight_of_x

            grad_r += float(np.dot(x_weight, d_rising_r))
            grad_r -= float(
                np.dot(share_alive, log1p_T[T_i]) + np.dot(share_dropped, log1p_t_x[t_x_i])
            )
            # d/d alpha of -r ln(1 + T/alpha) - x ln(alpha + T) = (r T / alpha - x) / (alpha + T)
            slope_T = (r * self.T / alpha) / (alpha + self.T)
            slope_t_x = (r * self.t_x / alpha) / (alpha + self.t_x)
            inverse_T, inverse_t_x = 1.0 / (alpha + self.T), 1.0 / (alpha + self.t_x)
            grad_alpha += float(
                np.dot(share_alive, slope_T[T_i] - x_of_row * inverse_T[T_i])
                + np.dot(share_dropped, slope_t_x[t_x_i] - x_of_row * inverse_t_x[t_x_i])
            )
            grad_a = float(dropped_weight_of_x.sum()) / a - float(np.dot(x_weight, d_rising_ab))
            grad_b = float(
                np.dot(alive_weight_of_x, d_rising_b)
                + np.dot(dropped_weight_of_x, d_rising_b1)
                - np.dot(x_weight, d_rising_ab)
            )
        gradient = np.array([grad_r * r, grad_alpha * alpha, grad_a * a, grad_b * b])
        return total, gradient


class GammaGammaLikelihood:
    """Weighted Gamma-Gamma log-likelihood and its gradient.

        LL = ln G(px+q) - ln G(px) - ln G(q) + q ln gamma
             + (px-1) ln m + px ln x - (px+q) ln(gamma + x m)

    The terms in m alone are constant sums; only ln(gamma + x m) is
    evaluated per row.
    """

    def __init__(self, frequency: FloatArray, monetary_value: FloatArray, weights: FloatArray):
        self._inputs = (frequency, monetary_value, weights)
        self.rows = len(frequency)
        self.customers = float(weights.sum())
        self.weight = weights
        self.x, self.x_index = _distinct(frequency)
        self.x_weight = np.bincount(self.x_index, weights=weights)
        self.x_of_row = self.x[self.x_index]
        self.spend = frequency * monetary_value  # x m, the customer's total repeat spend
        log_m, log_x = np.log(monetary_value), np.log(frequency)
        self.sum_x_log_mx = float(np.dot(weights, frequency * (log_m + log_x)))
        self.sum_log_m = float(np.dot(weights, log_m))

    def every_kth_row(self, k: int) -> GammaGammaLikelihood:
        return GammaGammaLikelihood(*(column[:: max(k, 1)] for column in self._inputs))

    def __call__(self, log_params: FloatArray) -> tuple[float, FloatArray]:
        p, q, gamma = np.exp(log_params)
        x, x_weight = self.x, self.x_weight
        px = p * x
        log_total = np.log(gamma + self.spend)
        px_plus_q_of_row = p * self.x_of_row + q
        weighted_log_total = self.weight * log_total
        total = (
            float(np.dot(x_weight, special.gammaln(px + q) - special.gammaln(px)))
            + self.customers * (q * np.log(gamma) - special.gammaln(q))
            + p * self.sum_x_log_mx
            - self.sum_log_m
            - float(np.dot(px_plus_q_of_row, weighted_log_total))
        )
        digamma_pxq = special.digamma(px + q)
        grad_p = (
            float(np.dot(x_weight * x, digamma_pxq - special.digamma(px)))
            + self.sum_x_log_mx
            - float(np.dot(self.x_of_row, weighted_log_total))
        )
        grad_q = (
            float(np.dot(x_weight, digamma_pxq))
            + self.customers * (np.log(gamma) - special.digamma(q))
            - float(weighted_log_total.sum())
        )
        grad_gamma = self.customers * q / gamma - float(
            np.dot(self.weight, px_plus_q_of_row / (gamma + self.spend))
        )
        return total, np.array([grad_p * p, grad_q * q, grad_gamma * gamma])


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

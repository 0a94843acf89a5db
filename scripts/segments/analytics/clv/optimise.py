"""Maximum likelihood for the CLV models, fast and to the exact optimum.

1. Warm start: on a large data set, a quick fit on every k-th row (a few
   thousand rows) gives a start close to the optimum.
2. L-BFGS-B on the log-parameters with the analytic gradient, from the warm
   start or else the model's data-scaled start; the fallback starts are tried
   only when a fit fails.
3. Newton steps with the Hessian from differences of the gradient: the
   likelihoods are flat in some directions (BG/NBD: a and b together), where
   a quasi-Newton method stops while the estimate can still move by 1e-6
   relative; Newton lands on the optimum to about 1e-12, so the estimate does
   not depend on the start or the optimiser's path.
4. Identification check: the likelihood must fall off on both sides of the
   optimum along its flattest direction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from scipy import optimize

from segments.analytics.clv.inputs import ClvFitError, FloatArray

# A log-parameter beyond this (exp(25) ~ 7e10, exp(-25) ~ 1e-11) means the
# likelihood kept improving towards a boundary: the data do not identify
# the model (e.g. no visible dropout), and the "estimate" is meaningless.
MAX_ABS_LOG_PARAM = 25.0
# Box for the log-parameters: a little wider than MAX_ABS_LOG_PARAM, so a
# parameter running away ends outside the accepted interior and is reported.
_LOG_PARAM_BOUND = MAX_ABS_LOG_PARAM + 5.0
# L-BFGS-B runs until the largest gradient component (per customer, log
# scale) is below _GTOL (Newton steps finish the job); the warm-start fit
# stops at _WARM_GTOL.
_GTOL = 1e-8
_WARM_GTOL = 1e-6
_MAX_ITERATIONS = 2000
# A point whose largest gradient component is below this is an optimum even
# when L-BFGS-B reports a line-search failure (see `_failure`).
_STATIONARY_GRADIENT = 1e-6
# Newton steps: at most this many after L-BFGS-B (_WARM_NEWTON_STEPS from a
# warm start), stopping once the largest gradient component is below
# _NEWTON_DONE. From a warm start, Newton alone is a fit when it gets below
# _NEWTON_CONVERGED. The Hessian (forward differences of the gradient, step
# _HESSIAN_STEP) is recomputed when a step shrinks the gradient by less than
# the factor _STALE_HESSIAN.
_NEWTON_STEPS = 3
_WARM_NEWTON_STEPS = 10
_NEWTON_DONE = 1e-13
_NEWTON_CONVERGED = 1e-10
_HESSIAN_STEP = 1e-6
_STALE_HESSIAN = 0.1
# A fit whose flattest direction has a standard error above this on the log
# scale (a factor of e^5 ~ 150) is not identified (see `_identified`).
_MAX_LOG_STANDARD_ERROR = 5.0
# Data sets with more distinct rows than this get a warm start from a fit on
# about _WARM_ROWS of them.
_WARM_ROWS = 20_000


class LogLikelihood(Protocol):
    """A weighted log-likelihood: its total and gradient at log-parameters."""

    customers: float

    def __call__(self, log_params: FloatArray) -> tuple[float, FloatArray]: ...

    def every_kth_row(self, k: int) -> LogLikelihood: ...

    @property
    def rows(self) -> int: ...


class _Objective:
    """-LL / n + penalizer * sum(params^2): per customer, so tolerances hold at any size."""

    def __init__(self, log_likelihood: LogLikelihood, penalizer: float) -> None:
        self.log_likelihood = log_likelihood
        self.penalizer = penalizer

    def __call__(self, log_params: FloatArray) -> tuple[float, FloatArray]:
        with np.errstate(all="ignore"):
            total, gradient = self.log_likelihood(log_params)
        if not (math.isfinite(total) and np.all(np.isfinite(gradient))):
            return math.inf, np.zeros_like(log_params)
        customers = self.log_likelihood.customers
        squares = np.exp(2.0 * log_params)
        value = -total / customers + self.penalizer * float(squares.sum())
        return value, -gradient / customers + self.penalizer * 2.0 * squares


def maximise(
    log_likelihood: LogLikelihood,
    starts: Sequence[Sequence[float]],
    model: str,
    penalizer: float = 0.0,
) -> FloatArray:
    """The log-parameters maximising ``log_likelihood`` (minus the L2 penalty).

    ``starts`` are tried in turn until one converges to an identified optimum;
    raises `ClvFitError` naming every start tried when none does.
    """
    objective = _Objective(log_likelihood, penalizer)
    starts = [np.asarray(start, dtype=np.float64) for start in starts]
    if log_likelihood.rows > 2 * _WARM_ROWS:
        warm = _warm_start(log_likelihood, starts[0], penalizer)
        if warm is not None:
            # Close to the optimum: Newton alone usually finishes in a few steps.
            reached, hessian, size = _newton(objective, warm, _WARM_NEWTON_STEPS)
            if size < _NEWTON_CONVERGED and _identified(objective, reached, hessian):
                return reached
            starts[0] = warm
    failures: list[str] = []
    for start in starts:
        result = _lbfgsb(objective, start, _GTOL)
        reached = np.asarray(result.x, dtype=np.float64)
        reason = _failure(objective, result)
        if reason is None:
            reached, hessian, _ = _newton(objective, reached, _NEWTON_STEPS)
            if _identified(objective, reached, hessian):
                return reached
            reason = "the likelihood is flat there (parameters not identified)"
        with np.errstate(over="ignore"):
            shown = ", ".join(f"{value:.4g}" for value in np.exp(reached))
        failures.append(f"from ({_start_text(start)}): {reason}, stopped at ({shown})")
    raise ClvFitError(
        f"{model} fit did not converge from any of {len(starts)} starting points "
        f"({'; '.join(failures)}); the data may not identify the model"
    )


def _lbfgsb(objective: _Objective, start: FloatArray, gtol: float) -> optimize.OptimizeResult:
    return optimize.minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_PARAM_BOUND, _LOG_PARAM_BOUND)] * len(start),
        options={"maxiter": _MAX_ITERATIONS, "ftol": 0.0, "gtol": gtol},
    )


def _warm_start(
    log_likelihood: LogLikelihood, start: FloatArray, penalizer: float
) -> FloatArray | None:
    """The optimum on every k-th row (about _WARM_ROWS rows), or None if that fit fails.

    Rows are distinct histories with customer counts; every k-th of them, with
    its count, is a systematic sample whose likelihood has nearly the same
    optimum, found for a fraction of the cost.
    """
    sample = log_likelihood.every_kth_row(log_likelihood.rows // _WARM_ROWS)
    result = _lbfgsb(_Objective(sample, penalizer), start, _WARM_GTOL)
    finite = np.isfinite(result.fun) and np.all(np.isfinite(result.x))
    if finite and np.all(np.abs(result.x) < MAX_ABS_LOG_PARAM):
        return np.asarray(result.x, dtype=np.float64)
    return None


def _failure(objective: _Objective, result: optimize.OptimizeResult) -> str | None:
    """Why an optimiser result is not a fit, or None when it is one.

    L-BFGS-B can end with "abnormal termination in line search" at an optimum
    it cannot improve on in floating point; with a near-zero gradient that is
    a converged fit.
    """
    if not (np.isfinite(result.fun) and np.all(np.isfinite(result.x))):
        return str(result.message).rstrip(".") or "the likelihood is not finite"
    if np.any(np.abs(result.x) >= MAX_ABS_LOG_PARAM):
        return "a parameter ran off to 0 or infinity"
    if result.success:
        return None
    _, gradient = objective(result.x)
    if np.all(np.isfinite(gradient)) and np.max(np.abs(gradient)) < _STATIONARY_GRADIENT:
        return None
    return str(result.message).rstrip(".")


def _hessian(objective: _Objective, x: FloatArray, gradient: FloatArray) -> FloatArray:
    """The objective's Hessian at ``x``: forward differences of the analytic gradient."""
    columns = []
    for i in range(len(x)):
        shifted = x.copy()
        shifted[i] += _HESSIAN_STEP
        columns.append((objective(shifted)[1] - gradient) / _HESSIAN_STEP)
    hessian = np.column_stack(columns)
    return (hessian + hessian.T) / 2


def _newton(
    objective: _Objective, x: FloatArray, max_steps: int
) -> tuple[FloatArray, FloatArray, float]:
    """Newton steps from ``x``: the point reached, the last Hessian, its largest gradient.

    The Hessian is reused while each step shrinks the gradient at least
    tenfold (near the optimum it hardly changes) and recomputed when not;
    a step is kept only if it shrinks the gradient at all.
    """
    _, gradient = objective(x)
    hessian = _hessian(objective, x, gradient)
    size = float(np.max(np.abs(gradient)))
    for _ in range(max_steps):
        if size < _NEWTON_DONE:
            break
        try:
            candidate = x - np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            break
        _, candidate_gradient = objective(candidate)
        candidate_size = float(np.max(np.abs(candidate_gradient)))
        if not (np.all(np.isfinite(candidate)) and candidate_size < size):
            break
        stale = candidate_size > size * _STALE_HESSIAN
        x, gradient, size = candidate, candidate_gradient, candidate_size
        if stale and size >= _NEWTON_DONE:
            hessian = _hessian(objective, x, gradient)
    return x, hessian, size


def _identified(objective: _Objective, x: FloatArray, hessian: FloatArray) -> bool:
    """True when the likelihood pins every parameter down at ``x``.

    Along the direction in which the likelihood is flattest (the Hessian's
    smallest eigenvalue), a move of _MAX_LOG_STANDARD_ERROR on the log scale
    either way must lower the total log-likelihood by at least 0.5: the
    likelihood-ratio form of "the standard error is below that". Where
    dropout is never observed, a and b can grow together without end and the
    likelihood keeps rising or stays level along that ridge: not a fit. The
    test uses function values, which stay exact where the difference Hessian
    of a nearly flat likelihood is noise.
    """
    if not np.all(np.isfinite(hessian)):
        return False
    _, vectors = np.linalg.eigh(hessian)
    flattest = vectors[:, 0]
    customers = objective.log_likelihood.customers
    here, _ = objective(x)
    for sign in (1.0, -1.0):
        there, _ = objective(x + sign * _MAX_LOG_STANDARD_ERROR * flattest)
        if not customers * (there - here) >= 0.5:
            return False
    return True


def _start_text(start: Sequence[float]) -> str:
    return ", ".join(f"{math.exp(value):.4g}" for value in start)

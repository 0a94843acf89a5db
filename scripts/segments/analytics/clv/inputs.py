"""Inputs of the CLV models: validation, errors, identical rows collapsed."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from segments.core.errors import SegmentsError

FloatArray = NDArray[np.float64]


class ClvFitError(SegmentsError):
    """A CLV model cannot be fitted: degenerate data or no convergence (exit code 1, a
    failed build; 4 is storage)."""


class ClvInputError(ClvFitError, ValueError):
    """Inputs break the model's definition (shapes, signs, recency > T...).

    Also a `ValueError`, so plain-Python callers can catch it as one.
    """


def as_float_array(name: str, values: ArrayLike) -> FloatArray:
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


def check_same_length(**arrays: FloatArray) -> None:
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name}={length}" for name, length in lengths.items())
        raise ClvInputError(f"inputs must have the same length, got {detail}")


def first_bad(mask: NDArray[np.bool_]) -> str:
    return f"{int(mask.sum())} row(s), first at position {int(np.argmax(mask))}"


def validate_rfm(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Check (frequency, recency, T) against the BG/NBD definitions.

    frequency is a whole number >= 0; 0 <= recency <= T; recency is 0 when
    frequency is 0 (no repeat purchase, so the last purchase is the first).
    Raises `ClvInputError` naming the rule and the first offending row.
    """
    x = as_float_array("frequency", frequency)
    t_x = as_float_array("recency", recency)
    t_cal = as_float_array("T", T)
    check_same_length(frequency=x, recency=t_x, T=t_cal)
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
            raise ClvInputError(f"{message}: {first_bad(mask)}")
    return x, t_x, t_cal


def validate_weights(weights: ArrayLike | None, n_rows: int) -> FloatArray:
    if weights is None:
        return np.ones(n_rows)
    w = as_float_array("weights", weights)
    check_same_length(weights=w, frequency=np.empty(n_rows))
    if (w < 0).any():
        raise ClvInputError(f"weights must be >= 0: {first_bad(w < 0)}")
    if (w != np.round(w)).any():
        raise ClvInputError("weights must be whole numbers (customers per row)")
    return w


def distinct_rows(*columns: FloatArray) -> tuple[tuple[FloatArray, ...], NDArray[np.intp]]:
    """The distinct rows of ``columns`` (sorted) and, per input row, the index of its distinct row.

    A hash group-by (pandas), several times faster on a million rows than
    sorting the rows; the distinct rows come out sorted, so the result does
    not depend on the order of the input rows.
    """
    frame = pd.DataFrame(
        {index: np.asarray(column, dtype=np.float64) for index, column in enumerate(columns)}
    )
    groups = frame.groupby(list(frame.columns), sort=True)
    keys = groups.size().index
    if isinstance(keys, pd.MultiIndex):
        distinct = tuple(keys.get_level_values(i).to_numpy() for i in range(len(columns)))
    else:
        distinct = (keys.to_numpy(),)
    return distinct, groups.ngroup().to_numpy()


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
    unique, inverse = distinct_rows(*(column[keep] for column in columns))
    summed = np.bincount(inverse, weights=weights[keep], minlength=len(unique[0]))
    return summed, unique

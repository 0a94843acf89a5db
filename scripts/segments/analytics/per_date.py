"""Python models over many as-of dates: the same computation for each date's rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd


def per_as_of_date(
    frame: pd.DataFrame, compute: Callable[[date | None, pd.DataFrame], pd.DataFrame]
) -> pd.DataFrame:
    """`compute(day, rows)` for each as-of date of `frame`, the date put back as column 2.

    With no rows, `compute(None, frame)` gives the empty result its columns.
    """
    parts = []
    for day, rows in frame.groupby("as_of_date", sort=True):
        as_of = pd.Timestamp(day).date()
        result = compute(as_of, rows)
        result.insert(1, "as_of_date", as_of)
        parts.append(result)
    if not parts:
        empty = compute(None, frame)
        empty.insert(1, "as_of_date", pd.Series(dtype="datetime64[ns]"))
        return empty
    return pd.concat(parts, ignore_index=True)


def with_date_column(session: object, frame: pd.DataFrame, *others: str) -> object:
    """`frame` as a DuckDB relation whose `as_of_date` (and `others`) are DATEs, also when empty.

    pandas has no date dtype: a column of dates is stored as objects, which
    DuckDB reads as DATE, but an empty one is a timestamp or untyped column,
    and the models' contracts say DATE.
    """
    casts = ", ".join(f"cast({name} as date) as {name}" for name in ("as_of_date", *others))
    return session.from_df(frame).select(f"* replace ({casts})")  # type: ignore[attr-defined]

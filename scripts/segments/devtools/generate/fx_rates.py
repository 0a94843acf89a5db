"""Monthly exchange rates to the reporting currency (`fx_rates`)."""

from __future__ import annotations

import numpy as np

from segments.devtools.generate.frames import _frame, _text
from segments.devtools.generate.reference import (
    FX_LEVELS,
    REPORTING_CURRENCY,
    TEXT,
    WINDOW_END,
    WINDOW_START,
    Frame,
    Rng,
)


def _fx_rates(rng: Rng) -> Frame:
    """One rate per currency and month start; a mean-reverting walk around `FX_LEVELS`."""
    months = np.arange(np.datetime64(WINDOW_START, "M"), np.datetime64(WINDOW_END, "M") + 1).astype(
        "datetime64[D]"
    )
    codes: list[np.ndarray] = []
    rates: list[np.ndarray] = []
    for code, level in FX_LEVELS.items():
        drift = np.zeros(len(months))
        shocks = rng.normal(0, 0.02, len(months))
        for month in range(1, len(months)):
            drift[month] = 0.85 * drift[month - 1] + shocks[month]
        walk = np.ones(len(months)) if code == REPORTING_CURRENCY else level * np.exp(drift)
        codes.append(np.full(len(months), code))
        rates.append(walk)
    rate_text = [f"{rate:.6f}" for rate in np.concatenate(rates)]
    return _frame(
        "fx_rates",
        currency=np.concatenate(codes),
        rate_date=np.tile(months.astype(TEXT), len(FX_LEVELS)),
        rate_to_reporting=_text(rate_text),
    )

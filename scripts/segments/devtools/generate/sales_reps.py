"""Sales representatives and their capacity (`sales_reps`)."""

from __future__ import annotations

import numpy as np

from segments.devtools.generate.customers import _person_names
from segments.devtools.generate.frames import _C_REGION, _C_WEIGHT, _booleans, _frame, _ids, _text
from segments.devtools.generate.reference import REGIONS, TEXT, Frame, Rng


def _sales_reps(rng: Rng, customers: int) -> Frame:
    count = max(5, customers // 500)
    region_weight = np.bincount(_C_REGION, weights=_C_WEIGHT, minlength=len(REGIONS))
    regions = np.concatenate(
        [np.arange(len(REGIONS)), rng.choice(len(REGIONS), count - len(REGIONS), p=region_weight)]
    )
    first, last = _person_names(rng, count)
    return _frame(
        "sales_reps",
        rep_id=_ids("R", np.arange(1, count + 1), 4),
        rep_name=np.strings.add(np.strings.add(first, " "), last),
        region=_text(REGIONS)[regions],
        capacity_accounts=rng.integers(20, 81, count).astype(TEXT),
        is_active=_booleans(rng.random(count) < 0.92),
    )

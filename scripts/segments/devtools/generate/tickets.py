"""Support tickets about orders (`tickets`)."""

from __future__ import annotations

import numpy as np

from segments.devtools.generate.frames import _C_OFFSET, _blank, _frame, _ids, _pick, _timestamps
from segments.devtools.generate.orders import _Orders
from segments.devtools.generate.reference import _DAY, END_S, TEXT, TICKET_CATEGORIES, Frame, Rng
from segments.devtools.generate.writer import _Sequences


def _tickets(rng: Rng, orders: _Orders, sequences: _Sequences) -> Frame:
    """About 0.3 tickets per buyer, opened after the first order; CSAT given at closing."""
    people = orders.people
    buyers = np.unique(orders.customer)
    owner = np.repeat(buyers, rng.poisson(0.32, len(buyers)))
    count = len(owner)
    first = people.first_order_s[owner]
    opened = first + (rng.random(count) * np.maximum(END_S - 3600 - first, 0)).astype(np.int64)
    by_time = np.argsort(opened, kind="stable")
    owner, opened = owner[by_time], opened[by_time]
    closed = opened + 600 + rng.exponential(2 * _DAY, count).astype(np.int64)
    still_open = (closed >= END_S) | (rng.random(count) < 0.04)
    category = _pick(rng, TICKET_CATEGORIES, count)
    unhappy = rng.choice(5, size=count, p=[0.3, 0.3, 0.2, 0.1, 0.1]) + 1
    happy = rng.choice(5, size=count, p=[0.04, 0.06, 0.15, 0.35, 0.40]) + 1
    score = np.where(category == "complaint", unhappy, happy)
    offsets = _C_OFFSET[people.country[owner]]
    return _frame(
        "tickets",
        ticket_id=_ids("T", sequences.take("ticket", count), 9),
        customer_id=people.ids[owner],
        opened_at=_timestamps(opened, offsets, rng.random(count) < 0.2),
        closed_at=_blank(_timestamps(closed, offsets, rng.random(count) < 0.2), still_open),
        category=category,
        satisfaction_score=_blank(score.astype(TEXT), still_open | (rng.random(count) < 0.3)),
    )

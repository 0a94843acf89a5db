"""Share-of-wallet inputs: B2B customers' estimated category spend (`wallet_estimates`)."""

from __future__ import annotations

import numpy as np

from segments.devtools.generate.frames import _currency_text, _dates, _frame, _local_cents, _money
from segments.devtools.generate.orders import _Orders
from segments.devtools.generate.reference import _DAY, _END_DAY, Frame, Rng


def _wallet_estimates(rng: Rng, orders: _Orders) -> Frame:
    """Most B2B customers: estimated category spend, their actual annual spend / 5-80% share."""
    people = orders.people
    size = len(people.numbers)
    completed = orders.status == 0
    spend = np.bincount(
        orders.customer[completed], weights=orders.amount[completed], minlength=size
    )
    years = np.maximum((people.active_end_s - people.first_order_s) / (365 * _DAY), 1.0)
    fallback = _local_cents(people.value * 20_000, people.currency)
    share = 0.05 + 0.75 * rng.beta(2.0, 2.5, size)
    estimate = np.rint(np.where(spend > 0, spend / years, fallback) / share / 100) * 100
    chosen = np.flatnonzero(people.is_b2b & (rng.random(size) < 0.85))
    return _frame(
        "wallet_estimates",
        customer_id=people.ids[chosen],
        estimated_annual_spend=_money(estimate[chosen]),
        currency=_currency_text(rng, people.currency[chosen], 0.2),
        estimated_at=_dates(_END_DAY - 364 + rng.integers(0, 365, len(chosen))),
    )

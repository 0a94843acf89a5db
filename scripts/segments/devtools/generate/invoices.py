"""Invoices of the orders and their payment (`invoices`)."""

from __future__ import annotations

import numpy as np

from segments.devtools.generate.frames import _blank, _currency_text, _dates, _frame, _ids, _money
from segments.devtools.generate.orders import _Orders
from segments.devtools.generate.reference import _DAY, _END_DAY, Frame, Rng
from segments.devtools.generate.writer import _Sequences


def _invoices(rng: Rng, orders: _Orders, sequences: _Sequences) -> Frame:
    """B2B orders (and a few B2C) that were not cancelled; due 30 days after issue."""
    people = orders.people
    b2b = people.is_b2b[orders.customer]
    chosen = np.flatnonzero((orders.status != 1) & (b2b | (rng.random(len(orders)) < 0.05)))
    count = len(chosen)
    issued = np.minimum(orders.ordered_s[chosen] // _DAY + rng.integers(0, 3, count), _END_DAY)
    due = issued + 30
    outcome = rng.choice(3, size=count, p=[0.80, 0.13, 0.07])  # on time, late, unpaid
    paid = np.where(
        outcome == 0, issued + rng.integers(0, 31, count), due + rng.integers(1, 91, count)
    )
    return _frame(
        "invoices",
        invoice_id=_ids("INV", sequences.take("invoice", count), 9),
        customer_id=people.ids[orders.customer[chosen]],
        order_id=orders.ids[chosen],
        issued_date=_dates(issued),
        due_date=_dates(due),
        paid_date=_blank(_dates(paid), (outcome == 2) | (paid > _END_DAY)),
        amount=_money(orders.amount[chosen]),
        currency=_currency_text(rng, orders.currency[chosen], 0.15),
    )

"""Credit notes (`orders` rows of status `credit_note` / `refund`), as real shop and
ERP exports write them (UCI Online Retail's `C...` invoices).

Clean ones, which staging keeps: a refund of part or all of a completed order, a
few days to two months later, naming it in `refunds_order_id` or (a quarter of
them) naming nothing; and refund-only customers, whose one row is a credit note
for a purchase made before the data starts (no order of theirs is in the file).
Bad ones, which staging quarantines (counted in the tally): a refund of two to
five times its order (`refund_exceeds_order`), a refund of a cancelled order
(`refund_of_cancelled_order`) and one naming an order that does not exist
(`unknown_refunded_order`). Each bad refund names an order no clean refund
names, so the rules it breaks are its own.
"""

from __future__ import annotations

import numpy as np

from segments.devtools.generate.frames import _counts, _ids, _money, _take, _text
from segments.devtools.generate.orders import _order_rows, _Orders
from segments.devtools.generate.reference import (
    _DAY,
    END_S,
    ORDER_DEFECT_RATE,
    REFUND_ONLY_RATE,
    REFUND_RATE,
    TEXT,
    Frame,
    Rng,
)
from segments.devtools.generate.writer import _Sequences, _Tally

REFUND_STATUSES = ("credit_note", "refund")
BAD_REFUNDS = ("refund_exceeds_order", "refund_of_cancelled_order", "unknown_refunded_order")


def _refunds(
    rng: Rng, frame: Frame, orders: _Orders, sequences: _Sequences, tally: _Tally
) -> Frame:
    """Every credit note of the chunk: clean ones, refund-only customers, bad ones."""
    completed = rng.permutation(np.flatnonzero(orders.status == 0))
    cancelled = rng.permutation(np.flatnonzero(orders.status == 1))
    clean = completed[: _counts(rng, len(orders), REFUND_RATE)]
    share = rng.uniform(0.1, 1.0, len(clean))
    share[rng.random(len(clean)) < 0.4] = 1.0  # refunded in full
    cents = np.rint(orders.amount[clean] * share).astype(np.int64)
    parts = [_credit_notes(rng, frame, orders, clean, cents, sequences, linked=0.75)]
    parts.append(_refund_only_customers(rng, orders, sequences))
    taken = len(clean)
    for reason in BAD_REFUNDS:
        count = _counts(rng, len(orders), ORDER_DEFECT_RATE)
        if reason == "refund_of_cancelled_order":
            named = cancelled[:count]
        else:
            named = completed[taken : taken + count]
            taken += len(named)
        if not len(named):
            continue
        factor = rng.uniform(2, 5, len(named)) if reason == "refund_exceeds_order" else 0.5
        bad_cents = np.rint(orders.amount[named] * factor).astype(np.int64)
        rows = _credit_notes(rng, frame, orders, named, bad_cents, sequences, linked=1.0)
        if reason == "unknown_refunded_order":
            rows["refunds_order_id"] = _ids("X", sequences.take("ghost_order", len(named)), 9)
        tally.quarantine("orders", reason, len(named))
        parts.append(rows)
    return {name: np.concatenate([part[name] for part in parts]) for name in frame}


def _credit_notes(
    rng: Rng,
    frame: Frame,
    orders: _Orders,
    refunded: np.ndarray,
    cents: np.ndarray,
    sequences: _Sequences,
    linked: float,
) -> Frame:
    """A credit note for each order of `refunded` (rows of `orders`), paying back `cents`."""
    count = len(refunded)
    rows = _take(frame, refunded)
    later = orders.ordered_s[refunded] + rng.integers(_DAY, 60 * _DAY, count)
    rows["order_id"] = _ids("R", sequences.take("refund", count), 9)
    rows["ordered_at"] = _iso(np.minimum(later, END_S - 60))
    negative = rng.random(count) < 0.8  # most exports book credit notes as negatives
    rows["amount"] = _money(np.where(negative, -cents, cents))
    rows["status"] = _text(REFUND_STATUSES)[rng.integers(0, len(REFUND_STATUSES), count)]
    rows["returned_amount"] = np.full(count, "", dtype=TEXT)
    rows["shipping_cost"] = np.full(count, "", dtype=TEXT)
    names = np.where(rng.random(count) < linked, orders.ids[refunded], "")
    rows["refunds_order_id"] = names.astype(TEXT)
    return rows


def _refund_only_customers(rng: Rng, orders: _Orders, sequences: _Sequences) -> Frame:
    """One credit note each for customers without an order: their purchase predates the data."""
    people = orders.people
    without = np.setdiff1d(np.arange(len(people.ids)), orders.customer)
    chosen = rng.permutation(without)[: _counts(rng, len(people.ids), REFUND_ONLY_RATE)]
    count = len(chosen)
    when = people.signup_s[chosen] + rng.integers(_DAY, 90 * _DAY, count)
    cents = rng.integers(500, 20_000, count)  # in the customer's currency
    rows = _order_rows(
        rng,
        _ids("R", sequences.take("refund", count), 9),
        people.ids[chosen],
        people.country[chosen],
        np.minimum(when, END_S - 60),
        cents,
        np.zeros(count, dtype=np.int64),
        people.is_b2b[chosen],
    )
    rows["amount"] = _money(-cents)
    rows["status"] = np.full(count, "credit_note", dtype=TEXT)
    rows["returned_amount"] = np.full(count, "", dtype=TEXT)
    rows["shipping_cost"] = np.full(count, "", dtype=TEXT)
    return rows


def _iso(seconds: np.ndarray) -> np.ndarray:
    """UTC instants as ISO 8601 text (`2024-03-05T14:22:10Z`)."""
    text = seconds.astype("datetime64[s]").astype(TEXT)
    return np.strings.add(text, "Z")

"""Orders of one chunk and their lines (`orders`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from segments.devtools.generate.customers import _People
from segments.devtools.generate.frames import (
    _C_CURRENCY,
    _C_OFFSET,
    _FX_LEVEL,
    _blank,
    _currency_text,
    _frame,
    _ids,
    _local_cents,
    _money,
    _seasonal_times,
    _text,
    _timestamps,
)
from segments.devtools.generate.products import _Catalogue
from segments.devtools.generate.reference import (
    _DAY,
    CHANNEL_WEIGHTS_B2B,
    CHANNEL_WEIGHTS_B2C,
    END_S,
    ORDER_CHANNELS,
    TEXT,
    Frame,
    Rng,
)
from segments.devtools.generate.writer import _Sequences


class _Lines(NamedTuple):
    """Order lines; `order` is the row of the line's order in `_Orders`."""

    order: np.ndarray
    number: np.ndarray
    product: np.ndarray
    quantity: np.ndarray
    price: np.ndarray  # cents per unit, order currency
    cost: np.ndarray  # cents per unit, order currency


@dataclass(frozen=True)
class _Orders:
    """Clean orders of one chunk, sorted by time, with their lines."""

    ids: np.ndarray
    customer: np.ndarray  # row in `people`
    ordered_s: np.ndarray
    status: np.ndarray  # 0 completed, 1 cancelled, 2 returned
    currency: np.ndarray  # index into CURRENCIES
    amount: np.ndarray  # cents, exactly the sum of the lines
    lines: _Lines
    people: _People
    catalogue: _Catalogue

    def __len__(self) -> int:
        return len(self.ids)


def _order_counts(rng: Rng, people: _People) -> np.ndarray:
    """0 for never-buyers, 1 for one-time buyers, else 1 + Poisson(rate x active years)."""
    size = len(people.numbers)
    never = rng.random(size) < 0.06
    one_time = rng.random(size) < np.where(people.is_b2b, 0.28, 0.42)
    years = (people.active_end_s - people.first_order_s) / (365 * _DAY)
    repeat = 1 + rng.poisson(12.0 * people.value**0.7 * years)
    return np.where(never, 0, np.where(one_time, 1, repeat))


def _with_comebacks(
    times: np.ndarray, is_first: np.ndarray, customer: np.ndarray, people: _People
) -> np.ndarray:
    """About 8% of repeat customers lapse before their last order: it moves 400-699 days later.

    The demo so has reactivated customers. Chosen and sized by a hash of the customer
    number, not the random stream, so every other value is the same as without comebacks;
    a comeback that would fall after the data window is skipped. Rows are grouped by
    customer, each group starting with its first order (`is_first`).
    """
    if not len(times):
        return times
    group = np.cumsum(is_first) - 1
    last = np.maximum.reduceat(np.where(is_first, -1, times), np.flatnonzero(is_first))[group]
    number = people.numbers[customer].astype(np.uint64)
    chosen = (number * np.uint64(2654435761)) % np.uint64(1000) < np.uint64(80)
    back = last + (400 + (number * np.uint64(40503)) % np.uint64(300)).astype(np.int64) * _DAY
    moved = chosen & ~is_first & (times == last) & (back < END_S - 1)
    return np.where(moved, back, times)


def _orders(rng: Rng, people: _People, catalogue: _Catalogue, sequences: _Sequences) -> _Orders:
    counts = _order_counts(rng, people)
    customer = np.repeat(np.arange(len(counts)), counts)
    is_first = np.ones(len(customer), dtype=bool)
    is_first[1:] = customer[1:] != customer[:-1]
    later = _seasonal_times(rng, people.first_order_s[customer], people.active_end_s[customer])
    later = _with_comebacks(later, is_first, customer, people)
    ordered = np.where(is_first, people.first_order_s[customer], later)
    # Order size in USD: a per-customer level (value-driven, B2B larger) times order noise.
    level = np.exp(rng.normal(3.9, 0.45, len(counts))) * people.value**0.3
    level *= np.where(people.is_b2b, 3.0, 1.0)
    target_usd = np.minimum(level[customer] * rng.lognormal(0, 0.5, len(customer)), 50_000)
    by_time = np.argsort(ordered, kind="stable")
    customer, ordered, target_usd = customer[by_time], ordered[by_time], target_usd[by_time]
    currency = people.currency[customer]
    lines = _order_lines(rng, target_usd, currency, catalogue)
    amount = np.bincount(lines.order, weights=lines.quantity * lines.price, minlength=len(customer))
    return _Orders(
        ids=_ids("O", sequences.take("order", len(customer)), 9),
        customer=customer,
        ordered_s=ordered,
        status=rng.choice(3, size=len(customer), p=[0.90, 0.05, 0.05]),
        currency=currency,
        amount=np.rint(amount).astype(np.int64),
        lines=lines,
        people=people,
        catalogue=catalogue,
    )


def _order_lines(
    rng: Rng, target_usd: np.ndarray, currency: np.ndarray, catalogue: _Catalogue
) -> _Lines:
    """1-4 lines per order, products affordable for the line's share of the target size."""
    per_order = rng.choice(4, size=len(target_usd), p=[0.5, 0.25, 0.15, 0.10]) + 1
    order = np.repeat(np.arange(len(target_usd)), per_order)
    starts = np.cumsum(per_order) - per_order
    line_target = target_usd[order] / per_order[order]
    sorted_prices = catalogue.price_usd[catalogue.by_price]
    affordable = np.maximum(np.searchsorted(sorted_prices, line_target * 1.2), 1)
    product = catalogue.by_price[(rng.random(len(order)) * affordable).astype(np.int64)]
    quantity = np.clip(np.rint(line_target / catalogue.price_usd[product]), 1, 2000)
    line_currency = currency[order]
    # +-5% around list price keeps every line margin within 20-60%.
    price_usd = catalogue.price_usd[product] * rng.uniform(0.95, 1.05, len(order))
    price = _local_cents(price_usd, line_currency)
    cost = np.minimum(_local_cents(catalogue.cost_usd[product], line_currency), price - 1)
    return _Lines(
        order=order,
        number=np.arange(len(order)) - starts[order] + 1,
        product=product,
        quantity=quantity.astype(np.int64),
        price=price,
        cost=cost,
    )


def _order_rows(
    rng: Rng,
    ids: np.ndarray,
    customer_ids: np.ndarray,
    country: np.ndarray,
    ordered_s: np.ndarray,
    amount: np.ndarray,
    status: np.ndarray,
    is_b2b: np.ndarray,
) -> Frame:
    """Orders as written by the shop system."""
    size = len(ids)
    currency = _C_CURRENCY[country]
    statuses = _text(["completed", "cancelled", "returned"])[status]
    statuses = _blank(statuses, (status == 0) & (rng.random(size) < 0.02))
    returned = np.where(
        rng.random(size) < 0.6, amount, np.rint(amount * rng.uniform(0.1, 0.9, size))
    )
    returned_text = _blank(_money(returned), (status != 2) | (rng.random(size) < 0.2))
    usd = amount * _FX_LEVEL[currency] / 100
    shipping_usd = np.where(
        is_b2b, 0.01 * usd, np.where(usd < 75, rng.uniform(4.99, 9.99, size), 0)
    )
    shipping = np.where(shipping_usd > 0, np.rint(shipping_usd / _FX_LEVEL[currency] * 100), 0)
    channel = np.where(
        is_b2b,
        rng.choice(len(ORDER_CHANNELS), size=size, p=CHANNEL_WEIGHTS_B2B),
        rng.choice(len(ORDER_CHANNELS), size=size, p=CHANNEL_WEIGHTS_B2C),
    )
    return _frame(
        "orders",
        order_id=ids,
        customer_id=customer_ids,
        ordered_at=_timestamps(ordered_s, _C_OFFSET[country], rng.random(size) < 0.2),
        amount=_money(amount),
        status=statuses,
        currency=_currency_text(rng, currency, 0.15),
        returned_amount=returned_text,
        shipping_cost=_money(shipping),
        channel=_text(ORDER_CHANNELS)[channel],
        refunds_order_id=np.full(size, "", dtype=TEXT),
    )


def _clean_order_rows(rng: Rng, orders: _Orders) -> Frame:
    people, customer = orders.people, orders.customer
    return _order_rows(
        rng,
        orders.ids,
        people.ids[customer],
        people.country[customer],
        orders.ordered_s,
        orders.amount,
        orders.status,
        people.is_b2b[customer],
    )

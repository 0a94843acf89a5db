"""One chunk of customers and every table row that hangs off them."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from segments.devtools.generate.customers import _people, _render_customers
from segments.devtools.generate.defects import (
    _customers_with_defects,
    _events_with_defects,
    _invoices_with_defects,
    _lines_with_defects,
    _orders_with_defects,
    _tickets_with_defects,
)
from segments.devtools.generate.events import _events
from segments.devtools.generate.frames import Rows
from segments.devtools.generate.invoices import _invoices
from segments.devtools.generate.leads import _leads
from segments.devtools.generate.order_items import _order_items
from segments.devtools.generate.orders import _orders
from segments.devtools.generate.products import _Catalogue
from segments.devtools.generate.reference import Rng
from segments.devtools.generate.tickets import _tickets
from segments.devtools.generate.wallet_estimates import _wallet_estimates
from segments.devtools.generate.writer import _Sequences, _Tally


def _chunk(
    rng: Rng,
    first_number: int,
    size: int,
    catalogue: _Catalogue,
    sequences: _Sequences,
    tally: _Tally,
) -> Iterator[tuple[str, Rows]]:
    people = _people(rng, np.arange(first_number, first_number + size, dtype=np.int64))
    orders = _orders(rng, people, catalogue, sequences)
    clean_customers = _render_customers(rng, people)
    customers, tests = _customers_with_defects(rng, people, clean_customers, sequences, tally)
    items = _order_items(rng, orders)
    events = _events(rng, people, catalogue, sequences)
    yield "customers", customers
    yield "orders", _orders_with_defects(rng, orders, tests, sequences, tally)
    yield "order_items", _lines_with_defects(rng, items, tally)
    yield (
        "invoices",
        _invoices_with_defects(rng, _invoices(rng, orders, sequences), sequences, tally),
    )
    yield "events", _events_with_defects(rng, events, sequences, tally)
    yield "tickets", _tickets_with_defects(rng, _tickets(rng, orders, sequences), tally)
    yield "wallet_estimates", _wallet_estimates(rng, orders)
    yield "leads", _leads(rng, people, clean_customers, sequences)

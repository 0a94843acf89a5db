"""Order lines (`order_items`)."""

from __future__ import annotations

from segments.devtools.generate.frames import _blank, _frame, _money
from segments.devtools.generate.orders import _Orders
from segments.devtools.generate.reference import TEXT, Frame, Rng


def _order_items(rng: Rng, orders: _Orders) -> Frame:
    lines, catalogue = orders.lines, orders.catalogue
    count = len(lines.order)
    return _frame(
        "order_items",
        order_id=orders.ids[lines.order],
        line_number=lines.number.astype(TEXT),
        product_id=catalogue.ids[lines.product],
        category=_blank(catalogue.category[lines.product], rng.random(count) < 0.1),
        quantity=lines.quantity.astype(TEXT),
        unit_price=_money(lines.price),
        unit_cost=_blank(_money(lines.cost), rng.random(count) < 0.03),
    )

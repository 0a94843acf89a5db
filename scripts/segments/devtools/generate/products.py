"""The product catalogue (`products`), shared by every chunk."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segments.devtools.generate.frames import _frame, _ids, _money, _text
from segments.devtools.generate.reference import (
    PRODUCT_ADJECTIVES,
    PRODUCT_CATEGORIES,
    PRODUCTS_PER_CATEGORY,
    Frame,
    Rng,
)


@dataclass(frozen=True)
class _Catalogue:
    ids: np.ndarray
    category: np.ndarray
    price_usd: np.ndarray  # list price, float USD
    cost_usd: np.ndarray
    by_price: np.ndarray  # product indices sorted by list price


def _products(rng: Rng) -> tuple[_Catalogue, Frame]:
    names: list[str] = []
    categories: list[str] = []
    medians: list[float] = []
    for category, (nouns, median) in PRODUCT_CATEGORIES.items():
        combos = [f"{adj} {noun}" for adj in PRODUCT_ADJECTIVES for noun in nouns]
        chosen = rng.choice(len(combos), size=PRODUCTS_PER_CATEGORY, replace=False)
        names += [combos[i] for i in chosen]
        categories += [category] * PRODUCTS_PER_CATEGORY
        medians += [median] * PRODUCTS_PER_CATEGORY
    count = len(names)
    price = np.round(np.clip(np.array(medians) * rng.lognormal(0, 0.6, count), 3, 2000), 2)
    cost = np.round(price * rng.uniform(0.42, 0.76, count), 2)  # margin 24-58%
    ids = _ids("P", np.arange(1, count + 1), 4)
    catalogue = _Catalogue(ids, _text(categories), price, cost, np.argsort(price, kind="stable"))
    frame = _frame(
        "products",
        product_id=ids,
        product_name=_text(names),
        category=_text(categories),
        list_price=_money(np.rint(price * 100)),
        unit_cost=_money(np.rint(cost * 100)),
    )
    return catalogue, frame

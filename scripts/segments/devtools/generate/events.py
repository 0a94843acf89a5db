"""Web and app sessions rendered as behaviour events (`events`)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from segments.devtools.generate.customers import _People
from segments.devtools.generate.frames import (
    _C_OFFSET,
    _CITIES,
    _blank,
    _country_spellings,
    _frame,
    _ids,
    _random_cities,
    _random_countries,
    _text,
    _timestamps,
)
from segments.devtools.generate.products import _Catalogue
from segments.devtools.generate.reference import _DAY, DEVICES, END_S, START_S, TEXT, Frame, Rng
from segments.devtools.generate.writer import _Sequences


class _Sessions(NamedTuple):
    customer_id: np.ndarray
    country: np.ndarray
    city: np.ndarray
    device: np.ndarray
    product: np.ndarray
    start_s: np.ndarray


def _sessions(rng: Rng, people: _People, catalogue: _Catalogue) -> _Sessions:
    """Browsing sessions of customers still active near the end, plus anonymous ones."""
    active = np.flatnonzero(people.active_end_s > END_S - 120 * _DAY)
    owner = np.repeat(active, 1 + rng.poisson(1.5 * people.value[active] ** 0.3))
    anonymous = round(len(owner) * 0.15)
    count = len(owner) + anonymous
    anonymous_country = _random_countries(rng, anonymous)
    country = np.concatenate([people.country[owner], anonymous_country])
    city = np.concatenate([people.city[owner], _random_cities(rng, anonymous_country)])
    preferred = np.concatenate([people.device[owner], rng.integers(0, len(DEVICES), anonymous)])
    device = np.where(rng.random(count) < 0.85, preferred, rng.integers(0, len(DEVICES), count))
    floor = np.concatenate([people.signup_s[owner] + 60, np.full(anonymous, START_S)])
    latest = END_S - 3600
    start = latest - rng.exponential(35 * _DAY, count).astype(np.int64)
    spread = floor + (rng.random(count) * (latest - floor)).astype(np.int64)
    return _Sessions(
        customer_id=np.concatenate([people.ids[owner], np.full(anonymous, "", dtype=TEXT)]),
        country=country,
        city=city,
        device=device,
        product=rng.integers(0, len(catalogue.ids), count),
        start_s=np.where(start < floor, spread, start),
    )


def _events(rng: Rng, people: _People, catalogue: _Catalogue, sequences: _Sequences) -> Frame:
    """Per session: 1-8 views, maybe favorite, add_to_cart, checkout and purchase."""
    sessions = _sessions(rng, people, catalogue)
    count = len(sessions.start_s)
    views = np.minimum(rng.geometric(0.45, count), 8)
    favorite = rng.random(count) < 0.12
    cart = rng.random(count) < 0.30
    checkout = cart & (rng.random(count) < 0.6)
    purchase = checkout & (rng.random(count) < 0.75)
    view_session = np.repeat(np.arange(count), views)
    view_rank = np.arange(len(view_session)) - (np.cumsum(views) - views)[view_session]
    view_time = sessions.start_s[view_session] + 45 * view_rank
    view_time += rng.integers(0, 40, len(view_session))
    after_views = sessions.start_s + 45 * views
    steps = (("favorite", favorite, 10), ("add_to_cart", cart, 20), ("checkout", checkout, 120),
             ("purchase", purchase, 240))  # fmt: skip
    session = [view_session] + [np.flatnonzero(mask) for _, mask, _ in steps]
    times = [view_time] + [after_views[mask] + delay for _, mask, delay in steps]
    kinds = [np.full(len(view_session), "view")]
    kinds += [np.full(int(mask.sum()), kind) for kind, mask, _ in steps]
    session_of, time = np.concatenate(session), np.concatenate(times)
    by_time = np.argsort(time, kind="stable")
    session_of, time = session_of[by_time], time[by_time]
    rows = len(time)
    country = sessions.country[session_of]
    return _frame(
        "events",
        event_id=_ids("E", sequences.take("event", rows), 10),
        customer_id=sessions.customer_id[session_of],
        event_type=np.concatenate(kinds)[by_time],
        product_id=catalogue.ids[sessions.product[session_of]],
        occurred_at=_timestamps(time, _C_OFFSET[country], rng.random(rows) < 0.1),
        device=_text(DEVICES)[sessions.device[session_of]],
        country=_country_spellings(rng, country),
        city=_blank(_CITIES[sessions.city[session_of]], rng.random(rows) < 0.1),
    )

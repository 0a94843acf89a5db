"""Prospects and the leads that became customers (`leads`)."""

from __future__ import annotations

import numpy as np

from segments.devtools.generate.customers import _company_names, _People, _person_names
from segments.devtools.generate.frames import (
    _C_OFFSET,
    _blank,
    _booleans,
    _country_spellings,
    _frame,
    _growing_times,
    _ids,
    _money,
    _pick_index,
    _random_countries,
    _text,
    _timestamps,
)
from segments.devtools.generate.reference import (
    _DAY,
    _LOST,
    _WON,
    END_S,
    INDUSTRIES,
    LEAD_SOURCES,
    LEAD_STAGES,
    START_S,
    TEXT,
    Frame,
    Rng,
)
from segments.devtools.generate.writer import _Sequences


def _leads(rng: Rng, people: _People, customers: Frame, sequences: _Sequences) -> Frame:
    """About one lead per five customers; won leads point at a B2B customer of the chunk."""
    count = max(1, round(len(people.numbers) / 5))
    stage = _pick_index(rng, LEAD_STAGES, count)
    b2b = np.flatnonzero(people.is_b2b)
    if not len(b2b):
        stage[stage == _WON] = _LOST
        b2b = np.zeros(1, dtype=np.int64)
    converted = rng.choice(b2b, size=count)
    # A won lead was created 5-90 days before its customer signed up.
    before_signup = people.signup_s[converted] - rng.integers(5 * _DAY, 90 * _DAY, count)
    created = np.where(
        stage == _WON, np.maximum(before_signup, START_S), _growing_times(rng, count)
    )
    by_time = np.argsort(created, kind="stable")  # lead numbers rise with creation time
    stage, converted, created = stage[by_time], converted[by_time], created[by_time]
    won = stage == _WON
    country = np.where(won, people.country[converted], _random_countries(rng, count))
    company, domain = _company_names(rng, country)
    company = np.where(won, customers["full_name"][converted], company).astype(TEXT)
    # Engagement grows along the funnel; lost leads engaged like qualified ones.
    depth = np.where(stage == _LOST, 2, np.minimum(stage, _WON))
    first, last = _person_names(rng, count)
    last_activity = created + (rng.random(count) * (END_S - 1 - created)).astype(np.int64)
    offsets = _C_OFFSET[country]
    employees = np.clip(rng.lognormal(np.log(80), 1.4, count), 2, 200_000).astype(np.int64)
    revenue = np.round(employees * rng.uniform(50_000, 250_000, count), -3)
    return _frame(
        "leads",
        lead_id=_ids("L", sequences.take("lead", count), 8),
        contact_name=np.strings.add(np.strings.add(first, " "), last),
        contact_email=np.strings.lower(
            np.strings.add(np.strings.add(np.strings.add(first, "."), last), domain)
        ),
        company_name=company,
        country=_country_spellings(rng, country),
        industry=_text(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), count)],
        company_size=employees.astype(TEXT),
        annual_revenue=_money(revenue * 100),
        lead_source=_text(LEAD_SOURCES)[rng.integers(0, len(LEAD_SOURCES), count)],
        stage=_text([label for label, _ in LEAD_STAGES])[stage],
        created_at=_timestamps(created, offsets, rng.random(count) < 0.2),
        last_activity_at=_blank(
            _timestamps(last_activity, offsets, rng.random(count) < 0.2),
            (stage == 0) & (rng.random(count) < 0.4),
        ),
        email_opens=rng.poisson(1 + 2 * depth).astype(TEXT),
        site_visits=rng.poisson(2 + 3 * depth).astype(TEXT),
        demo_requested=_booleans(rng.random(count) < 0.05 + 0.12 * depth),
        budget_confirmed=_booleans(rng.random(count) < np.where(depth >= 3, 0.6, 0.1)),
        converted_customer_id=_blank(people.ids[converted], ~won),
    )

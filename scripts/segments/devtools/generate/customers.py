"""People and companies of one chunk, rendered as `customers` rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segments.devtools.generate.frames import (
    _C_CURRENCY,
    _C_OFFSET,
    _C_PHONE,
    _C_SUFFIX,
    _CITIES,
    _blank,
    _country_spellings,
    _dates,
    _frame,
    _growing_times,
    _ids,
    _money,
    _pick,
    _random_cities,
    _random_countries,
    _text,
    _timestamps,
)
from segments.devtools.generate.reference import (
    _DAY,
    _END_DAY,
    ACQUISITION_B2B,
    ACQUISITION_B2C,
    BUSINESS_TYPE_SPELLINGS,
    COMPANY_SECTORS,
    COMPANY_WORDS,
    DEVICES,
    EDUCATION,
    EMAIL_DOMAINS,
    END_S,
    FIRST_NAMES,
    GENDERS,
    INDUSTRIES,
    LAST_NAMES,
    OCCUPATIONS,
    TEXT,
    Frame,
    Rng,
)


def _person_names(rng: Rng, size: int) -> tuple[np.ndarray, np.ndarray]:
    first = _text(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), size)]
    last = _text(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), size)]
    return first, last


def _company_names(rng: Rng, countries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`Northwind Logistics GmbH` and its mail domain `@northwind-logistics.example.com`."""
    word = _text(COMPANY_WORDS)[rng.integers(0, len(COMPANY_WORDS), len(countries))]
    sector = _text(COMPANY_SECTORS)[rng.integers(0, len(COMPANY_SECTORS), len(countries))]
    name = np.strings.add(np.strings.add(word, " "), sector)
    slug = np.strings.lower(np.strings.add(np.strings.add(word, "-"), sector))
    domain = np.strings.add(np.strings.add("@", slug), ".example.com")
    return np.strings.add(np.strings.add(name, " "), _C_SUFFIX[countries]), domain


@dataclass(frozen=True)
class _People:
    """Latent model of one chunk's customers (row i = customer number `numbers[i]`)."""

    numbers: np.ndarray
    ids: np.ndarray
    country: np.ndarray
    city: np.ndarray  # index into _CITIES
    is_b2b: np.ndarray
    value: np.ndarray  # latent customer value: drives order count, size and lifetime
    signup_s: np.ndarray
    first_order_s: np.ndarray
    active_end_s: np.ndarray  # after this the customer has churned (or the window ended)
    device: np.ndarray

    @property
    def currency(self) -> np.ndarray:
        return _C_CURRENCY[self.country]


def _people(rng: Rng, numbers: np.ndarray) -> _People:
    size = len(numbers)
    is_b2b = rng.random(size) < 0.30
    value = rng.lognormal(0.0, 0.6, size)
    signup = np.sort(_growing_times(rng, size))  # numbers rise with signup inside a chunk
    first_order = np.minimum(
        signup + 60 + rng.exponential(3 * _DAY, size).astype(np.int64), END_S - 1
    )
    lifetime = rng.exponential(600 * _DAY * value**0.3 * np.where(is_b2b, 1.5, 1.0))
    active_end = np.clip(signup + lifetime.astype(np.int64), first_order, END_S - 1)
    country = _random_countries(rng, size)
    return _People(
        numbers=numbers,
        ids=_ids("C", numbers, 8),
        country=country,
        city=_random_cities(rng, country),
        is_b2b=is_b2b,
        value=value,
        signup_s=signup,
        first_order_s=first_order,
        active_end_s=active_end,
        device=rng.choice(len(DEVICES), size=size, p=[0.35, 0.30, 0.35]),
    )


def _emails(rng: Rng, first: np.ndarray, last: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """`first.last123@domain`, a tenth written in mixed case."""
    domains = _text(EMAIL_DOMAINS)[rng.integers(0, len(EMAIL_DOMAINS), len(numbers))]
    local = np.strings.add(np.strings.add(first, "."), np.strings.add(last, numbers.astype(TEXT)))
    mixed = np.strings.add(np.strings.add(local, "@"), np.strings.capitalize(domains))
    lower = np.strings.lower(np.strings.add(np.strings.add(local, "@"), domains))
    return np.where(rng.random(len(numbers)) < 0.1, mixed, lower).astype(TEXT)


def _render_customers(rng: Rng, people: _People, with_referrals: bool = True) -> Frame:
    size = len(people.numbers)
    b2b, b2c = people.is_b2b, ~people.is_b2b
    first, last = _person_names(rng, size)
    person = np.strings.add(np.strings.add(first, " "), last)
    birth_days = _END_DAY - (rng.uniform(18, 80, size) * 365.25).astype(np.int64)
    income = np.round(np.clip(rng.lognormal(np.log(52_000), 0.5, size), 8_000, 900_000), -2)
    size_employees = np.clip(rng.lognormal(np.log(60), 1.4, size), 2, 200_000).astype(np.int64)
    phones = np.strings.add(
        np.strings.add(_C_PHONE[people.country], " 555-"),
        np.strings.add(
            np.strings.add(np.strings.zfill(rng.integers(0, 1000, size).astype(TEXT), 3), "-"),
            np.strings.zfill(rng.integers(0, 10_000, size).astype(TEXT), 4),
        ),
    )
    referrer = _referrers(rng, people) if with_referrals else np.full(size, "", dtype=TEXT)
    channel = np.where(b2b, _pick(rng, ACQUISITION_B2B, size), _pick(rng, ACQUISITION_B2C, size))
    channel = np.where(referrer != "", "referral", channel)
    return _frame(
        "customers",
        customer_id=people.ids,
        full_name=np.where(b2b, _company_names(rng, people.country)[0], person),
        email=_emails(rng, first, last, people.numbers),
        phone=_blank(phones, rng.random(size) < 0.08),
        customer_type=np.where(b2b, "b2b", "b2c"),
        birth_date=_blank(_dates(birth_days), b2b | (rng.random(size) < 0.05)),
        gender=_blank(_pick(rng, GENDERS, size), b2b),
        annual_income=_blank(_money(income * 100), b2b | (rng.random(size) < 0.08)),
        education=_blank(
            _text(EDUCATION)[rng.integers(0, len(EDUCATION), size)], b2b | (rng.random(size) < 0.06)
        ),
        occupation=_blank(
            _text(OCCUPATIONS)[rng.integers(0, len(OCCUPATIONS), size)],
            b2b | (rng.random(size) < 0.06),
        ),
        industry=_blank(_text(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), size)], b2c),
        business_type=_business_types(people),
        company_size=_blank(size_employees.astype(TEXT), b2c),
        country=_country_spellings(rng, people.country),
        city=_CITIES[people.city],
        signup_at=_timestamps(people.signup_s, _C_OFFSET[people.country], rng.random(size) < 0.2),
        acquisition_channel=channel,
        referred_by_customer_id=referrer,
    )


def _business_types(people: _People) -> np.ndarray:
    """A spelling per B2B customer, 15% left blank; from a hash of the customer number,
    not the random stream, so the other columns are what they were without it."""
    spread = (people.numbers.astype(np.uint64) * np.uint64(2246822519)) % np.uint64(1000)
    kinds = _text(BUSINESS_TYPE_SPELLINGS)[spread % np.uint64(len(BUSINESS_TYPE_SPELLINGS))]
    return _blank(kinds, ~people.is_b2b | (spread >= 850))


def _referrers(rng: Rng, people: _People) -> np.ndarray:
    """About 10% were referred by a customer of the same chunk who signed up earlier."""
    position = np.arange(len(people.numbers))
    referred = (rng.random(len(position)) < 0.10) & (position > 0)
    earlier = (rng.random(len(position)) * position).astype(np.int64)
    return _blank(people.ids[earlier], ~referred)

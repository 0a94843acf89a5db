"""Defect injection: the dirty rows every chunk gets on purpose (quarantined, repaired
and duplicated rows), each counted in the tally the manifest reports."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segments.devtools.generate.customers import _People, _people, _render_customers
from segments.devtools.generate.frames import (
    _C_CITY_COUNT,
    _C_CITY_FIRST,
    _C_CURRENCY,
    _CITIES,
    Rows,
    _counts,
    _ids,
    _interleave,
    _Interleaved,
    _length,
    _local_cents,
    _money,
    _take,
    _text,
    _timestamps,
)
from segments.devtools.generate.orders import _clean_order_rows, _order_rows, _Orders
from segments.devtools.generate.reference import (
    _DAY,
    ABSURD_AMOUNT_MIN,
    CUSTOMER_DEFECT_RATES,
    END_S,
    INVALID_NUMBERS,
    INVALID_QUANTITIES,
    INVALID_TIMESTAMPS,
    LINE_DEFECT_FIRST,
    LINE_DEFECT_RATE,
    LINE_DUPLICATE_RATE,
    ORDER_CHANNELS,
    ORDER_DEFECT_RATE,
    ORDER_DEFECTS,
    ORDER_DUPLICATE_RATE,
    OUT_OF_RANGE_AMOUNTS,
    OUT_OF_RANGE_QUANTITY,
    REPORTING_CURRENCY,
    TEST_EMAIL_DOMAIN,
    TEXT,
    UNKNOWN_CURRENCY,
    Frame,
    Rng,
)
from segments.devtools.generate.refunds import _refunds
from segments.devtools.generate.writer import _Sequences, _Tally


@dataclass(frozen=True)
class _TestAccounts:
    ids: np.ndarray
    country: np.ndarray
    signup_s: np.ndarray


def _customers_with_defects(
    rng: Rng, people: _People, clean: Frame, sequences: _Sequences, tally: _Tally
) -> tuple[_Interleaved, _TestAccounts]:
    frame = dict(clean)
    frame["email"] = clean["email"].copy()
    size = len(people.numbers)
    count = {reason: _counts(rng, size, rate) for reason, rate in CUSTOMER_DEFECT_RATES.items()}
    conflicting, invalid, exact = _distinct_customer_picks(rng, people, count)
    frame["email"][invalid] = _invalid_emails(rng, frame["email"][invalid])
    extra, test_accounts = _extra_customers(
        rng, count["missing_key"], count["test_account"], sequences
    )
    duplicates = _take(frame, np.concatenate([exact, conflicting]))
    duplicates["city"][len(exact) :] = _other_city(rng, people, conflicting)
    rows = {name: np.concatenate([extra[name], duplicates[name]]) for name in frame}
    after = np.concatenate([np.full(_length(extra), -1), exact, conflicting])
    tally.quarantine("customers", "missing_key", count["missing_key"])
    tally.quarantine("customers", "test_account", count["test_account"])
    tally.repair("customers", "invalid_email", len(invalid))
    tally.duplicates["customers"] += len(exact) + len(conflicting)
    return _interleave(rng, frame, rows, after), test_accounts


def _distinct_customer_picks(
    rng: Rng, people: _People, count: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows for conflicting duplicates (multi-city countries), bad emails, copies."""
    shuffled = rng.permutation(len(people.numbers))
    multi_city = shuffled[_C_CITY_COUNT[people.country[shuffled]] > 1]
    conflicting = multi_city[: count["conflicting_duplicate"]]
    rest = shuffled[~np.isin(shuffled, conflicting)]
    invalid = rest[: count["invalid_email"]]
    exact = rest[count["invalid_email"] : count["invalid_email"] + count["exact_duplicate"]]
    return conflicting, invalid, exact


def _invalid_emails(rng: Rng, emails: np.ndarray) -> np.ndarray:
    """Malformed on purpose: no `@`, a space inside, or nothing after the `@`."""
    style = rng.integers(0, 3, len(emails))
    no_at = np.strings.replace(emails, "@", "")
    spaced = np.strings.replace(emails, ".", " ", 1)
    no_domain = np.strings.slice(emails, 0, np.strings.find(emails, "@") + 1)
    return np.where(style == 0, no_at, np.where(style == 1, spaced, no_domain)).astype(TEXT)


def _other_city(rng: Rng, people: _People, rows: np.ndarray) -> np.ndarray:
    country = people.country[rows]
    local = people.city[rows] - _C_CITY_FIRST[country]
    shift = 1 + (rng.random(len(rows)) * (_C_CITY_COUNT[country] - 1)).astype(np.int64)
    return _CITIES[_C_CITY_FIRST[country] + (local + shift) % _C_CITY_COUNT[country]]


def _extra_customers(
    rng: Rng, missing: int, tests: int, sequences: _Sequences
) -> tuple[Frame, _TestAccounts]:
    """Rows that staging drops: blank keys, then test accounts (3 styles, see module doc)."""
    numbers = sequences.take("extra_customer", missing + tests)
    people = _people(rng, numbers)
    frame = _render_customers(rng, people, with_referrals=False)
    frame["customer_id"][:missing] = ""
    style = np.arange(tests) % 3
    test_rows = np.arange(missing, missing + tests)
    number_text = numbers[test_rows].astype(TEXT)
    qa_email = np.strings.add(np.strings.add("qa.user", number_text), f"@{TEST_EMAIL_DOMAIN}")
    plus_email = np.strings.add(np.strings.add("test+", number_text), "@example-mail.com")
    frame["email"][test_rows] = np.where(
        style == 0, qa_email, np.where(style == 1, plus_email, frame["email"][test_rows])
    ).astype(TEXT)
    frame["full_name"][test_rows] = np.where(
        style == 2,
        np.strings.add("TEST ", frame["full_name"][test_rows]),
        frame["full_name"][test_rows],
    ).astype(TEXT)
    accounts = _TestAccounts(
        people.ids[test_rows], people.country[test_rows], people.signup_s[test_rows]
    )
    return frame, accounts


def _orders_with_defects(
    rng: Rng, orders: _Orders, tests: _TestAccounts, sequences: _Sequences, tally: _Tally
) -> _Interleaved:
    frame = _clean_order_rows(rng, orders)
    test_orders = _test_account_orders(rng, tests, sequences)
    tally.quarantine("orders", "test_account", _length(test_orders))
    parts = [test_orders]
    after = [np.full(_length(test_orders), -1)]
    if len(orders):
        defective = _defective_orders(rng, frame, sequences, tally)
        refunds = _refunds(rng, frame, orders, sequences, tally)
        copies, sources = _duplicate_orders(rng, frame, tally)
        parts += [defective, refunds, copies]
        after += [np.full(_length(defective), -1), np.full(_length(refunds), -1), sources]
    extra = {name: np.concatenate([part[name] for part in parts]) for name in frame}
    return _interleave(rng, frame, extra, np.concatenate(after))


def _test_account_orders(rng: Rng, tests: _TestAccounts, sequences: _Sequences) -> Frame:
    """1-3 ordinary-looking orders per test account (quarantined with their account)."""
    owner = np.repeat(np.arange(len(tests.ids)), rng.integers(1, 4, len(tests.ids)))
    count = len(owner)
    signup = tests.signup_s[owner]
    ordered = signup + 60 + (rng.random(count) * (END_S - 120 - signup)).astype(np.int64)
    country = tests.country[owner]
    return _order_rows(
        rng,
        _ids("O", sequences.take("order", count), 9),
        tests.ids[owner],
        country,
        ordered,
        _local_cents(rng.uniform(10, 300, count), _C_CURRENCY[country]),
        np.zeros(count, dtype=np.int64),
        np.zeros(count, dtype=bool),
    )


def _defective_orders(rng: Rng, frame: Frame, sequences: _Sequences, tally: _Tally) -> Frame:
    """Copies of clean orders under fresh ids, each with exactly one defect and no lines."""
    counts = {reason: _counts(rng, _length(frame), ORDER_DEFECT_RATE) for reason in ORDER_DEFECTS}
    total = sum(counts.values())
    rows = _take(frame, rng.integers(0, _length(frame), total))
    rows["order_id"] = _ids("O", sequences.take("order", total), 9)
    rows["status"][:] = "completed"
    rows["returned_amount"][:] = ""
    start = 0
    for reason in ORDER_DEFECTS:
        part = slice(start, start + counts[reason])
        for column, values in _order_defect(rng, reason, counts[reason], sequences).items():
            rows[column][part] = values
        tally.quarantine("orders", reason, counts[reason])
        start += counts[reason]
    return rows


def _order_defect(
    rng: Rng, reason: str, count: int, sequences: _Sequences
) -> dict[str, np.ndarray]:
    """The replacement values that give `count` orders the defect `reason`."""
    if reason == "missing_key":
        return {"order_id": np.full(count, "", dtype=TEXT)}
    if reason == "unknown_customer":
        return {"customer_id": _ids("C", sequences.take("unknown_customer", count), 8)}
    if reason == "non_positive_amount":
        cents = -rng.integers(1, 50_000, count) * (np.arange(count) % 2)  # 0.00 or negative
        return {"amount": _money(cents)}
    if reason == "absurd_amount":
        cents = rng.integers(ABSURD_AMOUNT_MIN * 100 + 100, 10 * ABSURD_AMOUNT_MIN * 100, count)
        return {"amount": _money(cents), "currency": np.full(count, REPORTING_CURRENCY, dtype=TEXT)}
    if reason == "future_date":
        day = np.datetime64("2099-01-01") + rng.integers(0, 365, count)
        seconds = day.astype("datetime64[s]").astype(np.int64) + rng.integers(0, _DAY, count)
        return {"ordered_at": _timestamps(seconds, np.full(count, "+00:00"), np.zeros(count, bool))}
    if reason == "invalid_timestamp":
        return {"ordered_at": _text(INVALID_TIMESTAMPS)[np.arange(count) % len(INVALID_TIMESTAMPS)]}
    if reason == "invalid_number":
        return {"amount": _text(INVALID_NUMBERS)[np.arange(count) % len(INVALID_NUMBERS)]}
    if reason == "unknown_currency":
        return {"currency": np.full(count, UNKNOWN_CURRENCY, dtype=TEXT)}
    if reason == "out_of_range":
        return {"amount": _text(OUT_OF_RANGE_AMOUNTS)[np.arange(count) % len(OUT_OF_RANGE_AMOUNTS)]}
    raise AssertionError(f"no order defect {reason!r}")


def _duplicate_orders(rng: Rng, frame: Frame, tally: _Tally) -> tuple[Frame, np.ndarray]:
    """Exact copies and copies with another `channel`, each after its original row."""
    exact = _counts(rng, _length(frame), ORDER_DUPLICATE_RATE)
    conflicting = _counts(rng, _length(frame), ORDER_DUPLICATE_RATE)
    sources = rng.choice(
        _length(frame), size=min(exact + conflicting, _length(frame)), replace=False
    )
    copies = _take(frame, sources)
    changed = slice(min(exact, len(sources)), len(sources))
    channel = np.searchsorted(_text(sorted(ORDER_CHANNELS)), copies["channel"][changed])
    shift = rng.integers(1, len(ORDER_CHANNELS), len(channel))
    copies["channel"][changed] = _text(sorted(ORDER_CHANNELS))[
        (channel + shift) % len(ORDER_CHANNELS)
    ]
    tally.duplicates["orders"] += len(sources)
    return copies, sources


def _lines_with_defects(rng: Rng, items: Frame, tally: _Tally) -> Rows:
    """Extra lines (numbered from LINE_DEFECT_FIRST, on clean orders) whose quantity no
    integer column takes (`INVALID_QUANTITIES`: invalid_number) or beyond its limit
    (`OUT_OF_RANGE_QUANTITY`: out_of_range), then exact copies of lines."""
    if not _length(items):
        return items
    invalid = _counts(rng, _length(items), LINE_DEFECT_RATE)
    beyond = _counts(rng, _length(items), LINE_DEFECT_RATE)
    rows = _take(items, rng.integers(0, _length(items), invalid + beyond))
    rows["line_number"] = (LINE_DEFECT_FIRST + np.arange(invalid + beyond)).astype(TEXT)
    rows["quantity"][:invalid] = _text(INVALID_QUANTITIES)[
        np.arange(invalid) % len(INVALID_QUANTITIES)
    ]
    rows["quantity"][invalid:] = OUT_OF_RANGE_QUANTITY
    tally.quarantine("order_items", "invalid_number", invalid)
    tally.quarantine("order_items", "out_of_range", beyond)
    copies = min(_counts(rng, _length(items), LINE_DUPLICATE_RATE), _length(items))
    sources = rng.choice(_length(items), size=copies, replace=False)
    tally.duplicates["order_items"] += copies
    extra = {name: np.concatenate([rows[name], items[name][sources]]) for name in items}
    return _interleave(rng, items, extra, np.concatenate([np.full(invalid + beyond, -1), sources]))


def _invoices_with_defects(rng: Rng, invoices: Frame, sequences: _Sequences, tally: _Tally) -> Rows:
    """Copies of invoices under fresh ids without an issue date (invalid_timestamp) or in
    a currency without rates (unknown_currency)."""
    if not _length(invoices):
        return invoices
    undated = _counts(rng, _length(invoices), ORDER_DEFECT_RATE)
    foreign = _counts(rng, _length(invoices), ORDER_DEFECT_RATE)
    rows = _take(invoices, rng.integers(0, _length(invoices), undated + foreign))
    rows["invoice_id"] = _ids("INV", sequences.take("invoice", undated + foreign), 9)
    rows["issued_date"][:undated] = ""
    rows["currency"][undated:] = UNKNOWN_CURRENCY
    tally.quarantine("invoices", "invalid_timestamp", undated)
    tally.quarantine("invoices", "unknown_currency", foreign)
    return _interleave(rng, invoices, rows, np.full(undated + foreign, -1))


def _tickets_with_defects(rng: Rng, tickets: Frame, tally: _Tally) -> Frame:
    """A few closed tickets scored `2.5`: no whole number (repaired invalid_optional_number)."""
    scored = np.flatnonzero(tickets["satisfaction_score"] != "")
    chosen = rng.permutation(scored)[: _counts(rng, len(tickets["ticket_id"]), ORDER_DEFECT_RATE)]
    tickets = dict(tickets)
    tickets["satisfaction_score"] = tickets["satisfaction_score"].copy()
    tickets["satisfaction_score"][chosen] = "2.5"
    tally.repair("tickets", "invalid_optional_number", len(chosen))
    return tickets


def _events_with_defects(rng: Rng, events: Frame, sequences: _Sequences, tally: _Tally) -> Rows:
    """Events of customers the CRM does not have (unknown_customer), then exact copies."""
    if not _length(events):
        return events
    unknown = _counts(rng, _length(events), ORDER_DEFECT_RATE)
    rows = _take(events, rng.integers(0, _length(events), unknown))
    rows["event_id"] = _ids("E", sequences.take("event", unknown), 10)
    rows["customer_id"] = _ids("C", sequences.take("unknown_customer", unknown), 8)
    tally.quarantine("events", "unknown_customer", unknown)
    copies = min(_counts(rng, _length(events), LINE_DUPLICATE_RATE), _length(events))
    sources = rng.choice(_length(events), size=copies, replace=False)
    tally.duplicates["events"] += copies
    extra = {name: np.concatenate([rows[name], events[name][sources]]) for name in events}
    return _interleave(rng, events, extra, np.concatenate([np.full(unknown, -1), sources]))

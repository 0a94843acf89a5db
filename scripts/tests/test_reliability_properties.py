"""Reliability, scale of abuse: random small datasets (orders with random customers,
amounts, dates, statuses and currencies, clean and dirty, with or without a
customers table and FX rates), each built by dbt; every invariant holds for all.

Each example is a dbt build (of the models the invariants read), so examples are
few, fixed (derandomize) and not shrunk: shrinking would run a build per step.
All examples build the same warehouse in this one process, so each also proves a
repeat build replaces the previous data rather than reusing it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from segments.core import project
from segments.pipeline import build
from segments.warehouse import raw_files
from tests.reliability import (
    LOST,
    MERGED,
    PARSED,
    REJECTED,
    TALLY,
    Cell,
    csv_line,
    query,
)

# Only what the invariants read is built; tests whose parents are all built run too.
SELECT = ["+marts.orders", "+marts.customer_rfm", "+audit.row_reconciliation"]
EXAMPLES = 5  # random ones, after the explicit every_kind() example
RFM_BINS = 5  # dbt_project.yml var rfm_bins
MAX_ORDER_AMOUNT = Decimal(1_000_000)  # dbt_project.yml var max_order_amount
EUR_RATE = Decimal("1.10")
ORDER_COLUMNS = ["order_id", "customer_id", "ordered_at", "amount", "status", "currency", "channel"]
CUSTOMER_COLUMNS = ["customer_id", "full_name", "email", "city", "signup_at"]
POOL = [f"H{number:03d}" for number in range(1, 7)]
UNKNOWN_CUSTOMER = "HZ999"


@dataclass(frozen=True)
class Value:
    """A raw cell and what it means: its parsed value, or the defect it carries."""

    text: Cell
    parsed: object = None
    defect: str | None = None
    odd: bool = False  # clean, but written in an unusual way


@dataclass(frozen=True)
class Order:
    order_id: str
    customer_id: str
    ordered_at: Value
    amount: Value
    status: Value
    currency: Value
    bad_bytes: bool = False
    channel: str = "web"

    def cells(self) -> dict[str, Cell]:
        return {
            "order_id": self.order_id,
            "customer_id": self.customer_id,
            "ordered_at": self.ordered_at.text,
            "amount": self.amount.text,
            "status": self.status.text,
            "currency": self.currency.text,
            "channel": b"w\xffb" if self.bad_bytes else self.channel,
        }

    def row_defects(self) -> set[str]:
        defects = {
            value.defect
            for value in (self.ordered_at, self.amount, self.status)
            if value.defect is not None
        }
        if self.bad_bytes:
            defects.add("invalid_encoding")
        if not self.order_id or not self.customer_id:
            defects.add("missing_key")
        return defects

    @property
    def is_odd(self) -> bool:
        return any(v.odd for v in (self.ordered_at, self.amount, self.status, self.currency))


@dataclass(frozen=True)
class Dataset:
    orders: list[Order]
    customers: dict[str, str] | None  # customer id -> clean / bad_email / test_account
    extra_customer_rows: int  # rows with a blank customer id
    with_fx: bool
    duplicate_of: int | None  # index of an order repeated at the end, another channel

    def order_rows(self) -> list[Order]:
        rows = list(self.orders)
        if self.duplicate_of is not None:
            rows.append(replace(rows[self.duplicate_of], channel="store"))
        return rows


# --------------------------------------------------------------------------- #
# Values, clean and dirty, and the strategies that draw them
# --------------------------------------------------------------------------- #
def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0)


# How a clean amount may be written: (format, unusual?).
AMOUNT_STYLES: list[tuple[Callable[[Decimal], str], bool]] = [
    (lambda x: f"{x:.2f}", False),
    (lambda x: f"{x:,.2f}", True),
    (lambda x: f"${x:.2f}", True),
    (lambda x: f"€{x:.2f}", True),
    (lambda x: f"  {x:.2f} ", True),
]
DIRTY_AMOUNTS = [
    Value("-12.50", defect="non_positive_amount"),
    Value("0", defect="non_positive_amount"),
    Value("0.00", defect="non_positive_amount"),
    Value("abc", defect="invalid_number"),
    Value("12,50", defect="invalid_number"),
    Value("", defect="invalid_number"),
    Value("5000000", Decimal(5_000_000)),  # parses; absurd is a cross-table rule
]
# How a clean time may be written: (format, the UTC instant it means, unusual?).
DATE_STYLES: list[tuple[Callable[[datetime], str], Callable[[datetime], datetime], bool]] = [
    (lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ"), lambda t: t, False),
    (lambda t: t.strftime("%Y-%m-%dT%H:%M:%S+05:30"), lambda t: t - timedelta(hours=5.5), True),
    (lambda t: t.strftime("%Y-%m-%dT%H:%M:%S-08:00"), lambda t: t + timedelta(hours=8), True),
    (lambda t: t.strftime("%Y-%m-%d"), _midnight, False),
    (lambda t: t.strftime("%Y/%m/%d"), _midnight, True),
    (lambda t: t.strftime("%d.%m.%Y"), _midnight, True),
    (lambda t: t.strftime("%Y%m%d"), _midnight, True),
]
DIRTY_DATES = [
    Value("not a date", defect="invalid_timestamp"),
    Value("2024-02-30", defect="invalid_timestamp"),
    Value("31/12/2024", defect="invalid_timestamp"),
    Value("", defect="invalid_timestamp"),
    Value("2099-01-01T00:00:00Z", defect="future_date"),
]
STATUS_VALUES = [
    Value("completed", "completed"),
    Value("cancelled", "cancelled"),
    Value("returned", "returned"),
    Value("", "completed", odd=True),
    Value("COMPLETED", "completed", odd=True),
    Value(" Returned ", "returned", odd=True),
    Value("shipped", defect="invalid_status"),
]
CURRENCY_VALUES = [
    Value("USD", "USD"),
    Value("", "USD", odd=True),
    Value("usd", "USD", odd=True),
    Value("EUR", "EUR"),  # unknown_currency without FX rates
    Value("ZZZ", "ZZZ"),  # unknown_currency always
]
CUSTOMER_KINDS = ["clean", "clean", "bad_email", "test_account", "absent"]


def amount_value(cents: int, style: tuple[Callable[[Decimal], str], bool]) -> Value:
    amount = Decimal(cents) / 100
    return Value(style[0](amount), amount, odd=style[1])


def date_value(moment: datetime, style: tuple[Callable, Callable, bool]) -> Value:
    moment = moment.replace(microsecond=0)
    return Value(style[0](moment), style[1](moment), odd=style[2])


# Three clean values to one dirty one, so that some orders of most examples get through.
CLEAN_AMOUNTS = st.builds(amount_value, st.integers(1, 5_000_000), st.sampled_from(AMOUNT_STYLES))
AMOUNTS = st.one_of(CLEAN_AMOUNTS, CLEAN_AMOUNTS, CLEAN_AMOUNTS, st.sampled_from(DIRTY_AMOUNTS))
CLEAN_DATES = st.builds(
    date_value,
    st.datetimes(min_value=datetime(2023, 6, 1), max_value=datetime(2025, 6, 30)),
    st.sampled_from(DATE_STYLES),
)
DATES = st.one_of(CLEAN_DATES, CLEAN_DATES, CLEAN_DATES, st.sampled_from(DIRTY_DATES))


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    count = draw(st.integers(min_value=1, max_value=18))
    orders = [
        Order(
            order_id=f"Q{index:03d}",
            customer_id=draw(st.sampled_from([*POOL, UNKNOWN_CUSTOMER, ""])),
            ordered_at=draw(DATES),
            amount=draw(AMOUNTS),
            status=draw(st.sampled_from(STATUS_VALUES)),
            currency=draw(st.sampled_from(CURRENCY_VALUES)),
            bad_bytes=draw(st.integers(0, 9)) == 0,
        )
        for index in range(count)
    ]
    blank_ids = set(draw(st.sets(st.integers(0, count - 1), max_size=1)))
    orders = [replace(o, order_id="") if i in blank_ids else o for i, o in enumerate(orders)]
    customers = None
    if draw(st.booleans()):
        customers = {customer: draw(st.sampled_from(CUSTOMER_KINDS)) for customer in POOL}
    duplicate = draw(st.none() | st.integers(0, count - 1))
    return Dataset(
        orders=orders,
        customers=customers,
        extra_customer_rows=draw(st.integers(0, 2)) if customers else 0,
        with_fx=draw(st.booleans()),
        duplicate_of=None if duplicate in blank_ids else duplicate,
    )


def every_kind() -> Dataset:
    """Every value kind at least once, every kind of customer, FX rates and a duplicate:
    the first example, whatever the random ones draw."""
    customers = [*POOL[:4], UNKNOWN_CUSTOMER]
    clean = [
        Order(
            order_id=f"Q{index:03d}",
            customer_id=customers[index % len(customers)],
            ordered_at=date_value(datetime(2024, 1 + index % 12, 3, 14, 5), DATE_STYLES[index % 7]),
            amount=amount_value(1999 + 250_000 * index, AMOUNT_STYLES[index % 5]),
            status=STATUS_VALUES[index % 6],
            currency=CURRENCY_VALUES[index % 4],
        )
        for index in range(14)
    ]
    changes: list[dict[str, object]] = [
        *({"amount": value} for value in DIRTY_AMOUNTS),
        *({"ordered_at": value} for value in DIRTY_DATES),
        {"status": STATUS_VALUES[-1]},
        {"currency": CURRENCY_VALUES[-1]},
        {"bad_bytes": True},
        {"customer_id": ""},
        {"order_id": ""},
    ]
    dirty = [
        replace(clean[0], **({"order_id": f"Q{100 + index:03d}"} | change))
        for index, change in enumerate(changes)
    ]
    return Dataset(
        orders=clean + dirty,
        customers=dict(
            zip(
                POOL,
                ["clean", "bad_email", "test_account", "absent", "clean", "clean"],
                strict=True,
            )
        ),
        extra_customer_rows=1,
        with_fx=True,
        duplicate_of=1,
    )


# --------------------------------------------------------------------------- #
# Writing and expecting
# --------------------------------------------------------------------------- #
def write_dataset(dataset: Dataset, raw_dir: Path) -> None:
    shutil.rmtree(raw_dir, ignore_errors=True)
    raw_dir.mkdir(parents=True)
    lines = [",".join(ORDER_COLUMNS).encode() + b"\n"]
    lines += [csv_line(ORDER_COLUMNS, order.cells()) for order in dataset.order_rows()]
    (raw_dir / "orders.csv").write_bytes(b"".join(lines))
    if dataset.customers is not None:
        rows = [",".join(CUSTOMER_COLUMNS).encode() + b"\n"]
        for customer, kind in dataset.customers.items():
            if kind == "absent":
                continue
            email = {
                "clean": f"{customer.lower()}@example.net",
                "bad_email": f"{customer.lower()} at example.net",
                "test_account": f"{customer.lower()}@test.invalid",
            }[kind]
            cells = {"customer_id": customer, "full_name": "Pat Doe", "email": email}
            cells |= {"city": "Oslo", "signup_at": "2023-01-02"}
            rows.append(csv_line(CUSTOMER_COLUMNS, cells))
        rows += [csv_line(CUSTOMER_COLUMNS, {"email": "x@example.net"})] * (
            dataset.extra_customer_rows
        )
        (raw_dir / "customers.csv").write_bytes(b"".join(rows))
    if dataset.with_fx:
        rates = "".join(
            f"{currency},{date(year, month, 1)},{rate}\n"
            for currency, rate in (("USD", 1), ("EUR", EUR_RATE))
            for year in (2023, 2024, 2025)
            for month in range(1, 13)
        )
        (raw_dir / "fx_rates.csv").write_text("currency,rate_date,rate_to_reporting\n" + rates)


def cross_table_defects(order: Order, dataset: Dataset) -> set[str]:
    """Rules of int_orders_checked that this order breaks (only reached when the row is usable)."""
    defects: set[str] = set()
    currency = order.currency.parsed
    if currency not in ("USD", "EUR") or (currency == "EUR" and not dataset.with_fx):
        defects.add("unknown_currency")
    kinds = dataset.customers or {}
    if kinds.get(order.customer_id) == "test_account":
        defects.add("test_account")
    crm = {customer for customer, kind in kinds.items() if kind in ("clean", "bad_email")}
    if crm and order.customer_id not in crm and kinds.get(order.customer_id) != "test_account":
        defects.add("unknown_customer")
    rate = EUR_RATE if currency == "EUR" else Decimal(1)
    if isinstance(order.amount.parsed, Decimal) and order.amount.parsed * rate > MAX_ORDER_AMOUNT:
        defects.add("absurd_amount")
    return defects


def expected_fates(dataset: Dataset) -> list[tuple[str, set[str]]]:
    """Per written order row: its fate and the reasons it may be rejected for."""
    rows = dataset.order_rows()
    expected: list[tuple[str, set[str]]] = []
    for index, order in enumerate(rows):
        row_level = order.row_defects()
        if row_level:
            expected.append((REJECTED, row_level))
            continue
        superseded = dataset.duplicate_of == index and index < len(rows) - 1
        if superseded:
            expected.append((MERGED, set()))
            continue
        cross = cross_table_defects(order, dataset)
        expected.append((REJECTED, cross) if cross else (PARSED, set()))
    return expected


def is_dirty(order: Order, index: int, dataset: Dataset) -> bool:
    duplicate = dataset.duplicate_of is not None and index in (
        dataset.duplicate_of,
        len(dataset.order_rows()) - 1,
    )
    return bool(order.row_defects() or cross_table_defects(order, dataset)) or (
        order.is_odd or duplicate
    )


# --------------------------------------------------------------------------- #
# The invariants
# --------------------------------------------------------------------------- #
def assert_reconciles(warehouse: Path, dataset: Dataset) -> None:
    """raw = clean + rejected + duplicates per raw table, nothing negative, raw = file rows."""
    reconciliation = {
        table: counts
        for table, *counts in query(
            warehouse,
            "select source_table, raw_rows, clean_rows, rejected_rows, duplicate_rows "
            "from audit.row_reconciliation",
        )
    }
    for table, (raw, clean, rejected, duplicates) in reconciliation.items():
        assert raw == clean + rejected + duplicates, table
        assert min(raw, clean, rejected, duplicates) >= 0, table
    assert reconciliation["shop.orders"][0] == len(dataset.order_rows())
    customer_rows = (
        0
        if dataset.customers is None
        else sum(kind != "absent" for kind in dataset.customers.values())
        + dataset.extra_customer_rows
    )
    assert reconciliation["crm.customers"][0] == customer_rows


def assert_order_fates(warehouse: Path, dataset: Dataset) -> list[str]:
    """Clean orders reach marts.orders with the values their text meant, bad ones are
    quarantined with one of their defects, superseded duplicates merged.
    Returns the fates of the dirty rows, for the tally."""
    rows, expected = dataset.order_rows(), expected_fates(dataset)
    quarantined = dict(
        query(
            warehouse,
            "select source_row_number, reason_code from audit.quarantined_rows "
            "where source_table = 'shop.orders' and disposition = 'rejected'",
        )
    )
    merged = {
        row
        for (row,) in query(
            warehouse, "select _source_row from staging.base_shop__orders where duplicate_rank > 1"
        )
    }
    in_marts = {
        order_id: values
        for order_id, *values in query(
            warehouse,
            "select order_id, staged.ordered_at, staged.gross_amount, staged.order_status, "
            "staged.currency_code from marts.orders "
            "inner join staging.stg_shop__orders as staged using (order_id)",
        )
    }
    fates = []
    for number, (order, (fate, reasons)) in enumerate(zip(rows, expected, strict=True), start=1):
        if fate == REJECTED:
            assert quarantined.get(number) in reasons, (number, order, reasons)
        elif fate == MERGED:
            assert number in merged, (number, order)
        else:
            meant = [order.ordered_at.parsed, order.amount.parsed, order.status.parsed]
            assert in_marts.get(order.order_id) == [*meant, order.currency.parsed], (number, order)
        if number in quarantined:
            actual = REJECTED
        elif number in merged:
            actual = MERGED
        else:
            actual = PARSED if order.order_id in in_marts else LOST
        if is_dirty(order, number - 1, dataset):
            fates.append(actual)
    assert len(in_marts) == sum(fate == PARSED for fate, _ in expected)
    return fates


def assert_marts_in_range(warehouse: Path) -> None:
    """No negative revenue; each buying customer once in customer_rfm, one segment, scores 1-5."""
    revenue = query(
        warehouse,
        "select count(*) filter (where net_revenue < 0 or gross_revenue < 0 "
        "or returned_revenue > gross_revenue) from marts.orders",
    )
    assert revenue == [(0,)]
    rfm = query(
        warehouse,
        "select customer_id, rfm_segment, r_score, f_score, m_score, frequency, monetary, "
        "recency_days from marts.customer_rfm",
    )
    buyers = query(
        warehouse, "select distinct customer_id from marts.orders where not is_cancelled"
    )
    assert sorted(row[0] for row in rfm) == sorted(row[0] for row in buyers)
    for customer, segment, *scores, frequency, monetary, recency in rfm:
        assert segment is not None, customer
        assert all(1 <= score <= RFM_BINS for score in scores), (customer, scores)
        assert frequency >= 1 and monetary >= 0 and recency >= 0, customer


# --------------------------------------------------------------------------- #
# The property
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def warehouse_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One warehouse for all examples: each build replaces the previous example's data."""
    return tmp_path_factory.mktemp("properties")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(dataset=datasets())
@example(dataset=every_kind())
def test_every_invariant_holds_on_random_dirty_data(warehouse_dir: Path, dataset: Dataset) -> None:
    # GIVEN a random small dataset written as raw files
    raw_dir = warehouse_dir / "raw"
    write_dataset(dataset, raw_dir)
    warehouse = warehouse_dir / "warehouse.duckdb"
    # WHEN it is built (over the previous example's warehouse)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_INDIRECT_SELECTION", "cautious")
        files = raw_files.find(raw_dir)
        build.build(
            build.BuildOptions(
                warehouse, "ci", files, project.column_mapping(), {}, SELECT, max_bad_share=1
            )
        )
    # THEN every raw table reconciles, and every order row met its fate
    assert_reconciles(warehouse, dataset)
    fates = assert_order_fates(warehouse, dataset)
    # AND the marts' numbers stay in range, one RFM segment per buying customer
    assert_marts_in_range(warehouse)
    TALLY.add_rows(fates)
    assert LOST not in fates
    event(f"customers table: {dataset.customers is not None}, fx rates: {dataset.with_fx}")
    passed = fates.count(PARSED)
    event(f"dirty-looking orders that reached the marts: {min(passed, 3)}{'+' * (passed > 2)}")

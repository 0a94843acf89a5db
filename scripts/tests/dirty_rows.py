"""Every kind of dirty row, and a way to slip them into generated raw files.

Each injected row has exactly one thing wrong (or odd) with it and names its
expected fate: rejected with a reason, repaired with a reason, parsed correctly
(a clean row written in an unusual way, with the values staging must read), or
merged as a duplicate. `inject` inserts them at seeded random positions of the
generated orders.csv and customers.csv and returns each with its row number.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from tests.reliability import MERGED, PARSED, REJECTED, REPAIRED, Cell, csv_line, read_csv_rows

LONG_TEXT = 100_000  # characters in the very long strings
MARCH_5 = datetime(2024, 3, 5)


@dataclass(frozen=True)
class Dirty:
    """One injected raw row and what must become of it."""

    table: str
    label: str
    values: dict[str, Cell]
    fate: str
    reason: str | None = None
    # For PARSED rows: column of stg_shop__orders / stg_crm__customers -> value.
    parsed: dict[str, object] = field(default_factory=dict)
    row: int = 0  # position in the written file (1 = first data row)

    @property
    def key(self) -> str:
        value = self.values.get("order_id" if self.table == "orders" else "customer_id", "")
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _order(
    order_id: Cell, label: str, fate: str, reason: str | None = None, **values: Cell
) -> Dirty:
    row: dict[str, Cell] = {
        "order_id": order_id,
        "customer_id": "{customer}",
        "ordered_at": "2024-03-05T12:00:00Z",
        "amount": "100.00",
        "status": "completed",
        "currency": "USD",
        "channel": "web",
    }
    row.update(values)
    return Dirty("orders", label, row, fate, reason)


def _customer(
    customer_id: Cell, label: str, fate: str, reason: str | None = None, **values: Cell
) -> Dirty:
    row: dict[str, Cell] = {
        "customer_id": customer_id,
        "full_name": "Ada Example",
        "email": f"ada.{label.replace(' ', '-')}@example.net",
        "customer_type": "b2c",
        "country": "NO",
        "city": "Oslo",
        "signup_at": "2023-02-01T09:00:00Z",
    }
    row.update(values)
    return Dirty("customers", label, row, fate, reason)


def _parsed(dirty: Dirty, **expected: object) -> Dirty:
    return replace(dirty, parsed={**dirty.parsed, **expected})


def catalogue() -> list[Dirty]:
    """Every kind of dirty row. `{customer}` is filled with a clean generated customer."""
    long_id = "OZ-LONG-" + "9" * LONG_TEXT
    orders = [
        # Duplicate ids with different content: the later row in the file wins.
        _order("OZ-DUP", "duplicate id, version A", MERGED, channel="web", amount="10.00"),
        _order("OZ-DUP", "duplicate id, version B", MERGED, channel="store", amount="20.00"),
        _order("", "blank order id", REJECTED, "missing_key"),
        _order("   ", "whitespace order id", REJECTED, "missing_key"),
        _order("OZ-NO-CUSTOMER", "blank customer id", REJECTED, "missing_key", customer_id=""),
        _order(
            "OZ-UNKNOWN", "unknown customer", REJECTED, "unknown_customer", customer_id="CZ9999999"
        ),
        _order("OZ-NEGATIVE", "negative amount", REJECTED, "non_positive_amount", amount="-5.00"),
        _order("OZ-ZERO", "zero amount", REJECTED, "non_positive_amount", amount="0"),
        _order("OZ-ABSURD", "absurd amount", REJECTED, "absurd_amount", amount="5,000,000.00"),
        _order("OZ-WORDS", "amount in words", REJECTED, "invalid_number", amount="twelve"),
        _order("OZ-DEC-COMMA", "decimal comma", REJECTED, "invalid_number", amount="12,50"),
        _order("OZ-EU-NUMBER", "1.234,50", REJECTED, "invalid_number", amount="1.234,50"),
        _order(
            "OZ-BAD-DATE", "impossible date", REJECTED, "invalid_timestamp", ordered_at="31/02/2024"
        ),
        _order("OZ-NOT-DATE", "not a date", REJECTED, "invalid_timestamp", ordered_at="yesterday"),
        _order(
            "OZ-AMBIGUOUS", "03/05/2024", REJECTED, "invalid_timestamp", ordered_at="03/05/2024"
        ),
        _order(
            "OZ-FUTURE", "future date", REJECTED, "future_date", ordered_at="2099-06-01T00:00:00Z"
        ),
        _order("OZ-INFINITY", "infinity", REJECTED, "invalid_timestamp", ordered_at="infinity"),
        _order("OZ-MINUS-INF", "-infinity", REJECTED, "invalid_timestamp", ordered_at="-infinity"),
        _order("OZ-EPOCH", "epoch", REJECTED, "date_before_earliest", ordered_at="epoch"),
        _order(
            "OZ-YEAR-1", "0001-01-01", REJECTED, "date_before_earliest", ordered_at="0001-01-01"
        ),
        _order(
            "OZ-NEG-YEAR",
            "negative year",
            REJECTED,
            "date_before_earliest",
            ordered_at="-0044-03-15",
        ),
        _order(
            "OZ-TWO-DIGIT-YEAR",
            "05.03.24 (year 0024 by %d.%m.%Y)",
            REJECTED,
            "date_before_earliest",
            ordered_at="05.03.24",
        ),
        _order(
            "OZ-BEFORE-1990",
            "1989-12-31",
            REJECTED,
            "date_before_earliest",
            ordered_at="1989-12-31",
        ),
        _order("OZ-CURRENCY", "unknown currency", REJECTED, "unknown_currency", currency="XYZ"),
        _order("OZ-STATUS", "unknown status", REJECTED, "invalid_status", status="shipped"),
        _order(
            "OZ-SHIP-WORDS",
            "shipping cost 'abc'",
            REPAIRED,
            "invalid_optional_number",
            shipping_cost="abc",
        ),
        _order(
            "OZ-SHIP-COMMA",
            "shipping cost '12,50'",
            REPAIRED,
            "invalid_optional_number",
            shipping_cost="12,50",
        ),
        _order(
            "OZ-SHIP-NEGATIVE",
            "shipping cost -50",
            REPAIRED,
            "invalid_optional_number",
            shipping_cost="-50",
        ),
        _order(
            "OZ-ZERO-REFUND",
            "refund of 0",
            REJECTED,
            "non_positive_amount",
            status="refund",
            amount="0",
        ),
        _order(
            "OZ-REFUND-RETURNED",
            "refund with a returned amount",
            REJECTED,
            "invalid_returned_amount",
            status="refund",
            amount="-20.00",
            returned_amount="20.00",
        ),
        _order(
            "OZ-REFUND",
            "refund above amount",
            REJECTED,
            "invalid_returned_amount",
            status="returned",
            returned_amount="500.00",
        ),
        _order(
            "OZ-TEST-ACCOUNT",
            "order of a test account",
            REJECTED,
            "test_account",
            customer_id="CZ0000002",
        ),
        _order("OZ-LATIN1", "Latin-1 byte", REJECTED, "invalid_encoding", channel=b"w\xe9b"),
        _order("OZ-NUL", "NUL byte", REJECTED, "invalid_encoding", amount=b"10\x00"),
        _order(
            "OZ-BAD-UTF8", "invalid UTF-8", REJECTED, "invalid_encoding", customer_id=b"C\xff\xfe"
        ),
        _parsed(
            _order("OZ-THOUSANDS", "1,234.50", PARSED, amount="1,234.50"),
            gross_amount=Decimal("1234.50"),
        ),
        _parsed(
            _order("OZ-DOLLAR", "$12.00", PARSED, amount="$12.00"), gross_amount=Decimal("12.00")
        ),
        _parsed(
            _order("OZ-EURO", "€15", PARSED, amount="€15", currency="EUR"),
            gross_amount=Decimal("15.00"),
            currency_code="EUR",
        ),
        _parsed(
            _order("OZ-PADDED", "padded amount", PARSED, amount="  42.10 "),
            gross_amount=Decimal("42.10"),
        ),
        _parsed(
            _order("OZ-SLASHES", "2024/03/05", PARSED, ordered_at="2024/03/05"), ordered_at=MARCH_5
        ),
        _parsed(
            _order("OZ-DOTS", "05.03.2024", PARSED, ordered_at="05.03.2024"), ordered_at=MARCH_5
        ),
        _parsed(
            _order("OZ-COMPACT", "20240305", PARSED, ordered_at="20240305"), ordered_at=MARCH_5
        ),
        _parsed(
            _order("OZ-TZ-PLUS", "+05:30 offset", PARSED, ordered_at="2024-03-05T10:00:00+05:30"),
            ordered_at=datetime(2024, 3, 5, 4, 30),
        ),
        _parsed(
            _order("OZ-TZ-MINUS", "-08:00 offset", PARSED, ordered_at="2024-03-05T22:00:00-08:00"),
            ordered_at=datetime(2024, 3, 6, 6, 0),
            ordered_date=datetime(2024, 3, 6).date(),
        ),
        _parsed(
            _order("OZ-STATUS-CASE", "status ' Cancelled '", PARSED, status=" Cancelled "),
            order_status="cancelled",
            is_cancelled=True,
        ),
        _parsed(
            _order("OZ-LOWER-USD", "currency 'usd'", PARSED, currency="usd"), currency_code="USD"
        ),
        _parsed(
            _order(
                "OZ-CREDIT-NOTE", "credit note of -30", PARSED, status="Credit_Note", amount="-30"
            ),
            order_status="refund",
            gross_amount=Decimal("0.00"),
            returned_amount=Decimal("30.00"),
            is_purchase=False,
            is_refund=True,
        ),
        _parsed(
            _order(
                "OZ-REFUND-PLUS",
                "refund of +30 (money paid back)",
                PARSED,
                status="refund",
                amount="30",
            ),
            order_status="refund",
            gross_amount=Decimal("0.00"),
            returned_amount=Decimal("30.00"),
            is_purchase=False,
            is_refund=True,
        ),
        _order(long_id, "100k-character order id", PARSED),
        _order(
            "OZ-LONG-CUSTOMER", "order of the long-string customer", PARSED, customer_id="CZ0000001"
        ),
        _order("OZ-REPAIRED", "order of a repaired customer", PARSED, customer_id="CZ0000004"),
    ]
    customers = [
        _customer(
            "CZ0000001",
            "100k-character city and name",
            PARSED,
            city="Ä" * LONG_TEXT,
            full_name="N" * LONG_TEXT,
        ),
        _customer("CZ0000002", "test email", REJECTED, "test_account", email="qa.bot@test.invalid"),
        _customer("CZ0000003", "test name", REJECTED, "test_account", full_name="TEST Robot"),
        _customer("CZ0000004", "no @", REPAIRED, "invalid_email", email="no-at-sign.example.com"),
        _customer("CZ0000005", "two @", REPAIRED, "invalid_email", email="two@@example.com"),
        _customer("CZ0000006", "space", REPAIRED, "invalid_email", email="spaces in@example.com"),
        _customer("CZ0000009", "unknown country", REPAIRED, "unknown_country", country="Atlantis"),
        _customer(
            "CZ0000012",
            "unknown business type",
            REPAIRED,
            "unknown_business_type",
            business_type="spaceship",
        ),
        _customer(
            "CZ0000013", "business type 'Cross-Border'", PARSED, business_type="Cross-Border"
        ),
        _customer(
            "CZ0000010", "income 'lots'", REPAIRED, "invalid_optional_number", annual_income="lots"
        ),
        _customer(
            "CZ0000011", "company size -3", REPAIRED, "invalid_optional_number", company_size="-3"
        ),
        _customer("", "blank customer id", REJECTED, "missing_key"),
        _customer("  ", "whitespace customer id", REJECTED, "missing_key"),
        _customer("CZ0000007", "duplicate id, version A", MERGED, city="Bergen"),
        _customer("CZ0000007", "duplicate id, version B", MERGED, city="Trondheim"),
        _customer("CZ0000008", "Latin-1 city", REJECTED, "invalid_encoding", city=b"M\xfcnchen"),
    ]
    return orders + customers


def inject(raw_dir: Path, seed: int) -> list[Dirty]:
    """Insert the catalogue into raw_dir's orders.csv and customers.csv at random positions.

    Returns the injected rows with their row numbers. Of each duplicate pair,
    the row written later is the one kept: its fate becomes PARSED.
    """
    rng = random.Random(seed)
    _, order_rows = read_csv_rows(raw_dir / "orders.csv")
    customer = next(
        row["customer_id"]
        for row in order_rows
        if row["customer_id"].startswith("C0") and row["currency"] in ("USD", "")
    )
    injected: list[Dirty] = []
    for table in ("orders", "customers"):
        path = raw_dir / f"{table}.csv"
        lines = path.read_bytes().splitlines(keepends=True)
        header, rows = read_csv_rows(path)
        assert len(rows) == len(lines) - 1, f"{table}.csv has multi-line records"
        dirty = [d for d in catalogue() if d.table == table]
        dirty = [
            replace(d, values={k: _fill(v, customer) for k, v in d.values.items()}) for d in dirty
        ]
        # Slot each dirty row after a random original row (0 = before the first).
        slots = sorted(
            (rng.randint(0, len(rows)), rng.random(), index) for index in range(len(dirty))
        )
        out = [lines[0]]
        row_number = 0
        placed: dict[int, int] = {}
        cursor = 0
        for slot, _, index in slots:
            while cursor < slot:
                out.append(lines[1 + cursor])
                cursor += 1
                row_number += 1
            out.append(csv_line(header, dirty[index].values))
            row_number += 1
            placed[index] = row_number
        out.extend(lines[1 + cursor :])
        path.write_bytes(b"".join(out))
        injected += [replace(d, row=placed[i]) for i, d in enumerate(dirty)]
    return _winners_parsed(injected)


def _fill(value: Cell, customer: str) -> Cell:
    return value.replace("{customer}", customer) if isinstance(value, str) else value


def _winners_parsed(rows: list[Dirty]) -> list[Dirty]:
    """Of rows sharing a MERGED key, the one written last is kept (last write wins)."""
    last: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.fate == MERGED:
            key = (row.table, row.key)
            last[key] = max(last.get(key, 0), row.row)
    return [
        replace(row, fate=PARSED, parsed={**row.parsed, **_kept_values(row)})
        if row.fate == MERGED and row.row == last[(row.table, row.key)]
        else row
        for row in rows
    ]


def _kept_values(row: Dirty) -> dict[str, object]:
    if row.table == "orders":
        return {
            "order_channel": row.values["channel"],
            "gross_amount": Decimal(row.values["amount"]),
        }
    return {"city": row.values["city"]}

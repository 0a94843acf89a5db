"""Reliability, round 3 (issue 24): values real exports hold and the generator
never wrote. Numbers beyond their limit or beyond what can be stored, non-integers in
integer columns, NaN and infinity, lines worth more than their order, and rows of every
table that cannot be used (no FX rate, no issue date, an unknown customer) are each
quarantined or repaired with their reason, never a crash, never silently kept; the
reconciliation balances."""

from __future__ import annotations

from pathlib import Path

import pytest

from segments.core import project
from segments.core.errors import InputFileError
from segments.pipeline import build
from segments.warehouse import load, raw_files
from tests.conftest import write
from tests.reliability import REJECTED, REPAIRED, TALLY, query

CUSTOMERS = (
    "customer_id,full_name,email,annual_income,company_size,signup_at\n"
    "C1,Ann One,ann@example.com,50000,,2023-01-01\n"
    "C2,Bob Two,bob@example.com,,,2023-01-01\n"
    "C3,Cy Three,cy@example.com,,,2023-01-01\n"
    "C7,Di Seven,di@example.com,1e20,,2023-01-01\n"
    "C8,Ed Eight,ed@example.com,,2.5,2023-01-01\n"
)
ORDERS = (
    "order_id,customer_id,ordered_at,amount,status,currency,shipping_cost\n"
    "O1,C1,2024-03-01,100.00,completed,USD,\n"
    "O2,C1,2024-03-02,1e12,completed,USD,\n"
    "O3,C1,2024-03-03,99999999999999999999,completed,USD,\n"
    "O4,C1,2024-03-04,NaN,completed,USD,\n"
    "O5,C1,2024-03-05,inf,completed,USD,\n"
    "O6,C2,2024-03-06,200.00,completed,USD,1e15\n"
    "O7,C9,2024-03-07,30.00,completed,USD,\n"
    "O8,C3,2024-03-08,50.00,completed,EUR,\n"
)
ORDER_ITEMS = (
    "order_id,line_number,product_id,quantity,unit_price\n"
    "O1,1,P1,2.5,10\n"
    "O1,2,P1,1e3,10\n"
    "O1,3,P1,0x10,10\n"
    "O1,1.5,P1,1,10\n"
    "O1,4,P1,10000000,10\n"
    "O1,5,P1,3.0,10\n"
    "O1,6,P1,1000000000000000,10\n"
    "O1,7,P1,1,1e13\n"
    "O8,1,P1,100,500\n"
    "O8,2,P1,1,20\n"
)
INVOICES = (
    "invoice_id,customer_id,issued_date,due_date,paid_date,amount,currency\n"
    "I1,C1,2024-03-01,2024-03-31,2024-03-20,100.00,USD\n"
    "I2,C1,2024-03-02,2024-04-01,,100.00,ZZZ\n"
    "I3,C1,2023-12-01,2023-12-31,,100.00,EUR\n"
    "I4,C1,,2024-04-03,,100.00,USD\n"
    "I5,C9,2024-03-05,2024-04-04,,100.00,USD\n"
    "I6,C1,2024-03-06,2024-04-05,,1e13,USD\n"
    "I7,C1,2024-03-07,2024-04-06,,5000000.00,USD\n"
)
WALLET_ESTIMATES = (
    "customer_id,estimated_annual_spend,currency,estimated_at\n"
    "C1,10000,USD,2024-01-01\n"
    "C2,10000,ZZZ,2024-01-01\n"
    "C9,10000,USD,2024-01-01\n"
)
TICKETS = (
    "ticket_id,customer_id,opened_at,closed_at,category,satisfaction_score\n"
    "T1,C1,2024-03-01,2024-03-02,billing,5\n"
    "T2,C9,2024-03-01,,billing,\n"
    "T3,C1,2024-03-03,2024-03-04,billing,2.5\n"
    "T4,C1,2024-03-05,2024-03-06,billing,7\n"
)
EVENTS = (
    "event_id,customer_id,event_type,product_id,occurred_at\n"
    "E1,C1,view,P1,2024-03-01\n"
    "E2,C9,view,P1,2024-03-01\n"
    "E3,,view,P1,2024-03-01\n"
)
FX_RATES = "currency,rate_date,rate_to_reporting\nEUR,2024-01-01,1.10\nGBP,2024-01-01,1000000000\n"
# Every row the build must quarantine (rejected) or repair: (table, key) -> (reason, fate).
EXPECTED = {
    ("crm.customers", "C7"): ("out_of_range", REPAIRED),
    ("crm.customers", "C8"): ("invalid_optional_number", REPAIRED),
    ("shop.orders", "O2"): ("out_of_range", REJECTED),
    ("shop.orders", "O3"): ("out_of_range", REJECTED),
    ("shop.orders", "O4"): ("invalid_number", REJECTED),
    ("shop.orders", "O5"): ("invalid_number", REJECTED),
    ("shop.orders", "O6"): ("out_of_range", REPAIRED),
    ("shop.orders", "O7"): ("unknown_customer", REJECTED),
    ("shop.order_items", "O1|1"): ("invalid_number", REJECTED),
    ("shop.order_items", "O1|2"): ("invalid_number", REJECTED),
    ("shop.order_items", "O1|3"): ("invalid_number", REJECTED),
    ("shop.order_items", "O1|1.5"): ("invalid_number", REJECTED),
    ("shop.order_items", "O1|4"): ("out_of_range", REJECTED),
    ("shop.order_items", "O1|6"): ("out_of_range", REJECTED),
    ("shop.order_items", "O1|7"): ("out_of_range", REJECTED),
    ("shop.order_items", "O8|1"): ("line_exceeds_order", REJECTED),
    ("billing.invoices", "I2"): ("unknown_currency", REJECTED),
    ("billing.invoices", "I3"): ("missing_fx_rate", REJECTED),
    ("billing.invoices", "I4"): ("invalid_timestamp", REJECTED),
    ("billing.invoices", "I5"): ("unknown_customer", REJECTED),
    ("billing.invoices", "I6"): ("out_of_range", REJECTED),
    ("billing.invoices", "I7"): ("absurd_amount", REJECTED),
    ("crm.wallet_estimates", "C2"): ("unknown_currency", REJECTED),
    ("crm.wallet_estimates", "C9"): ("unknown_customer", REJECTED),
    ("support.tickets", "T2"): ("unknown_customer", REJECTED),
    ("support.tickets", "T3"): ("invalid_optional_number", REPAIRED),
    ("support.tickets", "T4"): ("out_of_range", REJECTED),
    ("web.events", "E2"): ("unknown_customer", REJECTED),
    ("finance.fx_rates", "GBP|2024-01-01"): ("out_of_range", REJECTED),
}


@pytest.fixture(scope="module")
def values_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GIVEN raw files of every table holding the values above, built as of 2024-03-31."""
    root = tmp_path_factory.mktemp("values")
    raw = root / "raw"
    for name, text in {
        "customers": CUSTOMERS,
        "orders": ORDERS,
        "order_items": ORDER_ITEMS,
        "invoices": INVOICES,
        "wallet_estimates": WALLET_ESTIMATES,
        "tickets": TICKETS,
        "events": EVENTS,
        "fx_rates": FX_RATES,
    }.items():
        write(raw / f"{name}.csv", text)
    warehouse = root / "warehouse.duckdb"
    files = raw_files.find(raw)
    build.build(
        build.BuildOptions(
            warehouse, "ci", files, project.column_mapping(), {"as_of_date": "2024-03-31"}
        )
    )
    return warehouse


def test_every_unusable_value_is_quarantined_or_repaired_with_its_reason(
    values_warehouse: Path,
) -> None:
    # WHEN the quarantine is read
    rows = query(
        values_warehouse,
        "select source_table, raw_key, reason_code, disposition from audit.quarantined_rows",
    )
    found = {(table, key): (reason, fate) for table, key, reason, fate in rows}
    # THEN exactly the rows above are there, each with its reason and fate
    assert found == EXPECTED
    assert len(rows) == len(EXPECTED)
    TALLY.add_rows(fate for _, fate in EXPECTED.values())


def test_the_reconciliation_balances_for_every_table(values_warehouse: Path) -> None:
    # WHEN the reconciliation is read THEN every table balances
    rows = query(
        values_warehouse,
        "select source_table, raw_rows, clean_rows, rejected_rows, duplicate_rows, is_balanced "
        "from audit.row_reconciliation where raw_rows > 0",
    )
    assert len(rows) == 8
    assert all(row[-1] for row in rows), rows


def test_usable_rows_keep_their_values_and_bad_ones_reach_no_mart(values_warehouse: Path) -> None:
    # WHEN the marts are read
    lines = query(
        values_warehouse,
        "select order_id, line_count, units, cost_of_goods from marts.orders order by 1",
    )
    customers = dict(
        query(values_warehouse, "select customer_id, credit_invoices from marts.customer_segments")
    )
    shipping = query(
        values_warehouse, "select shipping_cost from marts.orders where order_id = 'O6'"
    )
    # THEN O1 keeps its one line of quantity 3.0 (3 units), O8 its plausible line, and
    # C1's credit rating rests on its one usable invoice (paid on time), not on the four
    # it cannot use; O6 is kept with no shipping cost
    assert [row[:3] for row in lines] == [("O1", 1, 3), ("O6", 0, 0), ("O8", 1, 1)]
    assert customers["C1"] == 1
    assert shipping == [(0,)]


@pytest.mark.parametrize(
    ("column", "values", "problem"),
    [
        pytest.param(
            "amount",
            ["NaN", "inf", "Infinity", "-inf"],
            "cannot be parsed as decimal",
            id="nan-inf",
        ),
        pytest.param(
            "ordered_at", ["infinity"], "cannot be parsed as timestamp", id="infinite-date"
        ),
    ],
)
def test_a_file_mostly_of_values_staging_cannot_read_is_refused(
    tmp_path: Path, column: str, values: list[str], problem: str
) -> None:
    # GIVEN orders whose amount (or date) is mostly a value staging reads as no value
    good = {"order_id": "", "customer_id": "C1", "ordered_at": "2024-01-01", "amount": "10.00"}
    lines = ["order_id,customer_id,ordered_at,amount"]
    for number in range(10):
        row = good | {"order_id": f"O{number}"}
        if number < 7:
            row[column] = values[number % len(values)]
        lines.append(",".join(row.values()))
    write(tmp_path / "raw" / "orders.csv", "\n".join(lines) + "\n")
    # WHEN it is loaded THEN it is refused, naming the column and the problem
    with pytest.raises(InputFileError, match=f"column '{column}': 7 of 10 values {problem}"):
        load.load_raw(tmp_path / "w.duckdb", raw_files.find(tmp_path / "raw"), {})
    TALLY.files_rejected += 1


def test_the_loader_reads_dates_by_the_date_formats_var_as_staging_does(tmp_path: Path) -> None:
    # GIVEN orders dated the US way
    write(
        tmp_path / "raw" / "orders.csv",
        "order_id,customer_id,ordered_at,amount\nO1,C1,03/25/2024,10\nO2,C1,12/01/2024,20\n",
    )
    files = raw_files.find(tmp_path / "raw")
    # WHEN loaded without a format for them THEN the file is refused
    with pytest.raises(InputFileError, match="cannot be parsed as timestamp"):
        load.load_raw(tmp_path / "a.duckdb", files, {})
    # WHEN loaded with the var that reads them THEN every row is loaded
    loaded = load.load_raw(tmp_path / "b.duckdb", files, {}, date_formats=["%m/%d/%Y"])
    assert loaded[0].rows == 2

"""Refunds and credit notes (issue 9): a refund booked as an order row
of its own reduces the customer's net revenue on its own date, is no purchase,
and every scheme uses the net revenue."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from segments.core import project
from segments.pipeline import build
from segments.warehouse import raw_files
from tests.conftest import write
from tests.reliability import TALLY, query

# C1 bought three times and got everything back (credit notes, as UCI Online
# Retail's `C...` invoices: negative amounts, one linked to its order, one a
# positive amount paid back); C2 and C3 are ordinary buyers. R-OTHER names an
# order of another customer and R-GHOST an order that does not exist. C4 has
# credit notes only (its purchases predate the data, as in Online Retail), and
# CB9 pays back 2,000 of C2's order of 300.
ORDERS = (
    "order_id,customer_id,ordered_at,amount,status,refunds_order_id\n"
    "A1,C1,2024-01-05,900.00,completed,\n"
    "A2,C1,2024-02-05,900.00,completed,\n"
    "A3,C1,2024-03-05,900.00,completed,\n"
    "CA1,C1,2024-03-10,-900.00,credit_note,A1\n"
    "CA2,C1,2024-03-11,-900.00,Credit_Note,\n"
    "CA3,C1,2024-03-12,900.00,refund,A3\n"
    "B1,C2,2024-01-10,300.00,completed,\n"
    "B2,C2,2024-03-01,200.00,completed,\n"
    "D1,C3,2024-02-20,100.00,completed,\n"
    "D2,C3,2024-03-01,-100.00,completed,\n"
    "R-OTHER,C3,2024-03-02,-50.00,refund,B1\n"
    "R-GHOST,C3,2024-03-02,-50.00,refund,NOPE\n"
    "CX1,C4,2024-01-20,-45.00,credit_note,\n"
    "CX2,C4,2024-02-20,-5.00,credit_note,\n"
    "CB9,C2,2024-03-15,-2000.00,credit_note,B1\n"
)


@pytest.fixture(scope="module")
def refunds_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GIVEN the orders above built into a fresh warehouse as of 2024-03-31."""
    root = tmp_path_factory.mktemp("refunds")
    write(root / "raw" / "orders.csv", ORDERS)
    warehouse = root / "warehouse.duckdb"
    files = raw_files.find(root / "raw")
    build.build(
        build.BuildOptions(
            warehouse, "ci", files, project.column_mapping(), {"as_of_date": "2024-03-31"}
        )
    )
    return warehouse


def test_refunds_are_orders_with_negative_net_revenue_and_no_purchase(
    refunds_warehouse: Path,
) -> None:
    # WHEN the orders mart is read for C1
    rows = query(
        refunds_warehouse,
        "select order_id, order_status, is_purchase, is_refund, refunds_order_id, gross_revenue, "
        "returned_revenue, net_revenue, cost_of_goods from marts.orders "
        "where customer_id = 'C1' order by order_id",
    )
    # THEN each credit note, whatever its sign or spelling, is a refund of 900
    refund = ("refund", False, True)
    assert [row[:5] for row in rows] == [
        ("A1", "completed", True, False, None),
        ("A2", "completed", True, False, None),
        ("A3", "completed", True, False, None),
        ("CA1", *refund, "A1"),
        ("CA2", *refund, None),
        ("CA3", *refund, "A3"),
    ]
    for row in rows[3:]:
        assert row[5:] == (0, Decimal("900.00"), Decimal("-900.00"), 0), row


def test_a_customer_refunded_in_full_has_no_revenue_and_no_top_class(
    refunds_warehouse: Path,
) -> None:
    # WHEN customer-level marts are read
    rfm = dict(
        (row[0], row[1:])
        for row in query(
            refunds_warehouse,
            "select customer_id, frequency, recency_days, monetary from marts.customer_rfm",
        )
    )
    segments = dict(
        (row[0], row[1:])
        for row in query(
            refunds_warehouse,
            "select customer_id, window_revenue, abc_class, is_key_account, revenue_to_date "
            "from marts.customer_segments where has_purchased",
        )
    )
    # THEN C1's three purchases count as purchases (recency from the last one,
    # 2024-03-05), but its net revenue is 0: not A, not a key account
    assert rfm["C1"] == (3, 26, 0)
    assert segments["C1"] == (0, "C", False, 0)
    assert segments["C2"] == (500, "A", True, 500)
    # AND C3's refunds that name another customer's or no order were quarantined
    assert rfm["C3"] == (1, 40, 100)


def test_bad_refunds_are_quarantined_with_their_reason(refunds_warehouse: Path) -> None:
    # WHEN the quarantine of the orders file is read
    rows = query(
        refunds_warehouse,
        "select source_row_number, reason_code from audit.quarantined_rows "
        "where source_table = 'shop.orders' order by 1",
    )
    # THEN a negative completed order stays non_positive_amount, and refunds of
    # an order that is not the customer's are unknown_refunded_order
    assert rows == [
        (10, "non_positive_amount"),
        (11, "unknown_refunded_order"),
        (12, "unknown_refunded_order"),
        (15, "refund_exceeds_order"),
    ]
    TALLY.add_rows(["rejected"] * len(rows))


def test_a_customer_with_refunds_only_is_in_no_buyer_scheme(refunds_warehouse: Path) -> None:
    # WHEN the customer with credit notes and no purchase (C4) is read
    row = query(
        refunds_warehouse,
        "select has_purchased, lifecycle_stage, rfm_segment, abc_class, is_key_account, "
        "value_tier, value_class, composite_tier, strategy_quadrant, cluster_id "
        "from marts.customer_segments where customer_id = 'C4'",
    )
    refunds = query(
        refunds_warehouse,
        "select sum(net_revenue) from marts.orders where customer_id = 'C4'",
    )
    # THEN it is no buyer: a prospect, in no scheme; its refunds stay in the orders mart
    assert row == [(False, "prospect", None, None, None, None, None, None, None, None)]
    assert refunds == [(Decimal("-50.00"),)]

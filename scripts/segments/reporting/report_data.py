"""What the report reads from the warehouse: a read-only connection, the headline
figures and the series behind the Markdown charts, none after the as-of date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from segments.core.errors import SegmentsError
from segments.reporting.reads import has_table, scalar
from segments.reporting.tiers import TierLabels, in_order, read_tier_order

REQUIRED_TABLES = (
    ("marts", "customer_rfm"),
    ("marts", "customers"),
    ("marts", "orders"),
    ("marts", "customer_segments"),
    ("marts", "customer_clv"),
    ("marts", "segment_summary"),
    ("marts", "tier_migrations"),
    ("audit", "quarantined_rows"),
    ("audit", "row_reconciliation"),
)
# Share of buyers whose revenue share the headline reports (the Pareto check).
TOP_SHARE = 0.2
NO_SEGMENT = "(no segment)"


@dataclass(frozen=True)
class Headline:
    as_of_date: date | None
    customers: int
    buyers: int
    orders: int
    net_revenue: float
    top_buyers: int
    top_revenue_share: float | None
    quarantine_by_reason: list[tuple[str, str, int]]
    reconciliation: list[tuple[Any, ...]]


@dataclass(frozen=True)
class ReportData:
    headline: Headline
    segments: list[tuple[str, int, float]]
    lifecycle: list[tuple[str, int]]
    monthly_revenue: list[tuple[date, float]]
    quarantine: list[tuple[str, str, int]]
    # Tier names shared by two schemes are tagged with theirs ("Loyal (RFM)").
    labels: TierLabels


def open_warehouse(
    warehouse: Path, required: Sequence[tuple[str, str]] = REQUIRED_TABLES
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a warehouse that has the `required` relations (schema,
    name), or a clear error."""
    hint = "run `make build` (or `segments build --raw-dir DIR`) first"
    if not warehouse.is_file():
        raise SegmentsError(f"no warehouse at {warehouse}; {hint}")
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as error:
        raise SegmentsError(f"cannot open warehouse {warehouse}: {error}") from error
    missing = [f"{schema}.{name}" for schema, name in required if not has_table(con, schema, name)]
    if missing:
        con.close()
        raise SegmentsError(f"warehouse {warehouse} has no {', '.join(missing)}; {hint}")
    return con


def read_report_data(con: duckdb.DuckDBPyConnection) -> ReportData:
    as_of = read_as_of_date(con)
    order = read_tier_order(con)
    segments = read_segments(con)
    lifecycle = read_lifecycle(con, order.get("lifecycle_stage", []))
    named = {
        **order,
        "rfm_segment": [*order.get("rfm_segment", []), *(name for name, _, _ in segments)],
        "lifecycle_stage": [*order.get("lifecycle_stage", []), *(name for name, _ in lifecycle)],
    }
    return ReportData(
        headline=read_headline(con, as_of),
        segments=segments,
        lifecycle=lifecycle,
        monthly_revenue=read_monthly_revenue(con, as_of),
        labels=TierLabels.of(named),
        quarantine=[
            (table, reason, int(rows))
            for table, reason, rows in con.execute(
                "select source_table, reason_code, count(*) as row_count "
                "from audit.quarantined_rows group by source_table, reason_code "
                "order by source_table, row_count desc, reason_code"
            ).fetchall()
        ],
    )


def read_as_of_date(con: duckdb.DuckDBPyConnection) -> date | None:
    # The report reads marts only: the fit parameters' row carries the as-of date
    # even when no customer bought in the RFM window.
    as_of = scalar(con, "select max(as_of_date) from marts.customer_rfm")
    if as_of is None and has_table(con, "marts", "clv_model_parameters"):
        as_of = scalar(con, "select max(as_of_date) from marts.clv_model_parameters")
    return as_of


def read_headline(con: duckdb.DuckDBPyConnection, as_of: date | None) -> Headline:
    orders, net_revenue = con.execute(
        "select count(*), coalesce(sum(net_revenue), 0) from marts.orders "
        "where not is_cancelled and ordered_date <= ?",
        [as_of or date.max],
    ).fetchone() or (0, 0)
    top_buyers, top_revenue, all_revenue = con.execute(
        f"""
        with ranked as (
            select
                monetary,
                row_number() over (order by monetary desc) as revenue_rank,
                ceil({TOP_SHARE} * count(*) over ()) as top_count
            from marts.customer_rfm
        )
        select
            coalesce(max(top_count), 0),
            sum(case when revenue_rank <= top_count then monetary end),
            sum(monetary)
        from ranked
        """
    ).fetchone() or (0, None, None)
    return Headline(
        as_of_date=as_of,
        customers=int(scalar(con, "select count(*) from marts.customers")),
        buyers=int(scalar(con, "select count(*) from marts.customers where orders_count > 0")),
        orders=int(orders),
        net_revenue=float(net_revenue),
        top_buyers=int(top_buyers),
        top_revenue_share=float(top_revenue) / float(all_revenue) if all_revenue else None,
        quarantine_by_reason=[
            (reason, disposition, int(rows))
            for reason, disposition, rows in con.execute(
                "select reason_code, disposition, count(*) as row_count "
                "from audit.quarantined_rows group by reason_code, disposition "
                "order by row_count desc, reason_code"
            ).fetchall()
        ],
        reconciliation=con.execute(
            "select source_table, raw_rows, clean_rows, rejected_rows, duplicate_rows, "
            "repaired_rows, is_balanced from audit.row_reconciliation order by source_table"
        ).fetchall(),
    )


def read_segments(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, float]]:
    """(segment, customers, net revenue): in the seed's segment_rank order when it exists.

    With the seed, segments nobody falls in are listed too (with zero), so the
    chart always shows the whole scheme; without it, the biggest come first.
    """
    counted = {
        segment: (int(customers), float(revenue))
        for segment, customers, revenue in con.execute(
            "select rfm_segment, count(*), coalesce(sum(monetary), 0) "
            "from marts.customer_rfm group by rfm_segment"
        ).fetchall()
    }
    ranked: list[str] = []
    if has_table(con, "config", "rfm_segments"):
        ranked = [
            segment
            for (segment,) in con.execute(
                "select rfm_segment from config.rfm_segments order by segment_rank, rfm_segment"
            ).fetchall()
        ]
    unranked = sorted(
        (segment for segment in counted if segment not in ranked),
        key=lambda segment: (-counted[segment][0], segment is None, segment or ""),
    )
    return [
        (segment or NO_SEGMENT, *counted.get(segment, (0, 0.0))) for segment in ranked + unranked
    ]


def read_lifecycle(con: duckdb.DuckDBPyConnection, order: list[str]) -> list[tuple[str, int]]:
    """(stage, customers) in the stages' order (the tier_ranks seed, tiers.in_order)."""
    counted = dict(
        con.execute("select lifecycle_stage, count(*) from marts.customers group by all").fetchall()
    )
    return in_order({stage: int(count) for stage, count in counted.items()}, order)


def read_monthly_revenue(
    con: duckdb.DuckDBPyConnection, as_of: date | None
) -> list[tuple[date, float]]:
    """Net revenue of non-cancelled orders per calendar month up to `as_of`, months
    without orders as zero."""
    rows = con.execute(
        "select cast(date_trunc('month', ordered_date) as date) as order_month, "
        "sum(net_revenue) from marts.orders where not is_cancelled and ordered_date <= ? "
        "group by order_month order by order_month",
        [as_of or date.max],
    ).fetchall()
    revenue = {month: float(total or 0) for month, total in rows}
    if not revenue:
        return []
    months = [min(revenue)]
    while months[-1] < max(revenue):
        year, month = divmod(months[-1].month, 12)
        months.append(date(months[-1].year + year, month + 1, 1))
    return [(month, revenue.get(month, 0.0)) for month in months]

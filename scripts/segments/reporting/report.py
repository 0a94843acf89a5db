"""The report (`segments report`): an HTML page with Plotly charts, and a Markdown summary.

Reads the marts and the audit tables (read only, so it can run beside BI
tools) and writes `report.html`, one self-contained page (Plotly's script
inlined: it opens from disk, offline) with the headline KPIs, customers per
tier for every scheme, the Pareto curve, the RFM heat maps (customers, revenue), the CLV
distribution, the tiers and migrations month by month, the data-quality
tables, the as-of date and the rule version (see `report_html`); and
`report.md` with the headline numbers and four SVG charts (RFM segments,
lifecycle stages, net revenue per month, quarantined rows). Both keep to the
as-of date of the marts (`html_data`), list tiers in their seeds' order and
tag a tier name two schemes share with its scheme (`tiers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from segments.core import project
from segments.core.errors import SegmentsError
from segments.reporting import charts, html_data, report_html
from segments.reporting.report_data import (
    TOP_SHARE,
    Headline,
    ReportData,
    open_warehouse,
    read_report_data,
)

LIFECYCLE_COLORS = {
    "prospect": "#94a3b8",
    "new": "#0891b2",
    "active": "#2563eb",
    "loyal": "#0d9488",
    "reactivated": "#7c3aed",
    "at_risk": "#d97706",
    "churned": "#dc2626",
}


def percent(part: float, whole: float) -> str:
    """`part` as a share of `whole` to one decimal; a tiny non-zero share is "<0.1%", not 0.0%."""
    if not whole:
        return "n/a"
    share = part / whole
    return "<0.1%" if 0 < share < 0.0005 else f"{share:.1%}"


def build_charts(data: ReportData, currency: str) -> dict[str, str]:
    """The four charts, by file name."""
    headline = data.headline
    as_of = f"As of {headline.as_of_date}" if headline.as_of_date else "As of an unknown date"
    segment_revenue = sum(revenue for _, _, revenue in data.segments)
    segment_customers = sum(customers for _, customers, _ in data.segments)
    lifecycle_customers = sum(customers for _, customers in data.lifecycle)
    quarantined = sum(rows for _, _, rows in data.quarantine)
    tables = sorted({table for table, _, _ in data.quarantine})
    return {
        "rfm_segments.svg": charts.horizontal_bars(
            "Customers per RFM segment",
            [data.labels.label("rfm_segment", segment) for segment, _, _ in data.segments],
            [customers for _, customers, _ in data.segments],
            [
                f"{charts.format_number(count)} · {percent(revenue, segment_revenue)} of revenue"
                for _, count, revenue in data.segments
            ],
            subtitle=f"{as_of} · {charts.format_number(segment_customers)} buyers",
            value_label="Customers",
            category_label="RFM segment",
        ),
        "lifecycle.svg": charts.horizontal_bars(
            "Customers per lifecycle stage",
            [data.labels.label("lifecycle_stage", stage) for stage, _ in data.lifecycle],
            [customers for _, customers in data.lifecycle],
            [
                f"{charts.format_number(customers)} · {percent(customers, lifecycle_customers)}"
                for _, customers in data.lifecycle
            ],
            subtitle=f"{as_of} · {charts.format_number(lifecycle_customers)} customers",
            value_label="Customers",
            category_label="Lifecycle stage",
            colors=[LIFECYCLE_COLORS.get(stage, charts.PALETTE[-1]) for stage, _ in data.lifecycle],
        ),
        "monthly_revenue.svg": charts.columns(
            "Net revenue per month",
            [month.strftime("%Y-%m") for month, _ in data.monthly_revenue],
            [revenue for _, revenue in data.monthly_revenue],
            subtitle=f"{as_of} · orders not cancelled, net of returns, in {currency}",
            value_label=f"Net revenue ({currency})",
            category_label="Order month",
        ),
        "quarantine.svg": charts.horizontal_bars(
            "Quarantined rows per table and reason",
            [f"{table} · {reason}" for table, reason, _ in data.quarantine],
            [rows for _, _, rows in data.quarantine],
            subtitle=f"{charts.format_number(quarantined)} raw rows rejected or repaired",
            value_label="Rows",
            category_label="Raw table · reason",
            colors=[
                charts.PALETTE[tables.index(table) % len(charts.PALETTE)]
                for table, _, _ in data.quarantine
            ],
        )
        if data.quarantine
        else charts.empty_chart(
            "Quarantined rows per table and reason", message="No quarantined rows"
        ),
    }


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int]) -> str:
    """A GitHub Markdown table; columns whose index is in `numeric` are right-aligned."""
    align = ["---:" if index in numeric else "---" for index in range(len(headers))]
    lines = [headers, align, *[[str(cell).replace("|", "\\|") for cell in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def headline_rows(headline: Headline, currency: str) -> list[tuple[str, str]]:
    """The headline measures as (label, value), for the Markdown table and the KPI cards."""
    rejected = sum(
        rows for _, disposition, rows in headline.quarantine_by_reason if disposition == "rejected"
    )
    quarantined = sum(rows for _, _, rows in headline.quarantine_by_reason)
    unbalanced = [row[0] for row in headline.reconciliation if not row[-1]]
    reconciled = (
        f"balanced: all {len(headline.reconciliation)} raw tables reconcile"
        if not unbalanced
        else f"**NOT balanced**: {', '.join(unbalanced)}"
    )
    top_share = (
        f"{headline.top_revenue_share:.1%}" if headline.top_revenue_share is not None else "n/a"
    )
    return [
        ("Customers", charts.format_number(headline.customers)),
        ("Buyers (at least one order)", charts.format_number(headline.buyers)),
        ("Orders (not cancelled)", charts.format_number(headline.orders)),
        (f"Net revenue ({currency})", charts.format_number(headline.net_revenue, 2)),
        (
            f"Revenue share of the top {TOP_SHARE:.0%} of buyers "
            f"({charts.format_number(headline.top_buyers)})",
            top_share,
        ),
        (
            "Quarantined rows",
            f"{charts.format_number(quarantined)} ({charts.format_number(rejected)} rejected, "
            f"{charts.format_number(quarantined - rejected)} repaired)",
        ),
        ("Row reconciliation", reconciled),
    ]


def headline_section(headline: Headline, currency: str) -> list[str]:
    rows = headline_rows(headline, currency)
    return [
        "## Headline",
        "",
        markdown_table(["Measure", "Value"], rows, {1}),
        "",
        "Quarantined rows by reason (details in `audit.quarantined_rows`):",
        "",
        markdown_table(
            ["Reason", "Disposition", "Rows"],
            [
                (reason, disposition, charts.format_number(rows))
                for reason, disposition, rows in headline.quarantine_by_reason
            ],
            {2},
        )
        if headline.quarantine_by_reason
        else "No quarantined rows.",
    ]


def chart_sections(data: ReportData, currency: str) -> list[str]:
    segment_customers = sum(customers for _, customers, _ in data.segments)
    segment_revenue = sum(revenue for _, _, revenue in data.segments)
    lifecycle_customers = sum(customers for _, customers in data.lifecycle)
    sections = [
        (
            "RFM segments",
            "rfm_segments.svg",
            [
                "Segment",
                "Customers",
                "Share of buyers",
                f"Net revenue ({currency})",
                "Share of revenue",
            ],
            [
                (
                    data.labels.label("rfm_segment", segment),
                    charts.format_number(customers),
                    percent(customers, segment_customers),
                    charts.format_number(revenue, 2),
                    percent(revenue, segment_revenue),
                )
                for segment, customers, revenue in data.segments
            ],
            {1, 2, 3, 4},
        ),
        (
            "Lifecycle stages",
            "lifecycle.svg",
            ["Stage", "Customers", "Share of customers"],
            [
                (
                    data.labels.label("lifecycle_stage", stage),
                    charts.format_number(customers),
                    percent(customers, lifecycle_customers),
                )
                for stage, customers in data.lifecycle
            ],
            {1, 2},
        ),
        (
            "Net revenue per month",
            "monthly_revenue.svg",
            ["Month", f"Net revenue ({currency})"],
            [
                (month.strftime("%Y-%m"), charts.format_number(revenue, 2))
                for month, revenue in data.monthly_revenue
            ],
            {1},
        ),
        (
            "Quarantined rows",
            "quarantine.svg",
            ["Source table", "Reason", "Rows"],
            [
                (table, reason, charts.format_number(rows))
                for table, reason, rows in data.quarantine
            ],
            {2},
        ),
    ]
    lines: list[str] = []
    for title, image, headers, rows, numeric in sections:
        lines += ["", f"## {title}", "", f"![{title}]({image})", ""]
        lines.append(markdown_table(headers, rows, numeric) if rows else "No rows.")
    return lines


def reconciliation_section(headline: Headline) -> list[str]:
    headers = ["Source table", "Raw", "Clean", "Rejected", "Duplicates", "Repaired", "Balanced"]
    rows = [
        (table, *(charts.format_number(count) for count in counts), "yes" if balanced else "**no**")
        for table, *counts, balanced in headline.reconciliation
    ]
    return [
        "",
        "## Row reconciliation",
        "",
        "Every raw row is clean, rejected or a duplicate (`audit.row_reconciliation`).",
        "",
        markdown_table(headers, rows, {1, 2, 3, 4, 5}),
    ]


def render_markdown(data: ReportData, currency: str) -> str:
    as_of = data.headline.as_of_date or "unknown"
    lines = [
        "# Customer classification report",
        "",
        f"As of **{as_of}**. Made by `segments report` from the marts and audit tables.",
        "",
        *headline_section(data.headline, currency),
        *chart_sections(data, currency),
        *reconciliation_section(data.headline),
    ]
    return "\n".join(lines) + "\n"


def write_report(
    data: ReportData,
    out: Path,
    currency: str = "USD",
    page_data: html_data.HtmlData | None = None,
) -> list[Path]:
    """Write report.md and the charts into `out`, and report.html with `page_data`; the
    paths written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "report.md"]
        written[0].write_text(render_markdown(data, currency), encoding="utf-8")
        if page_data is not None:
            kpis = headline_rows(data.headline, currency) + html_data.kpis(page_data, currency)
            page = report_html.render_html(
                kpis, page_data, data.quarantine, data.headline.reconciliation, currency
            )
            written.append(out / "report.html")
            written[-1].write_text(page, encoding="utf-8")
        for name, svg in build_charts(data, currency).items():
            (out / name).write_text(svg, encoding="utf-8")
            written.append(out / name)
    except OSError as error:
        raise SegmentsError(f"cannot write the report to {out}: {error}") from error
    return written


def report_from_warehouse(warehouse: Path, out: Path) -> list[Path]:
    """Read the built `warehouse` (read only) and write the report into `out`."""
    variables = project.project_vars()
    con = open_warehouse(warehouse)
    try:
        data = read_report_data(con)
        rising_stars = html_data.RisingStars.from_vars(variables)
        page_data = html_data.read_html_data(con, data.headline.as_of_date, rising_stars)
    finally:
        con.close()
    currency = str(variables.get("reporting_currency") or "USD")
    return write_report(data, out, currency, page_data)

"""The HTML page of `segments report`: one self-contained file with Plotly charts.

Plotly's JavaScript is inlined once in the page, so `report.html` opens from disk
with no server and no internet. Each chart is a Plotly figure built here from
numbers read from the marts (read only); the page adds the headline KPIs, the
data-quality tables, the as-of date and the rule version.

Charts: customers per tier for every scheme, the Lorenz (Pareto) curve of revenue
over buyers, the RFM heat map (R x FM score, customers and revenue), the
predicted-CLV distribution, and the tiers month by month with their migrations
(`segment_summary`, `tier_migrations`) when the history has periods.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

# The wide mart's tier columns shown as bars, with their titles.
SCHEMES = (
    ("rfm_segment", "RFM segment"),
    ("abc_class", "ABC class"),
    ("value_tier", "Value tier"),
    ("value_class", "Value class"),
    ("composite_tier", "Composite tier"),
    ("strategy_quadrant", "Strategy quadrant"),
    ("credit_rating", "Credit rating"),
    ("lifecycle_stage", "Lifecycle stage"),
    ("cluster_label", "Cluster"),
    ("custom_category", "Custom category"),
)
# The scheme whose tiers the history charts follow.
HISTORY_SCHEME = "value_tier"
LORENZ_POINTS = 200
CLV_BINS = 40
NO_TIER = "(none)"
CHART_WIDTH = 580  # pixels: two charts side by side on a laptop screen


@dataclass(frozen=True)
class HtmlData:
    rule_version: str | None
    average_clv: float | None
    key_accounts: int
    tiers: dict[str, list[tuple[str, int]]]
    lorenz: list[tuple[float, float]]
    rfm_cells: list[tuple[int, int, int, float]]
    clv_bins: list[tuple[float, float, int]]
    history: list[tuple[date, str, int]]
    migrations: list[tuple[date, int, int, int]]


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The one value of an aggregate query (fetched whole: DuckDB keeps a partly
    fetched result open on the connection)."""
    return con.execute(sql).fetchall()[0][0]


def read_html_data(con: duckdb.DuckDBPyConnection) -> HtmlData:
    return HtmlData(
        rule_version=scalar(con, "select max(rule_version) from marts.customer_segments"),
        average_clv=scalar(con, "select avg(predicted_clv) from marts.customer_clv"),
        key_accounts=int(
            scalar(con, "select count(*) from marts.customer_segments where is_key_account")
        ),
        tiers={column: read_tiers(con, column) for column, _ in SCHEMES},
        lorenz=read_lorenz(con),
        rfm_cells=[
            (int(r), int(fm), int(customers), float(revenue))
            for r, fm, customers, revenue in con.execute(
                "select r_score, round((f_score + m_score) / 2.0) as fm_score, count(*), "
                "sum(monetary) from marts.customer_rfm group by all order by all"
            ).fetchall()
        ],
        clv_bins=read_clv_bins(con),
        history=[
            (period, str(tier), int(customers))
            for period, tier, customers in con.execute(
                "select period_start, coalesce(tier, ?), customers from marts.segment_summary "
                "where scheme = ? order by period_start, tier_rank, tier",
                [NO_TIER, HISTORY_SCHEME],
            ).fetchall()
        ],
        migrations=[
            (period, int(up), int(down), int(rising))
            for period, up, down, rising in con.execute(
                "select period_start, "
                "coalesce(sum(case when is_upgrade then customers end), 0), "
                "coalesce(sum(case when is_downgrade then customers end), 0), "
                "coalesce(sum(case when is_rising_star then customers end), 0) "
                "from marts.tier_migrations where scheme = ? group by all order by all",
                [HISTORY_SCHEME],
            ).fetchall()
        ],
    )


def read_tiers(con: duckdb.DuckDBPyConnection, column: str) -> list[tuple[str, int]]:
    """(tier, customers) of one scheme, the biggest first; customers without a tier last."""
    rows = con.execute(
        f"select {column} as tier, count(*) as customers from marts.customer_segments "
        "group by tier order by tier is null, customers desc, tier"
    ).fetchall()
    return [(NO_TIER if tier is None else str(tier), int(count)) for tier, count in rows]


def read_lorenz(con: duckdb.DuckDBPyConnection) -> list[tuple[float, float]]:
    """(share of buyers, share of revenue) with the biggest buyers first, at most
    LORENZ_POINTS points plus the origin."""
    rows = con.execute(
        f"""
        with ranked as (
            select
                row_number() over (order by monetary desc, customer_id) as buyer_rank,
                count(*) over () as buyers,
                sum(monetary) over (order by monetary desc, customer_id) as revenue_so_far,
                sum(monetary) over () as revenue
            from marts.customer_rfm
        )
        select cast(buyer_rank as double) / buyers, revenue_so_far / nullif(revenue, 0)
        from ranked
        where buyer_rank = buyers or buyer_rank % greatest(1, buyers // {LORENZ_POINTS}) = 0
        order by buyer_rank
        """
    ).fetchall()
    return [(0.0, 0.0)] + [(float(x), float(y or 0)) for x, y in rows]


def read_clv_bins(con: duckdb.DuckDBPyConnection) -> list[tuple[float, float, int]]:
    """(from, to, customers) of CLV_BINS equal bins up to the 99th percentile; the
    last bin takes everything above."""
    top = con.execute(
        "select quantile_cont(predicted_clv, 0.99) from marts.customer_clv "
        "where predicted_clv is not null"
    ).fetchall()[0][0]
    if top is None:
        return []
    width = max(float(top), 1e-9) / CLV_BINS
    rows = con.execute(
        "select least(cast(floor(greatest(predicted_clv, 0) / ?) as integer), ?) as bin, "
        "count(*) from marts.customer_clv where predicted_clv is not null "
        "group by all order by all",
        [width, CLV_BINS - 1],
    ).fetchall()
    return [(index * width, (index + 1) * width, int(count)) for index, count in rows]


def kpis(data: HtmlData, currency: str) -> list[tuple[str, str]]:
    """The KPI cards the marts add to the headline: average predicted CLV, key accounts."""
    average = "n/a" if data.average_clv is None else f"{data.average_clv:,.2f}"
    return [
        (f"Average predicted CLV ({currency})", average),
        ("Key accounts", f"{data.key_accounts:,}"),
    ]


def figure_div(figure: go.Figure, div_id: str) -> str:
    figure.update_layout(
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        height=420,
        width=CHART_WIDTH,
    )
    return figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displayModeBar": False},
    )


def tier_figures(data: HtmlData) -> dict[str, go.Figure]:
    figures = {}
    for column, title in SCHEMES:
        tiers = data.tiers.get(column, [])
        figure = go.Figure(
            go.Bar(x=[count for _, count in tiers], y=[tier for tier, _ in tiers], orientation="h")
        )
        figure.update_layout(title=f"{title}: customers per tier", yaxis={"autorange": "reversed"})
        figures[f"tiers-{column}"] = figure
    return figures


def lorenz_figure(data: HtmlData) -> go.Figure:
    x, y = zip(*data.lorenz, strict=True) if data.lorenz else ((), ())
    figure = go.Figure(
        [
            go.Scatter(x=x, y=y, mode="lines", name="revenue", fill="tozeroy"),
            go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="equal", line={"dash": "dot"}),
        ]
    )
    figure.update_layout(
        title="Pareto curve: share of revenue from the biggest buyers",
        xaxis={"title": "share of buyers (biggest first)", "tickformat": ".0%"},
        yaxis={"title": "share of revenue", "tickformat": ".0%"},
    )
    return figure


def rfm_figure(data: HtmlData, currency: str, measure: str) -> go.Figure:
    """The R x FM heat map of `measure`: customers, or revenue (the other in the hover)."""
    scores = [1, 2, 3, 4, 5]
    customers = {(r, fm): count for r, fm, count, _ in data.rfm_cells}
    revenue = {(r, fm): value for r, fm, _, value in data.rfm_cells}
    shown, other = (customers, revenue) if measure == "customers" else (revenue, customers)
    label, other_label = (
        ("customers", currency) if measure == "customers" else (currency, "customers")
    )
    figure = go.Figure(
        go.Heatmap(
            x=[f"FM {fm}" for fm in scores],
            y=[f"R {r}" for r in scores],
            z=[[shown.get((r, fm), 0) for fm in scores] for r in scores],
            customdata=[[other.get((r, fm), 0) for fm in scores] for r in scores],
            hovertemplate=f"%{{y}} %{{x}}<br>%{{z:,.0f}} {label}<br>"
            f"%{{customdata:,.0f}} {other_label}<extra></extra>",
            colorscale="Blues" if measure == "customers" else "Greens",
            texttemplate="%{z:,.0f}",
        )
    )
    title = "customers" if measure == "customers" else f"revenue ({currency})"
    figure.update_layout(title=f"RFM heat map: {title} by R score and FM score (F + M) / 2")
    return figure


def clv_figure(data: HtmlData, currency: str) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=[(low + high) / 2 for low, high, _ in data.clv_bins],
            y=[count for _, _, count in data.clv_bins],
            width=[(high - low) * 0.95 for low, high, _ in data.clv_bins],
        )
    )
    figure.update_layout(
        title="Predicted CLV: customers per band (the last band holds the top 1%)",
        xaxis={"title": f"predicted CLV ({currency})"},
        yaxis={"title": "customers"},
    )
    return figure


def history_figures(data: HtmlData) -> dict[str, go.Figure]:
    tiers = list(dict.fromkeys(tier for _, tier, _ in data.history))
    stacked = go.Figure(
        [
            go.Bar(
                name=tier,
                x=[period for period, row_tier, _ in data.history if row_tier == tier],
                y=[count for _, row_tier, count in data.history if row_tier == tier],
            )
            for tier in tiers
        ]
    )
    stacked.update_layout(
        barmode="stack",
        title="Value tiers month by month: customers per tier",
        xaxis={
            "type": "date",
            "tickformat": "%Y-%m",
            "dtick": "M1" if len(data.history) < 60 else "M3",
        },
    )
    moves = go.Figure(
        [
            go.Bar(
                name=name,
                x=[row[0] for row in data.migrations],
                y=[row[i] for row in data.migrations],
            )
            for i, name in ((1, "upgrades"), (2, "downgrades"), (3, "rising stars"))
        ]
    )
    moves.update_layout(
        barmode="group",
        title="Value tier migrations per month",
        xaxis={"type": "date", "tickformat": "%Y-%m"},
    )
    if not data.migrations:
        moves.add_annotation(
            text="one period so far: `segments backfill` adds the months before",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
        )
    return {"history-tiers": stacked, "history-migrations": moves}


def figures(data: HtmlData, currency: str) -> dict[str, go.Figure]:
    """Every chart of the page, by the id of its element, in page order."""
    return {
        "lorenz": lorenz_figure(data),
        "rfm-customers": rfm_figure(data, currency, "customers"),
        "rfm-revenue": rfm_figure(data, currency, "revenue"),
        "clv-distribution": clv_figure(data, currency),
        **history_figures(data),
        **tier_figures(data),
    }


def table_html(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(header))}</th>" for header in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body { font-family: system-ui, sans-serif; color: #1f2937;
       margin: 2rem auto; max-width: 1200px; padding: 0 1rem; }
.kpis { display: flex; flex-wrap: wrap; gap: 1rem; }
.kpi { border: 1px solid #e5e7eb; border-radius: 8px; padding: 0.8rem 1.2rem; min-width: 10rem; }
.kpi b { display: block; font-size: 1.5rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, 590px); gap: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
td, th { border: 1px solid #e5e7eb; padding: 0.3rem 0.6rem; text-align: left; }
"""


def render_html(
    kpis: Sequence[tuple[str, str]],
    data: HtmlData,
    quality: Sequence[tuple[str, str, int]],
    reconciliation: Sequence[Sequence[Any]],
    as_of: date | None,
    currency: str,
) -> str:
    """The whole page: KPIs, every chart, the data-quality tables, as-of and rules."""
    cards = "".join(
        f'<div class="kpi">{html.escape(label)}<b>{html.escape(value)}</b></div>'
        for label, value in kpis
    )
    charts = [figure_div(figure, div_id) for div_id, figure in figures(data, currency).items()]
    quality_table = table_html(["raw table", "reason", "rows"], quality)
    reconciliation_table = table_html(
        ["raw table", "raw", "clean", "rejected", "duplicates", "repaired", "balanced"],
        reconciliation,
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Customer segments report, as of {as_of}</title>
<style>{STYLE}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<h1>Customer segments</h1>
<p>As of <b>{as_of}</b>; rule version <code>{html.escape(str(data.rule_version))}</code>
(equal versions, equal rules).</p>
<div class="kpis">{cards}</div>
<h2>Charts</h2>
<div class="charts">{"".join(f'<div class="chart">{div}</div>' for div in charts)}</div>
<h2>Data quality</h2>
<h3>Quarantined rows per raw table and reason</h3>
{quality_table}
<h3>Row reconciliation (raw = clean + rejected + duplicates)</h3>
{reconciliation_table}
</body>
</html>
"""

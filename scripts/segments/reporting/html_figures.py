"""The Plotly figures of the report's HTML page, built from `html_data.HtmlData`.

Charts: customers per tier for every scheme (in the scheme's own order), the Lorenz
(Pareto) curve of revenue over buyers, the RFM heat maps (R x FM score, customers and
revenue), the predicted-CLV distribution, and the tiers month by month with their
migrations, up to the as-of date. Every chart titles both axes; counts carry
thousands separators, money its currency, shares a percent sign.
"""

from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go

from segments.reporting.charts import format_number
from segments.reporting.html_data import HISTORY_SCHEME, HtmlData, Migrations
from segments.reporting.tiers import NO_TIER, SCHEME_BY_NAME, SCHEMES

COUNT = ",d"  # Plotly's format of a count: 12,345
MONEY = ",.0f"  # of an amount on an axis, its currency in the axis title
# Half a period around the first and last bars of the history charts.
PERIOD_MARGIN = timedelta(days=20)


def share(part: float, whole: float) -> str:
    """`part` of `whole` as a percentage to one decimal: "12.3%"."""
    return f"{part / whole:.1%}" if whole else "n/a"


def scheme_title(name: str, in_sentence: bool = False) -> str:
    known = SCHEME_BY_NAME.get(name)
    if known is None:
        return name.replace("_", " ")
    return known.in_sentence if in_sentence else known.title


def tier_figures(data: HtmlData) -> dict[str, go.Figure]:
    """Customers per tier of every scheme, each labelled with its count and share."""
    figures = {}
    for scheme in SCHEMES:
        tiers = data.tiers.get(scheme.name, [])
        total = sum(count for _, count in tiers)
        figure = go.Figure(
            go.Bar(
                x=[count for _, count in tiers],
                y=[data.labels.label(scheme.name, tier) for tier, _ in tiers],
                orientation="h",
                text=[f"{format_number(count)} ({share(count, total)})" for _, count in tiers],
                textposition="auto",
                hovertemplate="%{y}: %{x:,d} customers (%{text})<extra></extra>",
            )
        )
        figure.update_layout(
            title=f"{scheme.title}: customers per tier",
            xaxis={"title": "customers", "tickformat": COUNT},
            yaxis={
                "title": scheme.title,
                "autorange": "reversed",
                "type": "category",
                "automargin": True,
            },
        )
        figures[f"tiers-{scheme.column}"] = figure
    return figures


def no_tier_caption(data: HtmlData, scheme_name: str) -> str | None:
    """What "(none)" means on a scheme's chart, with its customers; None without any."""
    if not any(tier == NO_TIER for tier, _ in data.tiers.get(scheme_name, [])):
        return None
    without, buyers = data.no_tier.get(scheme_name, (0, 0))
    title = SCHEME_BY_NAME[scheme_name].in_sentence
    parts = []
    if without:
        parts.append(
            f"{format_number(without)} without a purchase as of the as-of date "
            "(prospects: this scheme covers buyers only)"
        )
    if buyers:
        parts.append(
            f"{format_number(buyers)} buyer{'s' if buyers != 1 else ''} for whom an input "
            f"of the {title} is missing "
            "(e.g. no wallet estimate or CLV prediction; see the scheme's method)"
        )
    return f"{NO_TIER}: customers with no {title}: " + "; ".join(parts) + "."


def lorenz_figure(data: HtmlData) -> go.Figure:
    x, y = zip(*data.lorenz, strict=True) if data.lorenz else ((), ())
    hover = "%{x:.1%} of buyers: %{y:.1%} of revenue<extra></extra>"
    figure = go.Figure(
        [
            go.Scatter(x=x, y=y, mode="lines", name="revenue", fill="tozeroy", hovertemplate=hover),
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
            colorbar={"title": label, "tickformat": MONEY},
        )
    )
    title = "customers" if measure == "customers" else f"revenue ({currency})"
    figure.update_layout(
        title=f"RFM heat map: {title} by R score and FM score (F + M) / 2",
        xaxis={"title": "FM score: (frequency + monetary) / 2"},
        yaxis={"title": "R score (recency)"},
    )
    return figure


def clv_figure(data: HtmlData, currency: str) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=[(low + high) / 2 for low, high, _ in data.clv_bins],
            y=[count for _, _, count in data.clv_bins],
            width=[(high - low) * 0.95 for low, high, _ in data.clv_bins],
            customdata=[[low, high] for low, high, _ in data.clv_bins],
            hovertemplate=f"%{{customdata[0]:,.0f}} to %{{customdata[1]:,.0f}} {currency}: "
            "%{y:,d} customers<extra></extra>",
        )
    )
    figure.update_layout(
        title="Predicted CLV: customers per band (the last band holds the top 1%)",
        xaxis={"title": f"predicted CLV ({currency})", "tickformat": MONEY},
        yaxis={"title": "customers", "tickformat": COUNT},
    )
    return figure


def period_axis(periods: list[date], monthly: bool = True) -> dict:
    """A date axis over the periods shown, and no further (never past the last one)."""
    axis: dict = {"title": "period", "type": "date", "tickformat": "%Y-%m"}
    if periods:
        axis["range"] = [min(periods) - PERIOD_MARGIN, max(periods) + PERIOD_MARGIN]
        axis["dtick"] = "M1" if monthly and len(set(periods)) < 20 else "M3"
    return axis


def history_figure(data: HtmlData) -> go.Figure:
    scheme = SCHEME_BY_NAME[HISTORY_SCHEME]
    tiers = list(dict.fromkeys(tier for _, tier, _ in data.history))
    stacked = go.Figure(
        [
            go.Bar(
                name=data.labels.label(HISTORY_SCHEME, tier),
                x=[period for period, row_tier, _ in data.history if row_tier == tier],
                y=[count for _, row_tier, count in data.history if row_tier == tier],
                hovertemplate=f"%{{x|%Y-%m}}: %{{y:,d}} customers ({tier})<extra></extra>",
            )
            for tier in tiers
        ]
    )
    stacked.update_layout(
        barmode="stack",
        title=f"{scheme.title}s month by month: customers per tier",
        xaxis=period_axis([period for period, _, _ in data.history]),
        yaxis={"title": "customers", "tickformat": COUNT},
        legend={"traceorder": "normal"},
    )
    return stacked


def migrations_figure(migrations: Migrations) -> go.Figure:
    """Upgrades and downgrades per period; rising stars only in the scheme that has them."""
    series = [(1, "upgrades"), (2, "downgrades")]
    if migrations.has_rising_stars:
        series.append((3, "rising stars"))
    rows = migrations.periods
    moves = go.Figure(
        [
            go.Bar(
                name=name,
                x=[row[0] for row in rows],
                y=[row[index] for row in rows],
                hovertemplate=f"%{{x|%Y-%m}}: %{{y:,d}} {name}<extra></extra>",
            )
            for index, name in series
        ]
    )
    moves.update_layout(
        barmode="group",
        title=f"{scheme_title(migrations.scheme)} migrations per month",
        xaxis=period_axis([row[0] for row in rows]),
        yaxis={"title": "customers who moved", "tickformat": COUNT},
    )
    if not rows:
        moves.add_annotation(
            text="one period so far: `segments backfill` adds the months before",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
        )
    return moves


def history_figures(data: HtmlData) -> dict[str, go.Figure]:
    figures = {"history-tiers": history_figure(data)}
    for migrations in data.migrations:
        suffix = "" if migrations.scheme == HISTORY_SCHEME else f"-{migrations.scheme}"
        figures[f"history-migrations{suffix}"] = migrations_figure(migrations)
    return figures


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


def captions(data: HtmlData) -> dict[str, str]:
    """The note under a chart, by the id of its element: what "(none)" means, what a
    rising star is, and up to which date the history runs."""
    notes = {
        f"tiers-{scheme.column}": note
        for scheme in SCHEMES
        if (note := no_tier_caption(data, scheme.name))
    }
    if data.history:
        last = max(period for period, _, _ in data.history)
        notes["history-tiers"] = (
            f"Periods of the history up to the as-of date {data.as_of}; the last one starts "
            f"{last:%Y-%m-%d}. Customers without a tier that period are not counted."
        )
    rising = data.rising_stars
    for migrations in data.migrations:
        suffix = "" if migrations.scheme == HISTORY_SCHEME else f"-{migrations.scheme}"
        if migrations.has_rising_stars and rising:
            notes[f"history-migrations{suffix}"] = (
                f"Rising stars: customers who moved from {' or '.join(rising.from_tiers)} to "
                f"{' or '.join(rising.to_tiers)} (vars rising_star_*); they are also upgrades."
            )
        elif rising:
            where = scheme_title(rising.scheme, in_sentence=True)
            notes[f"history-migrations{suffix}"] = (
                f"Rising stars are defined for the {where} only (var rising_star_scheme): "
                "its migrations chart shows them."
            )
    return notes

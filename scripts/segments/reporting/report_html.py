"""The HTML page of `segments report`: one self-contained file with Plotly charts.

Plotly's JavaScript is inlined once in the page, so `report.html` opens from disk
with no server and no internet. The charts (`html_figures`) are built from numbers
read from the marts, read only (`html_data`); the page adds the headline KPIs, a
note under the charts that need one, the data-quality tables, the as-of date and
the rule version.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from segments.reporting.charts import format_number
from segments.reporting.html_data import HtmlData
from segments.reporting.html_figures import captions, figures

CHART_WIDTH = 580  # pixels: two charts side by side on a laptop screen


def figure_div(figure: go.Figure, div_id: str) -> str:
    figure.update_layout(
        template="plotly_white",
        margin={"l": 70, "r": 20, "t": 50, "b": 50},
        height=420,
        width=CHART_WIDTH,
        separators=".,",
    )
    return figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displayModeBar": False},
    )


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def cell(value: Any) -> str:
    """A table cell: counts with thousands separators, yes / no for a flag."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if is_count(value):
        return format_number(value)
    return str(value)


def table_html(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(header))}</th>" for header in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"number" if is_count(value) else "text"}">{html.escape(cell(value))}</td>'
            for value in row
        )
        + "</tr>"
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
.caption { font-size: 0.85rem; color: #4b5563; margin: 0.2rem 0.5rem 0; max-width: 570px; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
td, th { border: 1px solid #e5e7eb; padding: 0.3rem 0.6rem; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
"""


def chart_html(div: str, caption: str | None) -> str:
    note = f'<p class="caption">{html.escape(caption)}</p>' if caption else ""
    return f'<div class="chart">{div}{note}</div>'


def render_html(
    kpis: Sequence[tuple[str, str]],
    data: HtmlData,
    quality: Sequence[tuple[str, str, int]],
    reconciliation: Sequence[Sequence[Any]],
    currency: str,
) -> str:
    """The whole page: KPIs, every chart with its note, the data-quality tables, as-of
    and rules."""
    cards = "".join(
        f'<div class="kpi">{html.escape(label)}<b>{html.escape(value)}</b></div>'
        for label, value in kpis
    )
    notes = captions(data)
    charts = "".join(
        chart_html(figure_div(figure, div_id), notes.get(div_id))
        for div_id, figure in figures(data, currency).items()
    )
    quality_table = table_html(["raw table", "reason", "rows"], quality)
    reconciliation_table = table_html(
        ["raw table", "raw", "clean", "rejected", "duplicates", "repaired", "balanced"],
        reconciliation,
    )
    as_of = data.as_of
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
<p>As of <b>{as_of}</b>: every chart and table keeps to this date. Rule version
<code>{html.escape(str(data.rule_version))}</code> (equal versions, equal rules).
Money in {html.escape(currency)}.</p>
<div class="kpis">{cards}</div>
<h2>Charts</h2>
<div class="charts">{charts}</div>
<h2>Data quality</h2>
<p>Every raw row loaded, whatever its date: the quarantine and the reconciliation audit
the load, which is not cut at the as-of date.</p>
<h3>Quarantined rows per raw table and reason</h3>
{quality_table}
<h3>Row reconciliation (raw = clean + rejected + duplicates)</h3>
{reconciliation_table}
</body>
</html>
"""

"""`segments report` and its SVG charts, on a hand-made warehouse (no dbt run)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import pytest

from segments import cli
from segments.reporting import charts, html_data, html_figures, report_html, tiers

SVG = "{http://www.w3.org/2000/svg}"
CHART_FILES = ("rfm_segments.svg", "lifecycle.svg", "monthly_revenue.svg", "quarantine.svg")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


# --- charts ---------------------------------------------------------------


def test_horizontal_bars_are_well_formed_with_one_bar_per_escaped_label() -> None:
    # GIVEN labels with XML's special characters
    labels = ["Champions", "Can't Lose Them", "<&>"]

    # WHEN they are charted
    svg = charts.horizontal_bars("Segments & <more>", labels, [3, 2, 1], ["a", "b", "c"])

    # THEN the SVG parses, has one bar per label and shows each label as given
    root = parse(svg)
    assert len(bars(root)) == 3
    assert set(labels) <= set(texts(root))
    assert "Segments & <more>" in texts(root)
    assert {"a", "b", "c"} <= set(texts(root))
    assert "<&>" not in svg


def test_horizontal_bar_lengths_are_proportional_to_values() -> None:
    # GIVEN values 10, 20 and 40
    svg = charts.horizontal_bars("T", ["a", "b", "c"], [10, 20, 40])

    # WHEN the bars' widths are read back
    widths = [float(rect.get("width", "0")) for rect in bars(parse(svg))]

    # THEN they are in the ratio 1 : 2 : 4, all starting at the same zero line
    assert widths[1] / widths[0] == pytest.approx(2, rel=1e-3)
    assert widths[2] / widths[0] == pytest.approx(4, rel=1e-3)
    assert len({rect.get("x") for rect in bars(parse(svg))}) == 1


def test_columns_heights_are_proportional_and_labels_escaped() -> None:
    # GIVEN three months of revenue, one label needing escaping
    svg = charts.columns("Revenue", ["2024-01", "<&>", "2024-03"], [1_000, 0, 2_500])

    # WHEN the columns are read back
    root = parse(svg)
    heights = [float(rect.get("height", "0")) for rect in bars(root)]

    # THEN one column per label, heights proportional, ticks with thousands separators
    assert len(heights) == 3
    assert heights[1] == 0
    assert heights[2] / heights[0] == pytest.approx(2.5, rel=1e-3)
    assert "<&>" in texts(root)
    assert "1,500" in texts(root)


@pytest.mark.parametrize(
    "chart",
    [
        lambda: charts.horizontal_bars("Nothing here", [], []),
        lambda: charts.columns("Nothing here", [], []),
    ],
)
def test_empty_input_gives_a_chart_that_says_no_data(chart) -> None:
    # GIVEN no labels and no values
    # WHEN charted
    root = parse(chart())

    # THEN the chart is well formed, has its title, no bars, and says so
    assert bars(root) == []
    assert "Nothing here" in texts(root)
    assert "No data" in texts(root)


def test_numbers_have_thousands_separators_and_axes_nice_ticks() -> None:
    # GIVEN large and tiny numbers
    # WHEN formatted / put on an axis
    axis = charts.nice_axis([0, 3, 7])

    # THEN separators, no "-0", and whole-number ticks for counts
    assert charts.format_number(1_234_567.891) == "1,234,568"
    assert charts.format_number(1_234.5, 2) == "1,234.50"
    assert charts.format_number(-0.001) == "0"
    assert axis.low == 0
    assert axis.high >= 7
    assert all(float(tick).is_integer() for tick in axis.ticks)


# --- the command ----------------------------------------------------------

WAREHOUSE_SQL = """
create schema marts;
create schema audit;
create schema config;
create table marts.customer_rfm as select * from (values
    ('c1', date '2024-06-30', 600.00, 'Champions', 5, 5, 5),
    ('c2', date '2024-06-30', 150.00, 'Can''t Lose Them', 1, 3, 4),
    ('c3', date '2024-06-30', 100.00, 'Lost', 1, 1, 2),
    ('c4', date '2024-06-30', 100.00, 'Lost', 2, 1, 2),
    ('c5', date '2024-06-30', 50.00, '<&>', 5, 1, 1)
) as rfm(customer_id, as_of_date, monetary, rfm_segment, r_score, f_score, m_score);
create table marts.customer_segments as select *, 'rules-v1' as rule_version,
    null as value_class, null as composite_tier,
    'unrated' as credit_rating, null as cluster_id, null as cluster_label,
    'none' as custom_category
from (values
    ('c1', 'Champions', 'A', 'VIP', true, 'loyal', true, 'develop'),
    ('c2', 'Can''t Lose Them', 'A', 'large', false, 'churned', true, 'develop'),
    ('c3', 'Lost', 'B', 'small', false, 'churned', true, null),
    ('c4', 'Lost', 'C', 'small', false, 'at_risk', true, 'retain_key'),
    ('c5', '<&>', 'C', 'small', false, 'new', true, null),
    ('c6', null, null, null, null, 'prospect', false, null)
) as segments(
    customer_id, rfm_segment, abc_class, value_tier, is_key_account, lifecycle_stage,
    has_purchased, strategy_quadrant
);
create table marts.customer_clv as select * from (values
    ('c1', 10.0), ('c2', 20.0), ('c3', 30.0), ('c4', 40.0), ('c5', null)
) as clv(customer_id, predicted_clv);
create table marts.segment_summary as select * from (values
    (date '2024-05-01', date '2024-05-31', 'value_tier', 'VIP', 1, 1),
    (date '2024-05-01', date '2024-05-31', 'value_tier', 'small', 4, 4),
    (date '2024-06-01', date '2024-06-30', 'value_tier', 'VIP', 1, 1),
    (date '2024-06-01', date '2024-06-30', 'value_tier', 'large', 1, 3),
    (date '2024-06-01', date '2024-06-30', 'value_tier', 'small', 3, 4),
    (date '2024-06-01', date '2024-06-30', 'abc_class', 'A', 2, 1),
    (date '2024-06-01', date '2024-06-30', 'abc_class', 'B', 1, 2),
    (date '2024-06-01', date '2024-06-30', 'abc_class', 'C', 2, 3),
    (date '2024-06-01', date '2024-06-30', 'lifecycle_stage', 'loyal', 1, 1),
    (date '2024-06-01', date '2024-06-30', 'lifecycle_stage', 'new', 1, 4),
    (date '2024-06-01', date '2024-06-30', 'lifecycle_stage', 'at_risk', 1, 5),
    (date '2024-06-01', date '2024-06-30', 'lifecycle_stage', 'churned', 2, 6),
    (date '2024-06-01', date '2024-06-30', 'lifecycle_stage', 'prospect', 1, 7),
    -- a backfill that ran later than the build: a period after the as-of date
    (date '2024-07-01', date '2024-07-31', 'value_tier', 'small', 9, 4)
) as summary(period_start, as_of_date, scheme, tier, customers, tier_rank);
create table marts.tier_migrations as select * from (values
    (date '2024-06-01', 'value_tier', 1, true, false, false),
    (date '2024-06-01', 'value_tier', 3, false, false, false),
    (date '2024-06-01', 'value_tier', 2, false, true, false),
    (date '2024-06-01', 'abc_class', 5, true, false, true),
    (date '2024-06-01', 'abc_class', 2, true, false, false),
    (date '2024-06-01', 'abc_class', 4, false, true, false),
    (date '2024-07-01', 'value_tier', 7, true, false, false),
    (date '2024-07-01', 'abc_class', 8, true, false, true)
) as migrations(period_start, scheme, customers, is_upgrade, is_downgrade, is_rising_star);
create table marts.customers as select * from (values
    ('c1', 2, 'loyal'),
    ('c2', 1, 'churned'),
    ('c3', 1, 'churned'),
    ('c4', 1, 'at_risk'),
    ('c5', 1, 'new'),
    ('c6', 0, 'prospect')
) as customers(customer_id, orders_count, lifecycle_stage);
create table marts.orders as select * from (values
    ('o1', 'c1', date '2024-01-10', false, 400.00),
    ('o2', 'c1', date '2024-03-05', false, 200.00),
    ('o3', 'c2', date '2024-03-20', false, 150.00),
    ('o4', 'c3', date '2024-01-15', false, 100.00),
    ('o5', 'c4', date '2024-03-01', false, 100.00),
    ('o6', 'c5', date '2024-03-31', false, 50.00),
    ('o7', 'c5', date '2024-02-02', true, 999.00),
    -- an order after the as-of date (no mart holds one; the report keeps to the date anyway)
    ('o8', 'c1', date '2024-07-05', false, 5000.00)
) as orders(order_id, customer_id, ordered_date, is_cancelled, net_revenue);
create table audit.quarantined_rows as select * from (values
    ('shop.orders', 'missing_key', 'rejected'),
    ('shop.orders', 'missing_key', 'rejected'),
    ('shop.orders', 'future_date', 'rejected'),
    ('crm.customers', 'invalid_email', 'repaired')
) as quarantined(source_table, reason_code, disposition);
create table audit.row_reconciliation as select * from (values
    ('shop.orders', 10, 7, 3, 0, 0, true),
    ('crm.customers', 6, 6, 0, 0, 1, true)
) as reconciliation(
    source_table, raw_rows, clean_rows, rejected_rows, duplicate_rows, repaired_rows, is_balanced
);
create table config.strategy_quadrants as select * from (values
    ('high', 'large', 'retain_key'),
    ('high', 'small', 'maintain_acquire'),
    ('low', 'large', 'develop')
) as quadrants(share_of_wallet_level, upcoming_volume_level, strategy_quadrant);
create table config.rfm_segments as select * from (values
    ('Champions', 1),
    ('Loyal', 2),
    ('Can''t Lose Them', 9),
    ('Lost', 11)
) as segments(rfm_segment, segment_rank);
"""


def execute(database: Path, sql: str) -> None:
    con = duckdb.connect(str(database))
    try:
        con.execute(sql)
    finally:
        con.close()


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """GIVEN a tiny hand-made warehouse with only what the report reads, as DUCKDB_PATH."""
    path = tmp_path / "warehouse.duckdb"
    execute(path, WAREHOUSE_SQL)
    monkeypatch.setenv("DUCKDB_PATH", str(path))
    return path


def run_report(out: Path) -> str:
    assert cli.main(["report", "--out", str(out)]) == 0
    return (out / "report.md").read_text(encoding="utf-8")


def table_order(report: str, names: list[str]) -> list[str]:
    """`names` in the order their table rows appear in the report."""
    return sorted(names, key=lambda name: report.index(f"| {name} |"))


def test_report_has_the_hand_computed_headline_numbers(warehouse: Path, tmp_path: Path) -> None:
    # WHEN the report is made
    out = tmp_path / "report"
    report = run_report(out)

    # THEN 6 customers, 5 buyers, 6 orders (the cancelled one left out) worth 1,000;
    # the top 20% of 5 buyers is 1 buyer with 600 of 1,000
    assert "As of **2024-06-30**" in report
    assert "| Customers | 6 |" in report
    assert "| Buyers (at least one order) | 5 |" in report
    assert "| Orders (not cancelled) | 6 |" in report
    assert "| Net revenue (USD) | 1,000.00 |" in report
    assert "| Revenue share of the top 20% of buyers (1) | 60.0% |" in report
    assert "| Quarantined rows | 4 (3 rejected, 1 repaired) |" in report
    assert "| missing_key | rejected | 2 |" in report
    assert "balanced: all 2 raw tables reconcile" in report
    # AND the chart tables: revenue shares per segment, a month without orders as zero
    assert "| Champions | 1 | 20.0% | 600.00 | 60.0% |" in report
    assert "| Lost | 2 | 40.0% | 200.00 | 20.0% |" in report
    assert "| 2024-02 | 0.00 |" in report
    assert "| shop.orders | missing_key | 2 |" in report


def test_report_writes_four_well_formed_charts_it_embeds(warehouse: Path, tmp_path: Path) -> None:
    # WHEN the report is made
    out = tmp_path / "report"
    report = run_report(out)

    # THEN each chart exists, parses, and is embedded by a relative path
    for name in CHART_FILES:
        root = parse((out / name).read_text(encoding="utf-8"))
        assert bars(root)
        assert f"]({name})" in report
    # AND the RFM chart has one bar per segment, labelled with count and revenue share
    rfm = parse((out / "rfm_segments.svg").read_text(encoding="utf-8"))
    assert len(bars(rfm)) == 5
    assert "1 · 60.0% of revenue" in texts(rfm)
    assert "<&>" in texts(rfm)


def test_segments_follow_the_seed_rank_then_count(warehouse: Path, tmp_path: Path) -> None:
    # GIVEN the seed ranks Champions 1, Loyal 2, Can't Lose Them 9, Lost 11; "<&>" is unranked
    # WHEN the report is made
    report = run_report(tmp_path / "report")

    # THEN segments follow the rank (Loyal listed with zero), unranked last
    names = ["Champions", "Loyal (RFM)", "Can't Lose Them", "Lost", "<&>"]
    assert table_order(report, names) == names
    assert "| Loyal (RFM) | 0 | 0.0% | 0.00 | 0.0% |" in report


def test_segments_without_the_seed_are_ordered_by_count(warehouse: Path, tmp_path: Path) -> None:
    # GIVEN a warehouse without the config.rfm_segments seed
    execute(warehouse, "drop table config.rfm_segments")

    # WHEN the report is made
    report = run_report(tmp_path / "report")

    # THEN the biggest segment comes first and no seed-only segment appears
    assert table_order(report, ["Champions", "Lost"]) == ["Lost", "Champions"]
    assert "| Loyal" not in report


def test_an_unbalanced_reconciliation_is_flagged(warehouse: Path, tmp_path: Path) -> None:
    # GIVEN a raw table whose rows do not add up
    execute(
        warehouse,
        "update audit.row_reconciliation set is_balanced = false "
        "where source_table = 'shop.orders'",
    )

    # WHEN the report is made
    report = run_report(tmp_path / "report")

    # THEN the headline says which table is not balanced
    assert "**NOT balanced**: shop.orders" in report


def test_a_missing_warehouse_says_to_build_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN DUCKDB_PATH points at no file
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "nothing.duckdb"))

    # WHEN the report is asked for
    code = cli.main(["report", "--out", str(tmp_path / "report")])

    # THEN exit code 1 and a message saying to build first; nothing written
    assert code == 1
    assert "make build" in capsys.readouterr().err
    assert not (tmp_path / "report").exists()


def test_a_warehouse_without_marts_says_to_build_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN an empty DuckDB file
    path = tmp_path / "empty.duckdb"
    execute(path, "create table raw_only (id integer)")
    monkeypatch.setenv("DUCKDB_PATH", str(path))

    # WHEN the report is asked for
    code = cli.main(["report", "--out", str(tmp_path / "report")])

    # THEN exit code 1 naming the missing marts and saying to build first
    err = capsys.readouterr().err
    assert code == 1
    assert "marts.customer_rfm" in err
    assert "make build" in err


def test_default_out_is_target_report_of_the_project(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a project whose reporting currency is EUR, and no --out
    root = tmp_path / "project"
    root.mkdir()
    (root / "dbt_project.yml").write_text(
        "name: shop\nvars:\n  shop:\n    reporting_currency: EUR\n", encoding="utf-8"
    )
    monkeypatch.setenv("SEGMENTS_PROJECT_DIR", str(root))

    # WHEN the report is made
    assert cli.main(["report"]) == 0

    # THEN it lands in <project>/target/report, in the project's currency
    report = (root / "target" / "report" / "report.md").read_text(encoding="utf-8")
    assert "| Net revenue (EUR) | 1,000.00 |" in report
    assert all((root / "target" / "report" / name).is_file() for name in CHART_FILES)


# --- the HTML page ---------------------------------------------------------

AS_OF = date(2024, 6, 30)
RISING = html_data.RisingStars("abc_class", ("C",), ("A", "B"))


def page_data(warehouse: Path, rising: html_data.RisingStars | None = RISING) -> html_data.HtmlData:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return html_data.read_html_data(con, AS_OF, rising)
    finally:
        con.close()


def test_the_html_charts_hold_the_hand_computed_numbers(warehouse: Path) -> None:
    # WHEN the page's figures are built from the hand-made marts
    data = page_data(warehouse)
    figures = html_figures.figures(data, "USD")
    # THEN the Pareto curve: buyers of 600, 150, 100, 100, 50 (of 1,000), biggest first
    lorenz = figures["lorenz"].data[0]
    assert list(lorenz.x) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert list(lorenz.y) == pytest.approx([0, 0.6, 0.75, 0.85, 0.95, 1.0])
    # AND the RFM heat map: R x round((F + M) / 2), customers and their revenue
    heat = figures["rfm-customers"].data[0]
    cells = {
        (r, fm): (heat.z[r - 1][fm - 1], heat.customdata[r - 1][fm - 1])
        for r in range(1, 6)
        for fm in range(1, 6)
        if heat.z[r - 1][fm - 1]
    }
    revenue = figures["rfm-revenue"].data[0]
    assert revenue.z[4][4] == 600 and revenue.customdata[4][4] == 1
    assert cells == {
        (5, 5): (1, 600),
        (1, 4): (1, 150),
        (1, 2): (1, 100),
        (2, 2): (1, 100),
        (5, 1): (1, 50),
    }
    # AND the CLV bands: four predictions (one missing), the top one in the last band
    clv = figures["clv-distribution"].data[0]
    assert sum(clv.y) == 4 and len(clv.y) == 4
    assert clv.x[-1] == pytest.approx((html_data.CLV_BINS - 0.5) * 39.7 / html_data.CLV_BINS)
    # AND value tiers per month, stacked, and the month's upgrades and downgrades
    history = {bar.name: (list(bar.x), list(bar.y)) for bar in figures["history-tiers"].data}
    assert history["small"][1] == [4, 3] and history["large"][1] == [1]
    moves = {bar.name: list(bar.y) for bar in figures["history-migrations"].data}
    assert moves == {"upgrades": [1], "downgrades": [2]}
    # AND customers per tier for every scheme
    tiers = figures["tiers-value_tier"].data[0]
    assert list(tiers.x) == [1, 1, 3, 1]
    assert data.rule_version == "rules-v1" and data.key_accounts == 1
    assert data.average_clv == pytest.approx(25.0)


def period_points(figure: go.Figure) -> list[date]:
    return [
        point if isinstance(point, date) else date.fromisoformat(str(point)[:10])
        for trace in figure.data
        for point in trace.x
    ]


def test_every_chart_and_table_keeps_to_the_as_of_date(warehouse: Path, tmp_path: Path) -> None:
    # GIVEN marts as of 2024-06-30 and a history backfilled later, into 2024-07 (fixture)
    # WHEN the report is made
    report = run_report(tmp_path / "report")
    figures = html_figures.figures(page_data(warehouse), "USD")
    # THEN no history chart shows a period after the as-of date, nor runs its axis past it
    for name in ("history-tiers", "history-migrations", "history-migrations-abc_class"):
        assert max(period_points(figures[name])) == date(2024, 6, 1), name
        assert date.fromisoformat(str(figures[name].layout.xaxis.range[1])[:10]) <= AS_OF
    # AND the Markdown's months and headline leave out the order dated after it
    assert "| 2024-07 |" not in report
    assert "| Orders (not cancelled) | 6 |" in report


def test_rising_stars_are_shown_only_for_the_scheme_that_flags_them(warehouse: Path) -> None:
    # GIVEN rising stars flagged for abc_class (var rising_star_scheme), none for value tiers
    figures = html_figures.figures(page_data(warehouse), "USD")
    # THEN the value-tier migrations have no rising-star series
    value = {bar.name: list(bar.y) for bar in figures["history-migrations"].data}
    assert value == {"upgrades": [1], "downgrades": [2]}
    # AND the ABC chart has it, hand-computed: 5 + 2 up, of them 5 rising stars, 4 down
    abc = {bar.name: list(bar.y) for bar in figures["history-migrations-abc_class"].data}
    assert abc == {"upgrades": [7], "downgrades": [4], "rising stars": [5]}
    # AND without a rising-star rule, no chart has the series and no ABC chart is added
    plain = html_figures.figures(page_data(warehouse, rising=None), "USD")
    assert "history-migrations-abc_class" not in plain
    assert "rising stars" not in {bar.name for bar in plain["history-migrations"].data}


def test_tiers_follow_the_seeds_order_not_their_counts(warehouse: Path, tmp_path: Path) -> None:
    # GIVEN value tiers ranked VIP 1, large 3, small 4 but counted 1, 1, 3; ABC A, B, C
    # counted 2, 1, 2; quadrants in the seed's row order retain_key, maintain_acquire,
    # develop but counted 1, 0, 2; lifecycle stages ranked loyal .. prospect
    figures = html_figures.figures(page_data(warehouse), "USD")

    def shown(column: str) -> list[str]:
        return list(figures[f"tiers-{column}"].data[0].y)

    # THEN each scheme's bars are in that order, customers without a tier last
    assert shown("value_tier") == ["VIP", "large", "small", "(none)"]
    assert shown("abc_class") == ["A", "B", "C", "(none)"]
    assert shown("strategy_quadrant") == ["retain_key", "develop", "(none)"]
    # AND the Markdown lifecycle table follows the lifecycle ranks (churned has 2)
    report = run_report(tmp_path / "report")
    stages = ["loyal (lifecycle)", "new", "at_risk", "churned", "prospect"]
    assert table_order(report, stages) == stages


def test_tiers_no_seed_orders_follow_by_count_after_the_ordered() -> None:
    # GIVEN an order naming B and A, and tiers B, A, X (1), Y (5) and no tier
    counted = {"A": 2, "X": 1, "B": 1, "Y": 5, None: 4}
    # WHEN put in order
    listed = tiers.in_order(counted, ["B", "A", "Z"])
    # THEN the ordered ones first (a tier nobody has left out), then biggest first, (none) last
    assert listed == [("B", 1), ("A", 2), ("Y", 5), ("X", 1), ("(none)", 4)]


def test_every_chart_titles_both_axes(warehouse: Path) -> None:
    # WHEN the page's figures are built
    figures = html_figures.figures(page_data(warehouse), "USD")
    # THEN every one has an x-axis and a y-axis title
    untitled = [
        name
        for name, figure in figures.items()
        if not (figure.layout.xaxis.title.text and figure.layout.yaxis.title.text)
    ]
    assert untitled == []
    # AND the Markdown bar charts title their category axis too
    svg = charts.horizontal_bars("T", ["a"], [1], value_label="Customers", category_label="Stage")
    assert {"Customers", "Stage"} <= set(texts(parse(svg)))


def test_numbers_are_formatted_on_the_page(warehouse: Path) -> None:
    # GIVEN a tier of 3 of 6 customers
    data = page_data(warehouse)
    figures = html_figures.figures(data, "USD")
    # THEN its bar reads its count and share; counts get thousands separators, money its currency
    assert list(figures["tiers-value_tier"].data[0].text)[2] == "3 (50.0%)"
    assert figures["tiers-value_tier"].layout.xaxis.tickformat == ",d"
    assert figures["history-tiers"].layout.yaxis.tickformat == ",d"
    assert "USD" in figures["clv-distribution"].layout.xaxis.title.text
    assert figures["lorenz"].layout.yaxis.tickformat == ".0%"
    # AND table cells: thousands separators for counts, yes / no for flags
    table = report_html.table_html(["t", "rows", "ok"], [("shop.orders", 12345, True)])
    assert '<td class="number">12,345</td>' in table and '<td class="text">yes</td>' in table


def test_none_is_explained_under_each_chart_that_has_it(warehouse: Path) -> None:
    # GIVEN c6, a prospect (no purchase), and c3 and c5, buyers without a strategy quadrant
    notes = html_figures.captions(page_data(warehouse))
    # THEN the value-tier chart says its (none) is the customer without a purchase
    assert notes["tiers-value_tier"].startswith("(none): customers with no value tier: 1 without")
    # AND the quadrant chart counts the buyers whose input is missing too
    quadrant = notes["tiers-strategy_quadrant"]
    assert "1 without a purchase" in quadrant
    assert "2 buyers for whom an input of the strategy quadrant is missing" in quadrant
    # AND a scheme where everyone has a tier has no such note
    assert "tiers-lifecycle_stage" not in notes


def test_labels_two_schemes_share_are_tagged_with_their_scheme(
    warehouse: Path, tmp_path: Path
) -> None:
    # GIVEN the RFM segment Loyal (seed) and the lifecycle stage loyal (customer c1)
    # WHEN the report is made
    report = run_report(tmp_path / "report")
    figures = html_figures.figures(page_data(warehouse), "USD")
    # THEN each is tagged with its scheme, in the tables and the charts
    assert "| Loyal (RFM) | 0 |" in report and "| loyal (lifecycle) | 1 |" in report
    assert "loyal (lifecycle)" in figures["tiers-lifecycle_stage"].data[0].y
    # AND a name only one scheme has, or a letter grade two share, stays as it is
    labels = tiers.TierLabels.of(
        {"abc_class": ["A"], "credit_rating": ["A"], "rfm_segment": ["Lost"]}
    )
    assert labels.label("abc_class", "A") == "A"
    assert labels.label("rfm_segment", "Lost") == "Lost"
    assert (
        tiers.TierLabels.of({"rfm_segment": ["At Risk"], "lifecycle_stage": ["at_risk"]}).label(
            "lifecycle_stage", "at_risk"
        )
        == "at_risk (lifecycle)"
    )


def test_the_html_page_is_self_contained_with_every_chart(warehouse: Path, tmp_path: Path) -> None:
    # WHEN the report is made
    out = tmp_path / "report"
    run_report(out)
    page = (out / "report.html").read_text(encoding="utf-8")
    # THEN Plotly's script is inlined once and nothing is fetched from elsewhere
    assert page.count("Plotly.newPlot(") == len(html_figures.figures(page_data(warehouse), "USD"))
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    # AND the KPIs, the as-of date, the rule version and the data-quality tables are there
    for text in ("Average predicted CLV (USD)", "25.00", "Key accounts", "2024-06-30", "rules-v1"):
        assert text in page
    assert (
        '<td class="text">shop.orders</td><td class="text">missing_key</td>'
        '<td class="number">2</td>' in page
    )

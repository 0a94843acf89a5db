"""`segments report` and its SVG charts, on a hand-made warehouse (no dbt run)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.reporting import charts, report_html

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
    null as value_class, null as composite_tier, null as strategy_quadrant,
    'unrated' as credit_rating, null as cluster_label, 'none' as custom_category
from (values
    ('c1', 'Champions', 'A', 'VIP', true, 'loyal'),
    ('c2', 'Can''t Lose Them', 'A', 'large', false, 'churned'),
    ('c3', 'Lost', 'B', 'small', false, 'churned'),
    ('c4', 'Lost', 'C', 'small', false, 'at_risk'),
    ('c5', '<&>', 'C', 'small', false, 'new'),
    ('c6', null, null, null, null, 'prospect')
) as segments(customer_id, rfm_segment, abc_class, value_tier, is_key_account, lifecycle_stage);
create table marts.customer_clv as select * from (values
    ('c1', 10.0), ('c2', 20.0), ('c3', 30.0), ('c4', 40.0), ('c5', null)
) as clv(customer_id, predicted_clv);
create table marts.segment_summary as select * from (values
    (date '2024-05-01', 'value_tier', 'VIP', 1, 1),
    (date '2024-05-01', 'value_tier', 'small', 4, 4),
    (date '2024-06-01', 'value_tier', 'VIP', 1, 1),
    (date '2024-06-01', 'value_tier', 'large', 1, 3),
    (date '2024-06-01', 'value_tier', 'small', 3, 4),
    (date '2024-06-01', 'abc_class', 'A', 2, 1)
) as summary(period_start, scheme, tier, customers, tier_rank);
create table marts.tier_migrations as select * from (values
    (date '2024-06-01', 'value_tier', 1, true, false, true),
    (date '2024-06-01', 'value_tier', 3, false, false, false),
    (date '2024-06-01', 'value_tier', 2, false, true, false),
    (date '2024-06-01', 'abc_class', 5, true, false, false)
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
    ('o7', 'c5', date '2024-02-02', true, 999.00)
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
    names = ["Champions", "Loyal", "Can't Lose Them", "Lost", "<&>"]
    assert table_order(report, names) == names
    assert "| Loyal | 0 | 0.0% | 0.00 | 0.0% |" in report


def test_segments_without_the_seed_are_ordered_by_count(warehouse: Path, tmp_path: Path) -> None:
    # GIVEN a warehouse without the config.rfm_segments seed
    execute(warehouse, "drop table config.rfm_segments")

    # WHEN the report is made
    report = run_report(tmp_path / "report")

    # THEN the biggest segment comes first and no seed-only segment appears
    assert table_order(report, ["Champions", "Lost"]) == ["Lost", "Champions"]
    assert "| Loyal |" not in report


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


def html_data(warehouse: Path) -> report_html.HtmlData:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return report_html.read_html_data(con)
    finally:
        con.close()


def test_the_html_charts_hold_the_hand_computed_numbers(warehouse: Path) -> None:
    # WHEN the page's figures are built from the hand-made marts
    data = html_data(warehouse)
    figures = report_html.figures(data, "USD")
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
    assert clv.x[-1] == pytest.approx((report_html.CLV_BINS - 0.5) * 39.7 / report_html.CLV_BINS)
    # AND value tiers per month, stacked, and the month's upgrades, downgrades, rising stars
    history = {bar.name: (list(bar.x), list(bar.y)) for bar in figures["history-tiers"].data}
    assert history["small"][1] == [4, 3] and history["large"][1] == [1]
    moves = {bar.name: list(bar.y) for bar in figures["history-migrations"].data}
    assert moves == {"upgrades": [1], "downgrades": [2], "rising stars": [1]}
    # AND customers per tier for every scheme, biggest first, no tier last
    tiers = figures["tiers-value_tier"].data[0]
    assert list(tiers.y) == ["small", "VIP", "large", "(none)"] and list(tiers.x) == [3, 1, 1, 1]
    assert data.rule_version == "rules-v1" and data.key_accounts == 1
    assert data.average_clv == pytest.approx(25.0)


def test_the_html_page_is_self_contained_with_every_chart(warehouse: Path, tmp_path: Path) -> None:
    # WHEN the report is made
    out = tmp_path / "report"
    run_report(out)
    page = (out / "report.html").read_text(encoding="utf-8")
    # THEN Plotly's script is inlined once and nothing is fetched from elsewhere
    assert page.count("Plotly.newPlot(") == len(report_html.figures(html_data(warehouse), "USD"))
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    # AND the KPIs, the as-of date, the rule version and the data-quality tables are there
    for text in ("Average predicted CLV (USD)", "25.00", "Key accounts", "2024-06-30", "rules-v1"):
        assert text in page
    assert "<td>shop.orders</td><td>missing_key</td><td>2</td>" in page

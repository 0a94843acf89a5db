"""Monthly history: `segments backfill` computes past periods set-based, each exactly as a
build as of its last day would; it resumes after a failure and replaces whole periods."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from segments.core import project
from segments.core.errors import SegmentsError
from segments.devtools import generate
from segments.engines.dbt import run_dbt
from segments.pipeline import backfill, build
from segments.warehouse import raw_files

HISTORY = "marts.customer_segment_history"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """GIVEN generated data (300 customers, 2023-2025) built once: (raw folder, warehouse)."""
    root = tmp_path_factory.mktemp("history")
    raw_dir = root / "raw"
    generate.generate(customers=300, seed=7, out=raw_dir)
    warehouse = root / "warehouse.duckdb"
    build.build(
        build.BuildOptions(warehouse, "ci", raw_files.find(raw_dir), project.column_mapping(), {})
    )
    return raw_dir, warehouse


def copy_of(warehouse: Path, tmp_path: Path) -> Path:
    copied = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse, copied)
    return copied


def months(*starts: str) -> list[date]:
    return [date.fromisoformat(f"{start}-01") for start in starts]


def rows_per_period(warehouse: Path) -> dict[date, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(
            con.execute(f"select period_start, count(*) from {HISTORY} group by all").fetchall()
        )


def history_digest(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return str(con.execute(f"select sum(hash(h)) from {HISTORY} as h").fetchone()[0])


def summaries_digest(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            str(con.execute(f"select count(*), sum(hash(t)) from marts.{table} as t").fetchone())
            for table in ("segment_summary", "tier_migrations", "segment_outcomes")
        ]


def test_a_build_adds_its_own_period_once(built: tuple[Path, Path], tmp_path: Path) -> None:
    raw_dir, warehouse = built
    # WHEN the same data is built again over the built warehouse
    again = copy_of(warehouse, tmp_path)
    build.build(
        build.BuildOptions(again, "ci", raw_files.find(raw_dir), project.column_mapping(), {})
    )
    # THEN the history holds one period, the as-of date's month, once per customer
    with duckdb.connect(str(again), read_only=True) as con:
        as_of = con.execute("select max(as_of_date) from marts.customer_segments").fetchone()[0]
        customers = con.execute("select count(*) from marts.customers").fetchone()[0]
    assert rows_per_period(again) == {as_of.replace(day=1): customers}


def test_a_backfilled_period_is_what_a_build_as_of_its_last_day_gives(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    raw_dir, warehouse = built
    # GIVEN three months backfilled, two per dbt run
    filled = copy_of(warehouse, tmp_path)
    backfill.backfill(filled, "ci", months("2025-08", "2025-09", "2025-10"), "month", 2, False, {})
    # AND the same data built as of the last day of September
    as_of = tmp_path / "as_of.duckdb"
    vars_ = {"as_of_date": "2025-09-30"}
    build.build(
        build.BuildOptions(as_of, "ci", raw_files.find(raw_dir), project.column_mapping(), vars_)
    )
    # THEN September's history rows are that build's customer_segments, column for column
    with duckdb.connect(str(filled), read_only=True) as con:
        con.execute(f"attach '{as_of}' as as_of (read_only)")
        columns = [
            name
            for (name,) in con.execute(
                "select column_name from duckdb_columns() where database_name = 'as_of' "
                "and schema_name = 'marts' and table_name = 'customer_segments' "
                "and column_name <> 'rule_version' and column_name in (select column_name "
                "from duckdb_columns() where table_name = 'customer_segment_history')"
            ).fetchall()
        ]
        listed = ", ".join(columns)
        history = f"select {listed} from {HISTORY} where period_start = '2025-09-01'"
        segments = f"select {listed} from as_of.marts.customer_segments"
        only_history = con.execute(f"{history} except all {segments}").fetchall()
        only_build = con.execute(f"{segments} except all {history}").fetchall()
        periods = con.execute(
            f"select distinct period_start, as_of_date from {HISTORY} order by 1"
        ).fetchall()
    assert len(columns) >= 25
    assert (only_history, only_build) == ([], [])
    # AND every period is computed as of its last day, beside the build's own period
    assert [row[1] for row in periods[:3]] == [
        date(2025, 8, 31),
        date(2025, 9, 30),
        date(2025, 10, 31),
    ]
    # AND the scratch database is gone, and the warehouse never held the scratch tables
    assert not filled.with_name(filled.name + ".backfill").exists()
    with duckdb.connect(str(filled), read_only=True) as con:
        per_period = con.execute(
            "select count(*) from duckdb_tables()"
            " where table_name = 'int_customers_window_activity'"
        ).fetchall()[0][0]
    assert per_period == 1


def test_a_failed_backfill_resumes_without_redoing_finished_periods(
    built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    _, warehouse = built
    filled = copy_of(warehouse, tmp_path)
    starts = months("2025-05", "2025-06", "2025-07")
    # GIVEN a backfill whose second dbt run fails
    real_run_dbt = backfill.run_dbt
    runs: list[list[str]] = []

    def failing_second_run(args: list[str], **kwargs: object) -> dict[str, int]:
        runs.append(args)
        if len(runs) == 2:
            raise SegmentsError("dbt run failed (planted)")
        return real_run_dbt(args, **kwargs)

    monkeypatch.setattr(backfill, "run_dbt", failing_second_run)
    with pytest.raises(SegmentsError, match="planted"):
        backfill.backfill(filled, "ci", starts, "month", 2, False, {})
    monkeypatch.setattr(backfill, "run_dbt", real_run_dbt)
    # THEN the first run's periods are kept
    first = rows_per_period(filled)
    assert {date(2025, 5, 1), date(2025, 6, 1)} <= set(first)
    assert date(2025, 7, 1) not in first
    capsys.readouterr()
    # WHEN the backfill runs again
    computed = backfill.backfill(filled, "ci", starts, "month", 2, False, {})
    # THEN only the missing period is computed, and the finished ones are said to be skipped
    assert computed == [date(2025, 7, 1)]
    out = capsys.readouterr().out
    assert "already in the history (--redo computes them again): 2025-05 to 2025-06" in out
    assert "run 1 of 1: 2025-07 computed" in out
    resumed = rows_per_period(filled)
    assert {day: resumed[day] for day in first} == first
    digest = history_digest(filled)
    # WHEN every period is computed again
    backfill.backfill(filled, "ci", starts, "month", 3, True, {})
    # THEN each is replaced, not duplicated, with the same content
    assert rows_per_period(filled) == resumed
    assert history_digest(filled) == digest
    # AND segment_summary, tier_migrations and segment_outcomes, updated period by period
    # through the failure, the resume and the redo, equal the three recomputed from the
    # whole history
    updated = summaries_digest(filled)
    assert "(0, None)" not in updated
    select = ["--select", "segment_summary", "tier_migrations", "segment_outcomes"]
    run_dbt(["run", "--target", "ci", "--full-refresh", *select], database=filled, target="ci")
    assert summaries_digest(filled) == updated


# What each tier's customers did in the next period, computed here from the orders mart
# and the history's tiers (not from the model): per period and tier, the customers, those
# with a purchase in the next period, and their net revenue dated in it, up to the next
# period's as-of date.
OUTCOMES_FROM_THE_ORDERS = """
with
periods as (
    select period_start, max(as_of_date) as as_of_date
    from marts.customer_segment_history group by period_start
),
followed as (
    select this.period_start, next.period_start as next_start, next.as_of_date as next_as_of
    from periods as this
    inner join periods as next on next.period_start = this.period_start + interval 1 month
),
spent as (
    select followed.period_start, orders.customer_id,
        sum(orders.net_revenue) as revenue, bool_or(orders.is_purchase) as bought
    from marts.orders as orders
    inner join followed
        on orders.ordered_date between followed.next_start and followed.next_as_of
    group by all
)
select history.period_start, history.{scheme} as tier, count(*) as customers,
    count(*) filter (where spent.bought) as buyers,
    coalesce(sum(spent.revenue), 0) as revenue
from marts.customer_segment_history as history
inner join followed on history.period_start = followed.period_start
left join spent
    on history.period_start = spent.period_start and history.customer_id = spent.customer_id
where history.{scheme} is not null
group by all
"""


def test_segment_outcomes_after_a_backfill_are_the_orders_of_the_next_period(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    _, warehouse = built
    # GIVEN three months backfilled, two per dbt run, before the build's own month
    filled = copy_of(warehouse, tmp_path)
    backfill.backfill(filled, "ci", months("2025-09", "2025-10", "2025-11"), "month", 2, False, {})
    with duckdb.connect(str(filled), read_only=True) as con:
        held = sorted(rows_per_period(filled))
        outcomes = {
            (row[0], row[1], row[2]): row[3:]
            for row in con.execute(
                "select period_start, scheme, tier, customers, next_period_buyers, "
                "next_period_revenue, repurchase_rate, next_period_revenue_share, lift, "
                "next_period_start from marts.segment_outcomes"
            ).fetchall()
        }
        expected = {
            scheme: con.execute(OUTCOMES_FROM_THE_ORDERS.format(scheme=scheme)).fetchall()
            for scheme in ("abc_class", "lifecycle_stage", "value_tier")
        }
    # THEN every held period but the last has rows, following the month after it; the last
    # (no next period yet) has none: absent, not zero-filled
    assert held[-1] == date(2025, 12, 1) and len(held) == 4
    assert sorted({key[0] for key in outcomes}) == held[:-1]
    month_after = {period: (period + timedelta(days=31)).replace(day=1) for period in held}
    assert all(row[6] == month_after[key[0]] for key, row in outcomes.items())
    # AND each tier's customers, buyers, revenue, repurchase rate, share and lift are those
    # computed from the orders mart, the shares and lift over the scheme's customers
    for scheme, rows in expected.items():
        for period in held[:-1]:
            tiers = [row for row in rows if row[0] == period]
            customers = sum(row[2] for row in tiers)
            revenue = sum(row[4] for row in tiers)
            assert revenue > 0
            for _, tier, tier_customers, buyers, tier_revenue in tiers:
                got = outcomes.pop((period, scheme, tier))
                assert got[:3] == (tier_customers, buyers, tier_revenue), (period, scheme, tier)
                assert got[3] == pytest.approx(buyers / tier_customers, abs=1e-12)
                assert got[4] == pytest.approx(float(tier_revenue / revenue), abs=1e-12)
                lift = float(tier_revenue / tier_customers) / float(revenue / customers)
                assert got[5] == pytest.approx(lift, abs=1e-9)
    # AND no other row of those schemes is there
    assert [key for key in outcomes if key[1] in expected] == []


def test_periods_of_every_length() -> None:
    # WHEN the periods between two dates are listed THEN each starts its period
    assert backfill.period_starts("2024-11", "2025-02", "month") == months(
        "2024-11", "2024-12", "2025-01", "2025-02"
    )
    assert backfill.period_starts("2024-02-15", "2024-08-31", "quarter") == months(
        "2024-01", "2024-04", "2024-07"
    )
    assert backfill.period_starts("2023-06", "2024-01", "year") == months("2023-01", "2024-01")
    # (2024-01-03 is a Wednesday: its week starts on Monday 2024-01-01)
    assert backfill.period_starts("2024-01-03", "2024-01-15", "week") == [
        date(2024, 1, 1),
        date(2024, 1, 8),
        date(2024, 1, 15),
    ]
    assert [backfill.label(day, "quarter") for day in months("2024-01", "2024-10")] == [
        "2024-Q1",
        "2024-Q4",
    ]


QUARTER_OF_MONTH = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3, 8: 3, 9: 3, 10: 4, 11: 4, 12: 4}
QUARTER_START = {1: 1, 2: 4, 3: 7, 4: 10}


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_falls_in_its_quarter(month: int) -> None:
    # GIVEN the first and last day of a month WHEN their quarter is found
    first = date(2025, month, 1)
    last = date(2025 + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    # THEN both belong to the month's quarter (the table above), which starts on its first day
    quarter = QUARTER_OF_MONTH[month]
    start = date(2025, QUARTER_START[quarter], 1)
    assert backfill.period_start(first, "quarter") == start
    assert backfill.period_start(last, "quarter") == start
    assert backfill.label(start, "quarter") == f"2025-Q{quarter}"


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2025-03", "2025-01", r"--to \(2025-01\) is before --from \(2025-03\)"),
        ("2025-13", "2025-12", "--from must be a month like 2024-01, got '2025-13'"),
        ("2025-01", "next year", "--to must be a month like 2024-01, got 'next year'"),
    ],
)
def test_wrong_periods_are_refused_with_the_option_named(
    first: str, last: str, message: str
) -> None:
    with pytest.raises(SegmentsError, match=message):
        backfill.period_starts(first, last, "month")


def test_backfill_needs_a_built_warehouse(tmp_path: Path) -> None:
    with pytest.raises(SegmentsError, match="run `segments build` first"):
        backfill.backfill(tmp_path / "none.duckdb", "ci", months("2025-01"), "month", 1, False, {})


def test_a_period_run_replaces_the_run_periods_and_keeps_the_rest(
    built: tuple[Path, Path], tmp_path: Path, project_copy: Path
) -> None:
    _, warehouse = built
    filled = copy_of(warehouse, tmp_path)
    # GIVEN a history with a stray row in the period a build computes and a row of an old period
    with duckdb.connect(str(filled)) as con:
        current = con.execute(f"select max(period_start) from {HISTORY}").fetchall()[0][0]
        con.execute(
            f"insert into {HISTORY} by name select 'stray' as customer_id, * exclude (customer_id)"
            f" from {HISTORY} where period_start = ? limit 1",
            [current],
        )
        con.execute(
            f"insert into {HISTORY} by name select date '2020-01-01' as period_start,"
            f" * exclude (period_start) from {HISTORY} where period_start = ? limit 1",
            [current],
        )
    before = rows_per_period(filled)
    # AND the history model given a new column (its contract too)
    model = project_copy / "models" / "marts" / "customer_segment_history.sql"
    model.write_text(
        model.read_text().replace(
            "select * from final", "select *, 'filled' as added_column from final"
        )
    )
    contract = project_copy / "models" / "marts" / "customer_segment_history.yml"
    contract.write_text(
        contract.read_text().replace(
            "  columns:\n",
            "  columns:\n  - name: added_column\n    data_type: string\n"
            "    description: 'A column added later.'\n",
            1,
        )
    )
    # WHEN the history model runs again
    run_dbt(["run", "--select", "customer_segment_history"], database=filled, target="ci")
    # THEN the run's period is replaced whole (the stray row is gone), the old period stays
    after = rows_per_period(filled)
    assert after == {**before, current: before[current] - 1}
    with duckdb.connect(str(filled), read_only=True) as con:
        added = dict(
            con.execute(
                f"select period_start, list_distinct(list(added_column)) from {HISTORY} group by 1"
            ).fetchall()
        )
        strays = con.execute(f"select count(*) from {HISTORY} where customer_id = 'stray'")
        assert strays.fetchall() == [(0,)]
    # AND the new column is added: filled in the period computed, null in the old one
    assert added == {current: ["filled"], date(2020, 1, 1): []}


def test_the_contract_not_null_columns_refuse_a_null_after_a_later_run(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    """period_replace enforces the contract's constraints (their warn_unsupported is off)."""
    _, warehouse = built
    filled = copy_of(warehouse, tmp_path)
    contract = yaml.safe_load(
        (project.project_dir() / "models/marts/customer_segment_history.yml").read_text()
    )
    not_null = [
        column["name"]
        for column in contract["models"][0]["columns"]
        if any(c["type"] == "not_null" for c in column.get("constraints", []))
    ]
    # GIVEN the history written by a later run (delete and insert into the first run's table)
    run_dbt(["run", "--select", "customer_segment_history"], database=filled, target="ci")
    with duckdb.connect(str(filled)) as con:
        for column in not_null:
            # WHEN a row with a null in a not-null column of the contract is inserted
            # THEN DuckDB refuses it
            with pytest.raises(duckdb.ConstraintException, match=column):
                con.execute(
                    f"insert into {HISTORY} by name select null as {column}, * exclude ({column})"
                    f" from {HISTORY} limit 1"
                )
    assert {"period_start", "customer_id", "rule_version"} <= set(not_null)


def test_the_same_data_keeps_the_history_and_other_data_starts_a_new_one(
    built: tuple[Path, Path], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _, warehouse = built
    # GIVEN two months backfilled
    filled = copy_of(warehouse, tmp_path)
    backfill.backfill(filled, "ci", months("2025-08", "2025-09"), "month", 2, False, {})
    # WHEN the history is built again on the same data THEN it keeps both months
    same = build.build(
        build.BuildOptions(
            filled, "ci", None, project.column_mapping(), {}, select=["customer_segment_history"]
        )
    )
    assert same["history_removed"] == []
    assert set(months("2025-08", "2025-09")) <= set(rows_per_period(filled))
    # WHEN other data (another company's, fewer customers) is built over it
    other = tmp_path_factory.mktemp("other") / "raw"
    generate.generate(customers=120, seed=8, out=other)
    replaced = build.build(
        build.BuildOptions(filled, "ci", raw_files.find(other), project.column_mapping(), {})
    )
    # THEN the two months of the first data are gone, named, and a backfill computes them anew
    assert replaced["history_removed"] == months("2025-08", "2025-09")
    with duckdb.connect(str(filled), read_only=True) as con:
        customers = con.execute("select count(*) from marts.customers").fetchone()[0]
    assert list(rows_per_period(filled).values()) == [customers]
    assert backfill.backfill(filled, "ci", months("2025-08"), "month", 2, False, {}) == months(
        "2025-08"
    )


def test_a_corrected_old_order_replaces_the_periods_it_changed_and_one_history_has_one_length(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    raw_dir, warehouse = built
    # GIVEN three months backfilled
    filled = copy_of(warehouse, tmp_path)
    backfill.backfill(filled, "ci", months("2025-07", "2025-08", "2025-09"), "month", 3, False, {})
    # AND an order of August sent again with another amount (a correction)
    with duckdb.connect(str(filled), read_only=True) as con:
        order = con.execute(
            "select order_id, customer_id, ordered_at from marts.orders "
            "where is_purchase and ordered_date between '2025-08-01' and '2025-08-31' limit 1"
        ).fetchone()
    header = "order_id,customer_id,ordered_at,amount,status\n"
    day = tmp_path / "day"
    day.mkdir()
    (day / "orders.csv").write_text(f"{header}{order[0]},{order[1]},{order[2]},1.23,completed\n")
    # WHEN it is appended and built
    corrected = build.build(
        build.BuildOptions(
            filled,
            "ci",
            raw_files.find(day, appending=True),
            project.column_mapping(),
            {},
            append=True,
        )
    )
    # THEN August and September (which count that order) are removed, July is kept
    assert corrected["history_removed"] == months("2025-08", "2025-09")
    assert date(2025, 7, 1) in rows_per_period(filled)
    # WHEN weeks are backfilled over the monthly history THEN it is refused, saying what to do
    with pytest.raises(
        SegmentsError, match="the history holds months; a weekly backfill would mix"
    ):
        backfill.backfill(filled, "ci", [date(2025, 9, 1)], "week", 1, False, {})
    # WHEN a backfill is given other rules than the build's THEN it is refused
    with pytest.raises(SegmentsError, match=r"abc_a_cut is 0\.7 here but was 0\.8: a backfill"):
        backfill.backfill(filled, "ci", months("2025-09"), "month", 1, False, {"abc_a_cut": 0.7})
    # WHEN the build's period length changes THEN the monthly periods are replaced
    weekly = build.build(
        build.BuildOptions(
            filled,
            "ci",
            raw_files.find(raw_dir),
            project.column_mapping(),
            {"history_period": "week"},
        )
    )
    assert date(2025, 7, 1) in weekly["history_removed"]
    with duckdb.connect(str(filled), read_only=True) as con:
        lengths = con.execute(f"select distinct history_period from {HISTORY}").fetchall()
    assert lengths == [("week",)]

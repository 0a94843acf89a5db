"""A backfill: fill customer_segment_history for past periods, set-based.

The models between `int_as_of_date` and `customer_segments` (tag `per_as_of`)
carry an `as_of_date` column, so one `dbt run` computes many periods in one
pass over the orders: `history_periods` lists them, and those models then
write to a scratch database beside the warehouse (`<warehouse>.backfill`,
attached as `backfill`, see `generate_database_name`), leaving the current
marts as they are and the warehouse file its size. `customer_segment_history`
replaces the rows of exactly the periods of each run, so:

- the periods are computed `--batch` at a time; each run commits its periods;
- a period already in the history is skipped (`--redo` computes it again), so
  a backfill that failed or was stopped resumes where it was;
- each run also updates `segment_summary`, `tier_migrations` and
  `segment_outcomes` for its periods (and the migrations into the period
  after each, the outcomes of the period before each); at the end the tests
  of the history and of the three run, and the scratch database is removed.

Like `segments build`, it holds the build lock and never writes to the live
warehouse: each run works on a copy that is swapped in when the run ends
(`segments.warehouse.file`), so readers are never refused and the history of
each finished run outlives a failure of a later one; the tests run on a copy
too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import duckdb

from segments.core import console, project, settings
from segments.core.errors import SegmentsError, UsageError
from segments.engines.dbt import log_file, run_dbt
from segments.pipeline.build import HISTORY, history_periods
from segments.warehouse import seed_checks
from segments.warehouse.file import (
    checkpoint_live,
    storage_explained,
    swap,
    warehouse_lock,
    work_copy,
)

PERIODS = ("week", "month", "quarter", "year")
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
SCRATCH_SUFFIX = ".backfill"
DEFAULT_BATCH = 12


def backfill(
    warehouse: Path,
    target: str,
    starts: Sequence[date],
    period: str,
    batch: int,
    redo: bool,
    dbt_vars: dict[str, object],
) -> list[date]:
    """Compute the periods of `starts` not yet in the history; the periods computed."""
    if not warehouse.exists():
        raise SegmentsError(f"no warehouse at {warehouse}; run `segments build` first")
    dbt_vars = settings.check_vars(dbt_vars | {"history_period": period})
    seed_checks.check_seeds()
    with storage_explained(warehouse), warehouse_lock(warehouse):
        checkpoint_live(warehouse)  # a clear error for a file that is no DuckDB warehouse
        differing = rules_unlike_the_build(warehouse, dbt_vars)
        if differing:
            raise SegmentsError(
                f"the history holds the rules of the last build, and {'; '.join(differing)}: a "
                "backfill with other rules would mix them. Backfill with the build's --vars, or "
                "build with these first"
            )
        held = history_period_length(warehouse)
        if held not in (None, period):
            raise SegmentsError(
                f"the history holds {held}s; a {period}ly backfill would mix period lengths. "
                f"Backfill with --period {held}, or start a history of {period}s: set var "
                f"history_period to {period} and run `segments build`, which replaces it"
            )
        done = periods_in_history(warehouse)
        todo = [start for start in starts if redo or start not in done]
        print(
            f"backfill: {len(starts)} {period}(s) from {label(starts[0], period)} to "
            f"{label(starts[-1], period)}, {len(starts) - len(todo)} already in the history, "
            f"{len(todo)} to compute, {batch} per run"
        )
        skipped = [start for start in starts if start not in todo]
        for start in skipped:
            console.detail(
                f"{label(start, period)}  already in the history (--redo computes it again)"
            )
        if skipped and not console.verbose():
            print(f"already in the history (--redo computes them again): {spans(skipped, period)}")
        base = ["--target", target]
        batches = list(chunks(todo, batch))
        for number, runs in enumerate(batches, start=1):
            periods = {"history_periods": [day.isoformat() for day in runs]}
            run_vars = dbt_vars | periods | {"history_period": period}
            started = time.perf_counter()
            with work_copy(warehouse) as copy:
                scratch = scratch_path(copy)
                try:
                    run_dbt(
                        [
                            "run",
                            *base,
                            "--select",
                            "tag:per_as_of",
                            "customer_segment_history",
                            "segment_summary",
                            "tier_migrations",
                            "segment_outcomes",
                            "--vars",
                            json.dumps(run_vars),
                        ],
                        database=copy,
                        target=target,
                        env={"SEGMENTS_BACKFILL_PATH": str(scratch)},
                    )
                finally:
                    remove_scratch(scratch)
                customers = customers_per_period(copy, runs)
                swap(copy, warehouse)
            seconds = time.perf_counter() - started
            for start in runs:
                console.detail(
                    f"{label(start, period)}  {customers.get(start, 0):>10,} customers  "
                    f"{seconds / len(runs):6.1f} s  (run {number}: {len(runs)} period(s) "
                    f"in {seconds:.1f} s)"
                )
            if not console.verbose():
                print(
                    f"run {number} of {len(batches)}: {spans(runs, period)} computed, "
                    f"{sum(customers.values()):,} customer rows, in {seconds:.1f} s"
                )
        summary_vars = dbt_vars | {"history_period": period}
        started = time.perf_counter()
        with work_copy(warehouse) as copy:
            tests = run_dbt(
                [
                    "test",
                    *base,
                    "--select",
                    "customer_segment_history+",
                    "--vars",
                    json.dumps(summary_vars),
                ],
                database=copy,
                target=target,
            )
        print(
            f"history, segment_summary, tier_migrations and segment_outcomes tested "
            f"({sum(tests.values())} tests) in {time.perf_counter() - started:.1f} s"
        )
        return list(todo)


def run_and_report(
    warehouse: Path,
    target: str,
    starts: Sequence[date],
    period: str,
    batch: int,
    redo: bool,
    dbt_vars: dict[str, object],
) -> None:
    """Backfill, then print the summary of the finished job: the history tables it filled."""
    computed = backfill(warehouse, target, starts, period, batch, redo, dbt_vars)
    print_summary(warehouse, target, period, len(computed), len(starts) - len(computed))


HISTORY_TABLES = (
    "customer_segment_history",
    "segment_summary",
    "tier_migrations",
    "segment_outcomes",
)


def print_summary(warehouse: Path, target: str, period: str, computed: int, skipped: int) -> None:
    """The history tables of the warehouse, with their rows, and the periods they hold."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = {
            table: con.execute(f"select count(*) from marts.{table}").fetchone()[0]
            for table in HISTORY_TABLES
        }
        first, last, periods = con.execute(
            f"select min(period_start), max(period_start), count(distinct period_start) "
            f"from {HISTORY}"
        ).fetchone()
    print()
    print(f"backfill: {computed} {period}(s) computed, {skipped} already in the history")
    print(f"warehouse: {warehouse}")
    for table, count in rows.items():
        print(f"  {'marts.' + table:<40} {count:>10,} rows")
    if periods:
        print(
            f"history: {periods} period(s), {label(first, period)} to {label(last, period)} "
            f"(dbt's full log: {log_file(target)})"
        )


def spans(starts: Sequence[date], period: str) -> str:
    """Periods as runs of consecutive ones: `2024-01 to 2024-12, 2025-03`."""
    groups: list[list[date]] = []
    for start in sorted(starts):
        if groups and following(groups[-1][-1], period) == start:
            groups[-1].append(start)
        else:
            groups.append([start])
    return ", ".join(
        label(group[0], period)
        if len(group) == 1
        else f"{label(group[0], period)} to {label(group[-1], period)}"
        for group in groups
    )


def period_starts(first: str, last: str, period: str) -> list[date]:
    """The first day of every period from the one holding `first` to the one holding `last`."""
    if period not in PERIODS:
        raise SegmentsError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    begin = period_start(parse_day(first, "--from"), period)
    end = period_start(parse_day(last, "--to"), period)
    if end < begin:
        raise UsageError(f"--to ({last}) is before --from ({first})")
    return list(_starts(begin, end, period))


def _starts(begin: date, end: date, period: str) -> Iterator[date]:
    start = begin
    while start <= end:
        yield start
        start = following(start, period)


def following(start: date, period: str) -> date:
    """The first day of the period after the one starting on `start`."""
    if period == "week":
        return start + timedelta(days=7)
    index = start.year * 12 + start.month - 1 + MONTHS_IN[period]
    return date(index // 12, index % 12 + 1, 1)


def parse_day(text: str, option: str) -> date:
    """YYYY-MM (its first day) or YYYY-MM-DD, or a clear error naming the option."""
    try:
        return date.fromisoformat(f"{text}-01" if len(text) == 7 else text)
    except ValueError:
        raise UsageError(f"{option} must be a month like 2024-01, got {text!r}") from None


def period_start(day: date, period: str) -> date:
    """The first day of the period holding `day` (weeks start on Monday)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "year":
        return day.replace(month=1, day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(day=1)


def label(start: date, period: str) -> str:
    """How a period is shown: 2024-01, 2024-Q1, 2024, or a week's Monday."""
    if period == "month":
        return start.strftime("%Y-%m")
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period == "year":
        return str(start.year)
    return start.isoformat()


def chunks(items: Sequence[date], size: int) -> Iterator[list[date]]:
    for index in range(0, len(items), size):
        yield list(items[index : index + size])


def periods_in_history(warehouse: Path) -> set[date]:
    """The periods the history holds; an error when the warehouse was never built."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not _has_table(con, "marts", "customer_segments"):
            raise SegmentsError(f"{warehouse} has no marts yet; run `segments build` first")
    return history_periods(warehouse)


def rules_unlike_the_build(warehouse: Path, dbt_vars: dict[str, object]) -> list[str]:
    """The rule vars whose value now (dbt_project.yml, `dbt_vars`) is not the last build's.

    The build hashed its rule vars into rule_version; int_rule_version keeps what it
    hashed (rule_config starts with them as JSON).
    """
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not _has_table(con, "intermediate", "int_rule_version"):
            return []
        config = con.execute("select rule_config from intermediate.int_rule_version").fetchone()[0]
    built, _ = json.JSONDecoder().raw_decode(config)
    now = project.effective_vars(dbt_vars)
    return [
        f"{name} is {now.get(name)!r} here but was {built.get(name)!r}"
        for name in project.rule_vars()
        if name in built and now.get(name) != built[name]
    ]


def history_period_length(warehouse: Path) -> str | None:
    """The period length of the stored history (week, month, ...), None without one."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not _has_table(con, "marts", "customer_segment_history"):
            return None
        found = con.sql(f"select distinct history_period from {HISTORY}").fetchall()
    return found[0][0] if found else None


def customers_per_period(warehouse: Path, starts: Sequence[date]) -> dict[date, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            f"select period_start, count(*) from {HISTORY} "
            "where period_start in (select unnest(?)) group by period_start",
            [list(starts)],
        ).fetchall()
    return dict(rows)


def scratch_path(database: Path) -> Path:
    """The scratch database of a backfill run: `<copy>.backfill`, beside its copy, new."""
    scratch = database.with_name(database.name + SCRATCH_SUFFIX)
    remove_scratch(scratch)  # left by a killed backfill
    return scratch


def remove_scratch(scratch: Path) -> None:
    for path in (scratch, scratch.with_name(scratch.name + ".wal")):
        path.unlink(missing_ok=True)


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )

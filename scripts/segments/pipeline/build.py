"""A build: load raw files and run `dbt build` on a copy of the warehouse, all or nothing.

The build works on a copy of the warehouse and swaps it in only when loading
and every dbt node succeed (see `segments.warehouse.file`: the lock, the copy,
the swap, and what readers see). Raw files land in `<warehouse>.raw/` (see
`segments.warehouse.landing`).
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from segments.core import console, pii, project, settings
from segments.core.errors import SegmentsError
from segments.engines import spark
from segments.engines.dbt import SEED_TESTS, log_file, parse_project, run_dbt
from segments.warehouse import landing, load, quality, seed_checks
from segments.warehouse.file import causes, storage_explained, swap, warehouse_lock, work_copy

SUMMARY_SCHEMAS = ("marts", "audit")
# selectors.yml: the full build but the seeds' data tests (dbt.SEED_TESTS).
BUILD_SELECTOR = "segments_build"


@dataclass(frozen=True)
class BuildOptions:
    """What one build does: the options of `segments build`, as the library takes them."""

    warehouse: Path
    target: str = "dev"
    files: dict[str, Path] | None = None  # raw table -> file (raw_files.find)
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)  # project.column_mapping
    dbt_vars: dict[str, Any] = field(default_factory=dict)
    select: list[str] | None = None
    exclude: list[str] | None = None
    threads: int | None = None
    max_bad_share: float = load.DEFAULT_MAX_BAD_SHARE
    max_quarantine_share: float = quality.DEFAULT_MAX_QUARANTINE_SHARE
    strict: bool = False
    append: bool = False
    full_refresh: bool = False


def run_and_report(options: BuildOptions) -> None:
    """Build (on DuckDB or Spark, as the target says) and print what was built."""
    if spark.is_spark(options.target):
        if options.append:
            raise SegmentsError("--append is for a DuckDB warehouse; on Spark, load every file")
        results = spark.build(
            options.files, options.mapping, options.dbt_vars, options.max_bad_share, options.target
        )
        print(f"spark build: {', '.join(f'{n} {s}' for s, n in sorted(results.items()))}")
        return
    summary = build(options)
    print_summary(options.warehouse, summary)
    print()
    print("\n".join(quality.report(summary["quality"], options.max_quarantine_share)))


def build(options: BuildOptions) -> dict[str, Any]:
    """Load and build on a copy of the warehouse; swap it in only on success.

    New raw files land as a new version of the landing folder beside the one
    the live warehouse reads (see `segments.warehouse.landing`); the version the live
    warehouse no longer reads is removed after the swap, a failed build's own
    version at once. Files that replace the raw tables rebuild the incremental
    facts in full (their rows are numbered anew); appended files (`append`)
    add to them.
    """
    warehouse, target, files, append = (
        options.warehouse,
        options.target,
        options.files,
        options.append,
    )
    if append and not files:
        raise SegmentsError("--append needs --raw-dir: the folder of the rows to add")
    if append and not warehouse.exists():
        raise SegmentsError(f"no warehouse at {warehouse} to append to; build it first")
    dbt_vars = settings.check_vars(options.dbt_vars)
    seed_checks.check_seeds()
    salt_problem = pii.demo_salt_problem(path.parent for path in (files or {}).values())
    if salt_problem and options.strict:
        raise SegmentsError(f"{salt_problem} Nothing was changed (--strict).")
    if salt_problem:
        print(f"WARNING: {salt_problem}", file=sys.stderr)
    with storage_explained(warehouse), warehouse_lock(warehouse):
        landed = None
        dbt_options = ["--target", target]
        if dbt_vars:
            dbt_options += ["--vars", json.dumps(dbt_vars)]
        try:
            with work_copy(warehouse) as copy, interruptible():
                landed = landing.new_version(landing.folder_for(warehouse)) if files else None
                started = time.perf_counter()
                loaded, manifest = load_while_parsing(
                    copy,
                    files,
                    options.mapping,
                    options.max_bad_share,
                    landed,
                    dbt_options,
                    target,
                    append,
                    project.effective_vars(dbt_vars)["date_formats"],
                )
                for table in loaded:
                    console.detail(
                        f"loaded {table.table:<17} {table.rows:>10,} rows from {table.source}"
                    )
                if loaded:
                    seconds = time.perf_counter() - started
                    rows = sum(table.rows for table in loaded)
                    counted = f"{len(loaded)} raw file{'s' if len(loaded) > 1 else ''}"
                    print(f"loaded {counted}, {rows:,} rows, in {seconds:.1f} s")
                held = history_periods(copy)
                args = dbt_build_args(options, dbt_options)
                started = time.perf_counter()
                results = run_dbt(args, database=copy, target=target, manifest=manifest)
                seconds = time.perf_counter() - started
                print(f"dbt build: {sum(results.values())} nodes in {seconds:.1f} s")
                removed = sorted(held - history_periods(copy))
                tables = quality.summarise(copy)
                if options.strict:
                    quality.check_strict(tables, options.max_quarantine_share)
                summary = {
                    "results": results,
                    "tables": table_rows(copy),
                    "quality": tables,
                    "history_removed": removed,
                    "target": target,
                    "backtest": backtest_line(copy),
                }
                swap(copy, warehouse)
        except BaseException as error:
            if landed is not None:
                landed.discard()
            if interrupted_query(error):
                raise KeyboardInterrupt from None
            raise
        print(
            f"warehouse replaced: {warehouse} (readers connected before this build "
            "still see the previous one, raw tables included; reconnect)"
        )
        return summary


def dbt_build_args(options: BuildOptions, dbt_options: list[str]) -> list[str]:
    """The `dbt build` arguments of a build: a replaced raw table rebuilds the facts in full;
    the seeds' data tests ran before dbt, on the same files (seed_checks)."""
    args = ["build", *dbt_options]
    if options.full_refresh or (options.files and not options.append):
        args.append("--full-refresh")
    if options.threads is not None:
        args += ["--threads", str(options.threads)]
    if options.select or options.exclude:
        args += ["--select", *options.select] if options.select else []
        args += ["--exclude", SEED_TESTS, *(options.exclude or [])]
    else:
        args += ["--selector", BUILD_SELECTOR]
    return args


def load_while_parsing(
    work_copy: Path,
    files: dict[str, Path] | None,
    mapping: dict[str, dict[str, str]],
    max_bad_share: float,
    landed: landing.Landing | None,
    options: list[str],
    target: str,
    append: bool = False,
    date_formats: list[str] | None = None,
) -> tuple[list[load.LoadedTable], Any]:
    """Load the raw files into the work copy while dbt parses the project: (loaded, manifest).

    Parsing needs no warehouse and DuckDB releases the GIL, so the parse costs
    no time of its own. The loading runs in this (the main) thread: DuckDB sees
    a Ctrl-C only there, and stops its query (see `interruptible`). The parse
    runs in a daemon thread: when loading fails it is waited for (dbt runs one
    call at a time in a process), but an interrupted build exits at once,
    without waiting for a full parse (up to a minute on a busy machine).
    """
    parsed: dict[str, Any] = {}

    def parse() -> None:
        try:
            parsed["manifest"] = parse_project(options, database=work_copy, target=target)
        except BaseException as error:  # handed to the main thread below
            parsed["error"] = error

    parsing = threading.Thread(target=parse, name="dbt-parse", daemon=True)
    parsing.start()
    try:
        loaded = (
            load.load_raw(work_copy, files, mapping, max_bad_share, landed, append, date_formats)
            if files
            else []
        )
    except BaseException as error:
        if not (isinstance(error, KeyboardInterrupt) or interrupted_query(error)):
            parsing.join()
        raise
    parsing.join()
    if "error" in parsed:
        raise parsed["error"]
    return loaded, parsed["manifest"]


@contextmanager
def interruptible() -> Iterator[None]:
    """Let Ctrl-C stop the DuckDB query this thread runs (see `interrupted_query`).

    DuckDB looks for a signal between the steps of a query. Under Python's
    default SIGINT handler it noticed a Ctrl-C only when the query ended (19 s
    into a 20 s query); under a handler of ours, at the next step (1 s). Other
    handlers, and other threads, are left as they are.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def interrupted_query(error: BaseException) -> bool:
    """True when DuckDB reports a query stopped by a signal (Ctrl-C, SIGTERM).

    DuckDB turns the KeyboardInterrupt into RuntimeError('Query interrupted'),
    and the loader may wrap that as an unreadable file.
    """
    return any(
        isinstance(cause, duckdb.InterruptException)
        or (type(cause) is RuntimeError and str(cause) == "Query interrupted")
        for cause in causes(error)
    )


HISTORY = "marts.customer_segment_history"


def history_periods(database: Path) -> set[date]:
    """The periods customer_segment_history holds (none before the first build)."""
    if not database.exists():
        return set()
    with duckdb.connect(str(database), read_only=True) as con:
        found = con.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'marts' and table_name = 'customer_segment_history'"
        ).fetchone()[0]
        if not found:
            return set()
        return {
            row[0] for row in con.execute(f"select distinct period_start from {HISTORY}").fetchall()
        }


def table_rows(database: Path) -> list[tuple[str, str, int]]:
    """(schema, table, rows) for every table and view in the summary schemas."""
    con = duckdb.connect(str(database))
    try:
        con.execute("checkpoint")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ? order by table_schema, table_name",
            [list(SUMMARY_SCHEMAS)],
        ).fetchall()
        return [
            (schema, name, con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0])
            for schema, name in tables
        ]
    finally:
        con.close()


def backtest_line(database: Path) -> str | None:
    """One line on the CLV holdout backtest (clv_backtest_summary), None without it."""
    with duckdb.connect(str(database), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'clv_backtest_summary'"
        ).fetchone()[0]
        if not found:
            return None
        row = con.execute(
            "select status, holdout_days, calibration_end_date, predicted_purchases, "
            "actual_purchases, purchases_bias, purchases_mae, naive_purchases_mae, churn_auc, "
            "churn_brier_score, beats_naive from marts.clv_backtest_summary "
            "order by as_of_date desc limit 1"
        ).fetchone()
    if row is None:
        return None
    status, days, calibration_end, predicted, actual, bias, mae, naive, auc, brier, beats = row
    if status != "evaluated":
        return f"CLV backtest: {status}"
    verdict = "beats" if beats else "does NOT beat"
    return (
        f"CLV backtest ({days}-day holdout after {calibration_end}): {predicted:,.0f} purchases "
        f"predicted, {actual:,} made (bias {bias:.2f}); error per customer {mae:.2f} vs "
        f"{naive:.2f} naive: {verdict} the naive baseline; churn AUC {auc:.2f}, Brier "
        f"{brier:.3f} (marts.clv_backtest_summary)"
    )


def print_summary(warehouse: Path, summary: dict[str, Any]) -> None:
    results = summary["results"]
    print()
    print(f"warehouse: {warehouse}")
    for schema, name, rows in summary["tables"]:
        print(f"  {schema + '.' + name:<40} {rows:>10,} rows")
    counts = ", ".join(f"{count} {status}" for status, count in sorted(results.items()))
    print(f"dbt build: {counts} (dbt's full log: {log_file(summary.get('target', 'dev'))})")
    if summary.get("backtest"):
        print(summary["backtest"])
    removed = summary.get("history_removed") or []
    if removed:
        shown = ", ".join(day.isoformat() for day in removed[:3]) + (
            ", ..." if len(removed) > 3 else ""
        )
        print(
            f"history: {len(removed)} period(s) computed from other raw data, rules or period "
            f"length were removed ({shown}); `segments backfill` computes them again"
        )

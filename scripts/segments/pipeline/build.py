"""`segments build`: load raw files and run `dbt build`, all or nothing.

The build works on a copy of the warehouse and swaps it in only when loading
and every dbt node succeed (see `segments.warehouse.file`: the lock, the copy,
the swap, and what readers see). Raw files land in `<warehouse>.raw/` (see
`segments.warehouse.landing`).
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import yaml

from segments.commands import common as options
from segments.core import pii, project, settings
from segments.core.errors import SegmentsError
from segments.engines import spark
from segments.engines.dbt import SEED_TESTS, parse_project, run_dbt
from segments.warehouse import landing, load, quality, seed_checks
from segments.warehouse.file import causes, storage_explained, swap, warehouse_lock, work_copy

SUMMARY_SCHEMAS = ("marts", "audit")
# selectors.yml: the full build but the seeds' data tests (dbt.SEED_TESTS).
BUILD_SELECTOR = "segments_build"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build",
        help="load raw files into the warehouse and run dbt build",
        description=(
            "Load the raw files of --raw-dir into the warehouse's raw schema (replacing it), "
            "then run `dbt build`. The warehouse is replaced only if everything succeeds."
        ),
    )
    parser.add_argument("--raw-dir", type=Path, help="folder of raw files (orders.csv, ...)")
    parser.add_argument(
        "--append",
        action="store_true",
        help=(
            "add the rows of --raw-dir's files to the warehouse's raw tables instead of replacing "
            "them (new days, late rows, corrections: a row sent again replaces its key's); the "
            "incremental facts then process only the new rows"
        ),
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help=(
            "rebuild the incremental facts from every raw row (after changing a rule var, or a "
            "table other than the facts older than var fact_lookback_days); implied when "
            "--raw-dir replaces the raw tables"
        ),
    )
    options.add_target(parser, "to build")
    parser.add_argument("--as-of", dest="as_of", help="compute everything as of this date")
    parser.add_argument(
        "--column-map", type=Path, help="YAML mapping of your column names (see README)"
    )
    parser.add_argument(
        "--vars",
        dest="dbt_vars",
        help="dbt vars as a YAML mapping, e.g. '{rfm_bins: 4}' (see dbt_project.yml)",
    )
    parser.add_argument(
        "--select", nargs="+", help="dbt node selection (default: the whole project)"
    )
    parser.add_argument(
        "--exclude",
        nargs="+",
        help="dbt nodes to leave out, e.g. resource_type:unit_test for a daily run",
    )
    parser.add_argument(
        "--threads",
        type=positive_int,
        help="dbt threads (default: the target's threads in profiles.yml)",
    )
    parser.add_argument(
        "--max-bad-share",
        type=float,
        default=load.DEFAULT_MAX_BAD_SHARE,
        help=(
            "refuse a file when more than this share of a required column is unparseable, "
            "or of its rows hold bytes that are not UTF-8"
        ),
    )
    parser.add_argument(
        "--max-quarantine-share",
        type=float,
        default=quality.DEFAULT_MAX_QUARANTINE_SHARE,
        help="warn when a raw table loses more than this share of its rows to the quarantine",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 5, warehouse unchanged) instead of warning about --max-quarantine-share",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    warehouse = project.warehouse_path(args.target)
    mapping = project.column_mapping(args.column_map)
    dbt_vars = parse_vars(args.dbt_vars)
    if args.column_map is not None:
        dbt_vars["raw_columns"] = mapping
    if args.as_of:
        try:
            dbt_vars["as_of_date"] = date.fromisoformat(args.as_of).isoformat()
        except ValueError:
            raise SegmentsError(
                f"--as-of must be a date like 2025-06-30, got {args.as_of!r}"
            ) from None
    if spark.is_spark(args.target):
        if args.append:
            raise SegmentsError("--append is for a DuckDB warehouse; on Spark, load every file")
        files = load.find_raw_files(args.raw_dir) if args.raw_dir else None
        results = spark.build(files, mapping, dbt_vars, args.max_bad_share, args.target)
        print(f"spark build: {', '.join(f'{n} {s}' for s, n in sorted(results.items()))}")
        return 0
    if args.append and not args.raw_dir:
        raise SegmentsError("--append needs --raw-dir: the folder of the rows to add")
    if args.append and not warehouse.exists():
        raise SegmentsError(f"no warehouse at {warehouse} to append to; build it first")
    files = load.find_raw_files(args.raw_dir, appending=args.append) if args.raw_dir else None
    summary = build(
        warehouse,
        args.target,
        files,
        mapping,
        dbt_vars,
        args.select,
        args.max_bad_share,
        threads=args.threads,
        max_quarantine_share=args.max_quarantine_share,
        strict=args.strict,
        append=args.append,
        full_refresh=args.full_refresh,
        exclude=args.exclude,
    )
    print_summary(warehouse, summary)
    print()
    print("\n".join(quality.report(summary["quality"], args.max_quarantine_share)))
    return 0


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return value


class DatesAsText(yaml.SafeLoader):
    """YAML's safe loader reading dates as text: settings.check_vars checks them, so
    `as_of_date: 2025-02-30` is an error naming the var, not a stack trace."""


DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_vars(text: str | None) -> dict[str, Any]:
    """`--vars` text as a mapping, or a clear error."""
    if not text:
        return {}
    try:
        parsed = yaml.load(text, Loader=DatesAsText)  # a SafeLoader
    except yaml.YAMLError as error:
        raise SegmentsError(f"--vars is not valid YAML: {error}") from error
    if not isinstance(parsed, dict):
        raise SegmentsError(f"--vars must be a mapping like '{{rfm_bins: 4}}', got {text!r}")
    known = project.project_vars()
    if "pii_salt" in parsed:
        raise SegmentsError(
            f"--vars: the PII salt is not a var (vars are written to dbt's artifacts and "
            f"logs); set the environment variable {pii.ENVIRONMENT_VARIABLE}"
        )
    for key in parsed:
        project.check_key(str(key), known, "--vars: unknown var")
    if isinstance(parsed.get("raw_columns"), dict):
        project.check_mapping(parsed["raw_columns"], "--vars raw_columns")
    return parsed


def build(
    warehouse: Path,
    target: str,
    files: dict[str, Path] | None,
    mapping: dict[str, dict[str, str]],
    dbt_vars: dict[str, Any],
    select: list[str] | None = None,
    max_bad_share: float = load.DEFAULT_MAX_BAD_SHARE,
    threads: int | None = None,
    max_quarantine_share: float = quality.DEFAULT_MAX_QUARANTINE_SHARE,
    strict: bool = False,
    append: bool = False,
    full_refresh: bool = False,
    exclude: list[str] | None = None,
) -> dict[str, Any]:
    """Load and build on a copy of the warehouse; swap it in only on success.

    New raw files land as a new version of the landing folder beside the one
    the live warehouse reads (see `segments.warehouse.landing`); the version the live
    warehouse no longer reads is removed after the swap, a failed build's own
    version at once. Files that replace the raw tables rebuild the incremental
    facts in full (their rows are numbered anew); appended files (`append`)
    add to them.
    """
    dbt_vars = settings.check_vars(dbt_vars)
    seed_checks.check_seeds()
    with storage_explained(warehouse), warehouse_lock(warehouse):
        landed = None
        options = ["--target", target]
        if dbt_vars:
            options += ["--vars", json.dumps(dbt_vars)]
        try:
            with work_copy(warehouse) as copy, interruptible():
                landed = landing.new_version(landing.folder_for(warehouse)) if files else None
                started = time.perf_counter()
                loaded, manifest = load_while_parsing(
                    copy,
                    files,
                    mapping,
                    max_bad_share,
                    landed,
                    options,
                    target,
                    append,
                    project.effective_vars(dbt_vars)["date_formats"],
                )
                for table in loaded:
                    print(f"loaded {table.table:<17} {table.rows:>10,} rows from {table.source}")
                if loaded:
                    seconds = time.perf_counter() - started
                    print(f"loaded {len(loaded)} raw files in {seconds:.1f} s")
                args = ["build", *options]
                if full_refresh or (files and not append):
                    args.append("--full-refresh")
                if threads is not None:
                    args += ["--threads", str(threads)]
                # The seeds' data tests ran before dbt, on the same files (seed_checks).
                if select or exclude:
                    args += ["--select", *select] if select else []
                    args += ["--exclude", SEED_TESTS, *(exclude or [])]
                else:
                    args += ["--selector", BUILD_SELECTOR]
                held = history_periods(copy)
                results = run_dbt(args, database=copy, target=target, manifest=manifest)
                removed = sorted(held - history_periods(copy))
                tables = quality.summarise(copy)
                if strict:
                    quality.check_strict(tables, max_quarantine_share)
                summary = {
                    "results": results,
                    "tables": table_rows(copy),
                    "quality": tables,
                    "history_removed": removed,
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


def print_summary(warehouse: Path, summary: dict[str, Any]) -> None:
    results = summary["results"]
    print()
    print(f"warehouse: {warehouse}")
    for schema, name, rows in summary["tables"]:
        print(f"  {schema + '.' + name:<40} {rows:>10,} rows")
    counts = ", ".join(f"{count} {status}" for status, count in sorted(results.items()))
    print(f"dbt build: {counts}")
    removed = summary.get("history_removed") or []
    if removed:
        shown = ", ".join(day.isoformat() for day in removed[:3]) + (
            ", ..." if len(removed) > 3 else ""
        )
        print(
            f"history: {len(removed)} period(s) computed from other raw data, rules or period "
            f"length were removed ({shown}); `segments backfill` computes them again"
        )

"""`segments build`: load raw files and run `dbt build`, all or nothing.

The work happens on a copy of the warehouse in `.warehouse-build/<file name>/`
next to it; only when loading and every dbt node succeed is the copy moved over
the warehouse (an atomic rename). A refused file, a failing test or a killed
process leaves the warehouse as it was; what a killed build left in its work
folder is removed by the next build of the same warehouse. A lock file stops a
second build of the same warehouse from starting while one runs (exit code 3);
builds of other warehouses in the same folder have their own work folders.
Raw files land in `<warehouse>.raw/` (see `segments.landing`).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import yaml

from segments import landing, load, project, quality
from segments.dbt import parse_project, run_dbt
from segments.errors import SegmentsError, WarehouseLockedError

SUMMARY_SCHEMAS = ("marts", "audit")
WORK_DIR_NAME = ".warehouse-build"


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
    parser.add_argument("--target", default="dev", help="dbt target in profiles.yml (dev, ci)")
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
    files = load.find_raw_files(args.raw_dir) if args.raw_dir else None
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


def parse_vars(text: str | None) -> dict[str, Any]:
    """`--vars` text as a mapping, or a clear error."""
    if not text:
        return {}
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SegmentsError(f"--vars is not valid YAML: {error}") from error
    if not isinstance(parsed, dict):
        raise SegmentsError(f"--vars must be a mapping like '{{rfm_bins: 4}}', got {text!r}")
    known = project.project_vars()
    for key in parsed:
        project.check_key(str(key), known, "--vars: unknown var")
    if isinstance(parsed.get("raw_columns"), dict):
        project.check_mapping(parsed["raw_columns"], "--vars raw_columns")
    return parsed


@contextmanager
def warehouse_lock(warehouse: Path) -> Iterator[None]:
    """Hold an exclusive lock on `<warehouse>.lock`; fail fast if another build holds it."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.with_name(warehouse.name + ".lock")
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise WarehouseLockedError(
                f"{warehouse} is being built by {holder}; wait for it to finish "
                f"(lock file {lock_path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


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
) -> dict[str, Any]:
    """Load and build on a copy of the warehouse; swap it in only on success.

    New raw files land as a new version of the landing folder beside the one
    the live warehouse reads (see `segments.landing`); the version the live
    warehouse no longer reads is removed after the swap, a failed build's own
    version at once.
    """
    with warehouse_lock(warehouse):
        work_dir = work_dir_for(warehouse)
        if work_dir.exists():
            print(f"note: removing {work_dir}, left by an interrupted build")
            shutil.rmtree(work_dir, ignore_errors=True)
        landing.remove_unreferenced(warehouse)
        work_dir.mkdir(parents=True, exist_ok=True)
        # Same file name in a sibling folder: DuckDB names the catalog after the
        # file, so views built in the copy still resolve after the move.
        work_copy = work_dir / warehouse.name
        landed = landing.new_version(landing.folder_for(warehouse)) if files else None
        options = ["--target", target]
        if dbt_vars:
            options += ["--vars", json.dumps(dbt_vars)]
        try:
            if warehouse.exists():
                shutil.copy2(warehouse, work_copy)
            # dbt parses the project while DuckDB loads the files (it releases
            # the GIL): the parse costs no time of its own.
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=1) as pool:
                loading = (
                    pool.submit(load.load_raw, work_copy, files, mapping, max_bad_share, landed)
                    if files
                    else None
                )
                manifest = parse_project(options, database=work_copy, target=target)
                loaded = loading.result() if loading else []
            for table in loaded:
                print(f"loaded {table.table:<17} {table.rows:>10,} rows from {table.path.name}")
            if loaded:
                print(f"loaded {len(loaded)} raw files in {time.perf_counter() - started:.1f} s")
            args = ["build", *options]
            if threads is not None:
                args += ["--threads", str(threads)]
            if select:
                args += ["--select", *select]
            results = run_dbt(args, database=work_copy, target=target, manifest=manifest)
            tables = quality.summarise(work_copy)
            if strict:
                quality.check_strict(tables, max_quarantine_share)
            summary = {"results": results, "tables": table_rows(work_copy), "quality": tables}
            os.replace(work_copy, warehouse)
        except BaseException:
            if landed is not None:
                landed.discard()
            raise
        finally:
            shutil.rmtree(work_dir, ignore_errors=True)
            with suppress(OSError):  # only when no other warehouse's build uses it
                work_dir.parent.rmdir()
        landing.remove_unreferenced(warehouse)
        return summary


def work_dir_for(warehouse: Path) -> Path:
    """The folder a build of `warehouse` works in: one per warehouse file."""
    return warehouse.parent / WORK_DIR_NAME / warehouse.name


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

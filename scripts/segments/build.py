"""`segments build`: load raw files and run `dbt build`, all or nothing.

The work happens on a copy of the warehouse in `.warehouse-build/<file name>/`
next to it; only when loading and every dbt node succeed is the copy moved over
the warehouse (an atomic rename). A refused file, a failing test or a killed
process leaves the warehouse as it was; what a killed build left in its work
folder is removed by the next build of the same warehouse. A lock file stops a
second build of the same warehouse from starting while one runs (exit code 3);
builds of other warehouses in the same folder have their own work folders.
Raw files land in `<warehouse>.raw/` (see `segments.landing`).

DuckDB keeps recent writes in a write-ahead log, `<warehouse>.wal`, that only
its own file can replay. A build folds it into the file before copying,
refuses a warehouse another process holds read-write (exit code 3), keeps
writers out until the swap (their writes would be lost with the old file) and
never leaves the old file's log beside the new one. Read-only connections (BI
tools) do not stop a build; they keep the file they opened until they
reconnect. A full disk or a read-only folder is reported as such (exit code 4).
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import yaml

from segments import (
    landing,
    load,
    options,
    pii,
    project,
    quality,
    seed_checks,
    settings,
    spark,
)
from segments.dbt import SEED_TESTS, parse_project, run_dbt
from segments.errors import SegmentsError, StorageError, WarehouseLockedError

SUMMARY_SCHEMAS = ("marts", "audit")
# selectors.yml: the full build but the seeds' data tests (dbt.SEED_TESTS).
BUILD_SELECTOR = "segments_build"
WORK_DIR_NAME = ".warehouse-build"
WAL_SUFFIX = ".wal"
COPY_CHUNK_BYTES = 16 * 1024 * 1024
# DuckDB's words for a lock another process holds on the file, and for a full
# disk or a folder it may not write in (its errors carry no errno).
LOCK_HELD = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
DISK_FULL_WORDS = ("No space left on device", "Disk quota exceeded")
READ_ONLY_WORDS = ("Read-only file system", "Permission denied")
QUOTED_PATH = re.compile(r'"(/[^"]+)"')


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
    append: bool = False,
    full_refresh: bool = False,
    exclude: list[str] | None = None,
) -> dict[str, Any]:
    """Load and build on a copy of the warehouse; swap it in only on success.

    New raw files land as a new version of the landing folder beside the one
    the live warehouse reads (see `segments.landing`); the version the live
    warehouse no longer reads is removed after the swap, a failed build's own
    version at once. Files that replace the raw tables rebuild the incremental
    facts in full (their rows are numbered anew); appended files (`append`)
    add to them.
    """
    dbt_vars = settings.check_vars(dbt_vars)
    seed_checks.check_seeds()
    with storage_explained(warehouse), warehouse_lock(warehouse):
        work_dir = work_dir_for(warehouse)
        if work_dir.exists():
            print(f"note: removing {work_dir}, left by an interrupted build")
            shutil.rmtree(work_dir, ignore_errors=True)
        checkpoint_live(warehouse)
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
            with writers_kept_out(warehouse) as held, interruptible():
                if held is not None:
                    copy_held(held, warehouse, work_copy)
                started = time.perf_counter()
                loaded, manifest = load_while_parsing(
                    work_copy,
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
                held = history_periods(work_copy)
                results = run_dbt(args, database=work_copy, target=target, manifest=manifest)
                removed = sorted(held - history_periods(work_copy))
                tables = quality.summarise(work_copy)
                if strict:
                    quality.check_strict(tables, max_quarantine_share)
                summary = {
                    "results": results,
                    "tables": table_rows(work_copy),
                    "quality": tables,
                    "history_removed": removed,
                }
                swap(work_copy, warehouse)
        except BaseException as error:
            if landed is not None:
                landed.discard()
            if interrupted_query(error):
                raise KeyboardInterrupt from None
            raise
        finally:
            shutil.rmtree(work_dir, ignore_errors=True)
            with suppress(OSError):  # only when no other warehouse's build uses it
                work_dir.parent.rmdir()
        # A writer may hold the new file already; the next build tidies up then.
        with suppress(duckdb.Error):
            landing.remove_unreferenced(warehouse)
        print(
            f"warehouse replaced: {warehouse} (readers connected before this build "
            "still see the previous one; reconnect)"
        )
        return summary


def work_dir_for(warehouse: Path) -> Path:
    """The folder a build of `warehouse` works in: one per warehouse file."""
    return warehouse.parent / WORK_DIR_NAME / warehouse.name


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


def wal_for(database: Path) -> Path:
    """DuckDB's write-ahead log of `database`: `<file>.wal` beside it."""
    return database.with_name(database.name + WAL_SUFFIX)


def checkpoint_live(warehouse: Path) -> None:
    """Fold the warehouse's write-ahead log into its file, so that a copy holds every write.

    A process killed while it held the file read-write (a notebook) leaves a
    log only this file can replay: copied without it, the copy loses those
    writes; left beside a new file, it stops that file from opening. Refuses a
    warehouse another process holds read-write. Readers (read-only, as BI tools
    should connect) let no one checkpoint: the log, if any, then goes with the
    copy (see `copy_held`).
    """
    if not warehouse.exists():
        if wal_for(warehouse).exists():
            raise StorageError(
                f"{wal_for(warehouse)} is a DuckDB write-ahead log without its database file "
                f"{warehouse.name}; restore that file, or move the log away, and build again"
            )
        return
    try:
        con = duckdb.connect(str(warehouse))
    except duckdb.Error as error:
        if LOCK_HELD.search(str(error)) and opens_read_only(warehouse):
            return
        raise unusable(warehouse, error) from None
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def opens_read_only(database: Path) -> bool:
    """True when `database` opens read-only: no other process holds it read-write."""
    try:
        duckdb.connect(str(database), read_only=True).close()
    except duckdb.Error:
        return False
    return True


def unusable(warehouse: Path, error: duckdb.Error) -> SegmentsError:
    """Why the warehouse file cannot be opened read-write, as a clear error."""
    detail = str(error).strip().splitlines()[0]
    if LOCK_HELD.search(detail):
        return WarehouseLockedError(
            f"{warehouse} is open read-write in another process ({lock_holder(detail)}); "
            "close that connection (a notebook, dbt, a BI tool not set to read-only) "
            "and build again"
        )
    if "not a valid DuckDB database file" in detail:
        return StorageError(
            f"{warehouse} is not a DuckDB database file; point DUCKDB_PATH at a warehouse "
            "file, or at a path where none exists yet to start a new one"
        )
    problem = storage_problem(error, warehouse)
    if problem is not None:
        return problem
    hint = ""
    if "WAL" in detail and wal_for(warehouse).exists():
        hint = f"; its write-ahead log {wal_for(warehouse)} does not belong to it: move it away"
    return StorageError(f"cannot open the warehouse {warehouse}: {detail}{hint}")


def lock_holder(message: str) -> str:
    """`PID 4242: python notebook.py`, from DuckDB's lock message (and /proc, if any)."""
    match = LOCK_HELD.search(message)
    if match is None:
        return "another process"
    pid = match["pid"]
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, UnicodeDecodeError):
        command = match["program"]
    command = " ".join(command.split())
    return f"PID {pid}: {command[:80] + '...' if len(command) > 80 else command}"


@contextmanager
def writers_kept_out(warehouse: Path) -> Iterator[int | None]:
    """Hold a shared lock on the warehouse file until the swap: its descriptor (None: no file).

    DuckDB locks the file it opens (shared read-only, exclusive read-write), so
    no process can write to the old file while the build works, where the
    write would be lost with it; readers go on reading. POSIX drops a
    process's locks on a file when any descriptor of the file is closed: the
    build reads the file through this descriptor only.
    """
    if not warehouse.exists():
        yield None
        return
    held = os.open(warehouse, os.O_RDONLY)
    try:
        try:
            fcntl.lockf(held, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raise WarehouseLockedError(
                f"{warehouse} was opened read-write by another process as this build "
                "started; close that connection and build again"
            ) from None
        yield held
    finally:
        os.close(held)


def copy_held(held: int, warehouse: Path, work_copy: Path) -> None:
    """Copy the held warehouse file to the work copy, with its log if readers kept it.

    The kernel copies (copy_file_range: a quarter of the time of reading and
    writing through Python at 1.6 GB); where it cannot, Python does.
    """
    size = os.fstat(held).st_size
    with work_copy.open("wb") as target:
        try:
            copied = 0
            while copied < size:
                step = os.copy_file_range(held, target.fileno(), size - copied, copied, copied)
                if step == 0:
                    break
                copied += step
        except OSError as error:
            if error.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                raise
            target.seek(0)
            target.truncate()
            os.lseek(held, 0, os.SEEK_SET)
            shutil.copyfileobj(os.fdopen(held, "rb", closefd=False), target, COPY_CHUNK_BYTES)
    shutil.copymode(warehouse, work_copy)
    if wal_for(warehouse).exists():
        shutil.copyfile(wal_for(warehouse), wal_for(work_copy))
        fold_wal(work_copy)


def fold_wal(database: Path) -> None:
    """Checkpoint `database` when a write-ahead log lies beside it (DuckDB then removes it)."""
    if wal_for(database).exists():
        con = duckdb.connect(str(database))
        try:
            con.execute("checkpoint")
        finally:
            con.close()


def swap(work_copy: Path, warehouse: Path) -> None:
    """Move the finished work copy over the warehouse, with no log of the old file beside it."""
    fold_wal(work_copy)
    new_file = os.open(work_copy, os.O_RDONLY)
    try:
        # Until the old file's log is gone, a writer opening the new file would
        # find a log it cannot replay: the lock turns it away instead.
        fcntl.lockf(new_file, fcntl.LOCK_SH)
        os.replace(work_copy, warehouse)
        wal_for(warehouse).unlink(missing_ok=True)
    finally:
        os.close(new_file)


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


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and the errors it was raised from or during, innermost last."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


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


@contextmanager
def storage_explained(warehouse: Path) -> Iterator[None]:
    """Report a full disk or a read-only folder as such, whichever step met it.

    The loader reports a DuckDB error while it reads a file as that file's
    fault, dbt as a failed node; a full disk is neither, so the causes of an
    error are searched for it before the error reaches the user.
    """
    try:
        yield
    except (OSError, duckdb.Error, SegmentsError) as error:
        problem = storage_problem(error, warehouse)
        if problem is None:
            raise
        raise problem from error


def storage_problem(error: BaseException, warehouse: Path) -> StorageError | None:
    """A full disk, or a folder of the build that cannot be written, among `error`'s causes."""
    if isinstance(error, (StorageError, WarehouseLockedError)):
        return None
    for cause in causes(error):
        text = str(cause)
        number = cause.errno if isinstance(cause, OSError) else None
        named = cause.filename if isinstance(cause, OSError) else None
        quoted = QUOTED_PATH.search(text)
        path = Path(named) if named else Path(quoted[1]) if quoted else None
        if number in (errno.ENOSPC, errno.EDQUOT) or any(w in text for w in DISK_FULL_WORDS):
            return disk_full(path, warehouse)
        read_only = number in (errno.EROFS, errno.EACCES, errno.EPERM) or any(
            w in text for w in READ_ONLY_WORDS
        )
        if read_only and path is not None and written_by_build(path, warehouse):
            reason = cause.strerror if isinstance(cause, OSError) else text.split(": ")[-1]
            return StorageError(
                f"cannot write in {warehouse.parent} ({reason}): a build writes a lock file, "
                "a copy of the warehouse and its raw files beside it; make the folder "
                "writable or point DUCKDB_PATH at a writable folder"
            )
    return None


def written_by_build(path: Path, warehouse: Path) -> bool:
    """True for a path a build writes: the warehouse, its log, lock, work and raw folders."""
    folders = (work_dir_for(warehouse).parent, landing.folder_for(warehouse))
    files = (warehouse, wal_for(warehouse), warehouse.with_name(warehouse.name + ".lock"))
    return (
        path == warehouse.parent
        or path in files
        or any(path == folder or path.is_relative_to(folder) for folder in folders)
    )


def disk_full(path: Path | None, warehouse: Path) -> StorageError:
    """The error for a full disk met writing `path`: the folder and the room there is.

    What a build writes beside the warehouse is named by the warehouse's folder.
    """
    beside = path is None or path.is_relative_to(warehouse.parent)
    folder = warehouse.parent if beside else path.parent
    existing = next(parent for parent in (folder, *folder.parents) if parent.exists())
    free = shutil.disk_usage(existing).free / 1e6
    size = warehouse.stat().st_size / 1e6 if warehouse.is_file() else 0.0
    copy = f"a copy of the warehouse ({size:,.1f} MB)" if size else "the new warehouse"
    return StorageError(
        f"disk full: the build needs more free space in {folder} ({free:,.1f} MB free "
        f"after clean-up) for {copy} and the raw files as Parquet; the warehouse was "
        "left as it was"
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

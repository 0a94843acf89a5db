"""Run dbt in-process (dbtRunner), one invocation at a time, against a given file."""

from __future__ import annotations

import gc
import json
import os
import re
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from segments.core import console, project
from segments.core.errors import SegmentsError
from segments.engines.dbt_progress import Progress

FAILED_STATUSES = {"error", "fail", "runtime error"}
# The data tests seeds/_seeds.yml gives the seeds: `segments build` runs them on the
# seed files before dbt runs (seed_checks), so its dbt builds leave them out.
SEED_TESTS = "path:seeds/_seeds.yml,resource_type:test"
# How many of a failing test's rows the error message shows.
FAILING_ROWS_SHOWN = 3


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def _interrupts_noted() -> Iterator[list[int]]:
    """Note a Ctrl-C (SIGINT) that arrives while dbt runs.

    dbt catches the KeyboardInterrupt to cancel its queries and may then end with
    an unrelated error (dbt-duckdb: "Connection already closed"); the caller
    raises KeyboardInterrupt again, so the user is told the build was interrupted.
    """
    noted: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return
    previous = signal.getsignal(signal.SIGINT)

    def note(signum: int, frame: object) -> None:
        noted.append(signum)
        if callable(previous):
            previous(signum, frame)
        else:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, note)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous)


def _release_database() -> None:
    """Close the DuckDB database dbt-duckdb keeps open after an invocation.

    dbt-duckdb keeps its connection open between invocations in one process
    (credentials `keep_open`, true by default) and reuses it for the same path.
    `segments build` renames the work copy over the warehouse after dbt ran; an
    open connection follows the renamed file, so the next build in this process
    would load and build straight into the live warehouse and then swap the stale
    copy over it. Closing here makes every invocation open the file anew.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter: nothing of ours is kept open
        return
    with DuckDBConnectionManager._LOCK:
        environment, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if environment is not None:
        environment.close()


def target_path(target: str) -> Path:
    """Where dbt writes its artifacts for `target`: target/, target/<name> for the others."""
    root = project.project_dir()
    return root / "target" if target == "dev" else root / "target" / target


def log_file(target: str) -> Path:
    """dbt's full log (debug level, every node, no colour codes): `logs/dbt.log` under
    the target's folder (`target_path`); dbt rotates it at 10 MB."""
    return target_path(target) / "logs" / "dbt.log"


def output_args(target: str) -> list[str]:
    """dbt's options for what it prints: its full log to `log_file`, and on the console
    nothing when quiet (`Progress` shows the nodes), everything with `-v` (colour codes
    only on a terminal)."""
    # The file's options are given too: dbt otherwise takes the console's for it.
    args = [
        "--log-path",
        str(log_file(target).parent),
        "--log-level-file",
        "debug",
        "--no-use-colors-file",
    ]
    if not console.verbose():
        return [*args, "--log-level", "none", "--no-use-colors"]
    return [*args, "--use-colors" if sys.stdout.isatty() else "--no-use-colors"]


def _invoke(
    args: list[str],
    database: Path,
    target: str,
    manifest: Any = None,
    env: dict[str, str] | None = None,
) -> Any:
    """Invoke `dbt <args>` on `database` (dbtRunner, in this process): its result.

    `env`: more environment variables for the run (profiles.yml reads them).
    """
    from dbt.cli.main import dbtRunner  # imported late: slow, and only needed here

    root = project.project_dir()
    full_args = [
        *args,
        *output_args(target),
        "--project-dir",
        str(root),
        "--profiles-dir",
        str(root),
        "--target-path",
        str(target_path(target)),
    ]
    progress = Progress(" ".join(word for word in args[:2] if not word.startswith("-")))
    with (
        _environment(DUCKDB_PATH=str(database), DBT_PROFILES_DIR=str(root), **(env or {})),
        _interrupts_noted() as interrupts,
    ):
        # dbt's manifest is a large, long-lived object graph: frozen, the garbage
        # collector stops walking it again and again during the build.
        gc.freeze()
        try:
            result = dbtRunner(manifest=manifest, callbacks=[progress]).invoke(full_args)
        finally:
            gc.unfreeze()
            _release_database()
            progress.close()
    if interrupts:
        raise KeyboardInterrupt
    if result.exception is not None:
        why = node_problem(str(result.exception)) or result.exception
        raise SegmentsError(f"dbt {args[0]} could not run: {why} (log: {log_file(target)})")
    return result


def parse_project(args: list[str], database: Path, target: str = "dev") -> Any:
    """`dbt parse` with these options (target, vars): the manifest, for `run_dbt`.

    Parsing needs no warehouse, so `segments build` parses while it loads the
    raw files, and the build then starts at once.
    """
    result = _invoke(["parse", "--quiet", *args], database, target)
    if not result.success:
        raise SegmentsError(f"dbt parse failed: {no_node_failed(result, target)}")
    return result.result


def run_dbt(
    args: list[str],
    database: Path,
    target: str = "dev",
    manifest: Any = None,
    env: dict[str, str] | None = None,
) -> dict[str, int]:
    """Invoke `dbt <args>` on `database`; counts of node statuses, or a clear error.

    With `manifest` (from `parse_project`, same options), dbt does not parse again.
    """
    result = _invoke(args, database, target, manifest, env)
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    for node_result in result.result or []:
        status = str(node_result.status)
        statuses[status] += 1
        if status in FAILED_STATUSES:
            detail = node_problem(node_result.message or "")
            if status == "fail" and node_result.node.resource_type == "test":
                detail += failing_rows(database, node_result.node)
            failures.append(f"{node_result.node.name}: {status} - {detail}")
    if not result.success or failures:
        listed = "\n  ".join(failures[:20]) or no_node_failed(result, target)
        raise SegmentsError(
            f"dbt {args[0]} failed; nothing was changed.\n  {listed}\n"
            f"  dbt's full log: {log_file(target)}"
        )
    return dict(statuses)


# The line of a database error that says what is wrong: "Binder Error: ...".
DATABASE_ERROR = re.compile(r"^[A-Z][A-Za-z ]*(Error|Exception)\b.*:")


def node_problem(message: str) -> str:
    """What went wrong in a node, in one line: dbt's first line (the model and its
    file), then the database's own message line, never the caret under a quoted line.

    dbt's message is its summary, Jinja's call stack ("> in macro ..."), and the
    database's error: its message, maybe hints, and `LINE n: <sql>` with a caret.
    """
    lines = [line.strip() for line in message.splitlines()]
    lines = [line for line in lines if line and not line.startswith(">")]
    if not lines:
        return ""
    database = [line for line in lines[1:] if DATABASE_ERROR.match(line)]
    if database:
        return f"{lines[0]}: {database[-1]}"
    context = [line for line in lines[1:] if line.strip("^ ") and not line.startswith("LINE ")]
    return f"{lines[0]}: {context[-1]}" if context else lines[0]


def no_node_failed(result: Any, target: str = "dev") -> str:
    """Why dbt failed when no node did (a compilation error, a missing var): its error."""
    if result.exception is not None:
        return node_problem(str(result.exception)) or str(result.exception)
    return f"dbt reported no failing node; its log is {log_file(target)}"


def failing_rows(database: Path, node: Any) -> str:
    """The first rows a failing test returned, as `; e.g. key=..., problem=...` ('' if none).

    A test's query returns its offending rows (tier_coverage: each key and what
    is wrong with it); dbt reports only their count, so they are read again
    here, from the DuckDB file the build wrote.
    """
    code = getattr(node, "compiled_code", None)
    if not code or not database.is_file():
        return ""
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            cursor = con.execute(f"select * from ({code}) as failing limit {FAILING_ROWS_SHOWN}")
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
    except duckdb.Error:  # not a DuckDB file (Spark), or a query only dbt can run
        return ""
    shown = "; ".join(
        ", ".join(f"{n}={v}" for n, v in zip(names, row, strict=True)) for row in rows
    )
    return f"; e.g. {shown}" if shown else ""


def source_freshness(
    database: Path, target: str = "dev", dbt_vars: dict[str, Any] | None = None
) -> dict[str, str]:
    """`dbt source freshness` on `database`: the status of each raw table that has a
    freshness column (pass, warn, error; runtime error when the table is missing)."""
    args = ["source", "freshness", "--target", target]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    result = _invoke(args, database, target)
    return {str(row.node.name): str(row.status) for row in result.result or []}


def generate_docs(database: Path, target: str = "dev") -> Path:
    """`dbt docs generate --static` on `database`: the folder of the site."""
    result = _invoke(["docs", "generate", "--static", "--target", target], database, target)
    if not result.success:
        raise SegmentsError(f"dbt docs generate failed: {no_node_failed(result, target)}")
    return target_path(target)


def compile_inline(sql: str, database: Path, target: str = "dev") -> str:
    """`dbt compile --inline`: the SQL with the project's macros expanded."""
    result = _invoke(["compile", "--quiet", "--inline", sql], database, target)
    if not result.success:
        raise SegmentsError(f"dbt compile failed: {no_node_failed(result, target)}")
    return result.result.results[0].node.compiled_code

"""Reliability, faults: a build killed half way (SIGKILL while dbt runs) leaves the
previous warehouse whole and usable and the next build cleans up and succeeds; a
build interrupted with Ctrl-C or SIGTERM, while dbt runs or while the files load,
says so and cleans up; a second build of the same warehouse while one runs fails
fast with a clear message; builds of two warehouses in one folder do not touch
each other's work.

The environment: a write-ahead log left by a killed notebook is folded into the
new warehouse, never left beside it; a warehouse another process holds
read-write is refused, naming it; read-only readers keep the previous warehouse
until they reconnect, and writers are turned away while a build runs; a full
disk (at the copy, while loading, while dbt runs), a read-only folder and a
DUCKDB_PATH that is a directory or not a DuckDB file each end in one clear line
and exit code 4.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segments import cli
from segments.core import project
from segments.pipeline import build
from segments.warehouse import file as warehouse_file
from segments.warehouse import raw_files
from tests.conftest import DemoWarehouse, write
from tests.reliability import (
    SMALL_ORDERS,
    TALLY,
    content_digest,
    copy_warehouse,
    file_sha256,
    query,
)

DBT_STARTED_TIMEOUT = 180  # seconds to wait for dbt to write its first model
FAIL_FAST_SECONDS = 5

# `segments build` whose loading runs DuckDB queries that never end on their own.
ENDLESS_LOADING = """
import sys
from segments import cli
from segments.warehouse import load

def load_table_endlessly(con, *args, **kwargs):
    print("loading", flush=True)
    while True:
        con.execute("select sum(hash(md5(range::varchar))) from range(5000000)").fetchall()

load.load_table = load_table_endlessly
sys.exit(cli.main(sys.argv[1:]))
"""

# A process holding a DuckDB connection: a notebook (read-write, after a write
# of its own) or a BI tool (read-only). It answers SQL sent on its stdin.
CONNECTION_HOLDER = """
import sys
import duckdb

con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read-only")
if sys.argv[2] == "read-write":
    con.execute("create or replace table main.notebook_note as select 42 as answer")
print("ready", flush=True)
for sql in sys.stdin:
    print(con.execute(sql).fetchall()[0][0], flush=True)
"""

# A notebook trying to write to a warehouse: what it was told.
WRITE_ATTEMPT = """
import sys
import duckdb

try:
    duckdb.connect(sys.argv[1]).close()
    print("opened read-write")
except duckdb.Error as error:
    print(error)
"""


def _ctrl_c_as_in_a_terminal() -> None:
    """Let the child take SIGINT as a terminal's Ctrl-C: with its default action.

    A child inherits an ignored SIGINT, and a suite started in the background
    (`make test &`, many CI runners) has it ignored; Python then keeps it
    ignored, as a command run that way should.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class BuildProcess:
    """`segments build` of a warehouse in a child process, its output read line by line.

    `script`, when given, runs instead of `python -m segments.cli` (with the same arguments).
    """

    def __init__(self, warehouse: Path, raw_dir: Path, script: str | None = None) -> None:
        program = ["-c", script] if script else ["-m", "segments.cli"]
        # -v: dbt's node lines, read to see that dbt runs.
        command = [sys.executable, *program, "-v", "build", "--raw-dir", str(raw_dir)]
        self.process = subprocess.Popen(
            [*command, "--target", "ci"],
            env=os.environ | {"DUCKDB_PATH": str(warehouse), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            preexec_fn=_ctrl_c_as_in_a_terminal,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_until_dbt_wrote_a_model(self) -> None:
        """Block until dbt reports a created model: it is running, inside the work copy."""
        self.wait_for(" OK created ", "dbt never started")

    def wait_for(self, text: str, failure: str) -> None:
        """Block until a line of the output holds `text`."""
        deadline = time.monotonic() + DBT_STARTED_TIMEOUT
        while time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                self.seen.append(self.lines.get(timeout=0.2))
                if text in self.seen[-1]:
                    return
        raise AssertionError(f"{failure}:\n" + "".join(self.seen))

    def stop(self, signum: int) -> int:
        assert self.process.poll() is None, "the build ended before it could be stopped"
        os.kill(self.process.pid, signum)
        returncode = self.process.wait(timeout=60)
        time.sleep(0.2)  # let the reader drain the last lines
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return returncode

    def output(self) -> str:
        """What the build printed. A process stopped inside DuckDB may have the Python
        binding report objects it still held at exit ("nanobind: leaked ..."), after the
        build's own last line: that report is the interpreter's, not the build's."""
        text = "".join(self.seen)
        return text.split("nanobind: leaked", 1)[0]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@dataclass(frozen=True)
class StoppedBuild:
    warehouse: Path
    raw_dir: Path
    digest_before: dict[str, str]
    sha256_before: str
    pid: int
    returncode: int
    work_dir_left: bool
    output: str
    second_exit_code: int = 0
    second_seconds: float = 0.0
    second_stderr: str = ""


def _second_build(warehouse: Path, raw_dir: Path) -> tuple[int, float, str]:
    """Exit code, seconds and stderr of `segments build` run here, in this process."""
    stderr = io.StringIO()
    began = time.monotonic()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(stderr):
        patch.setenv("DUCKDB_PATH", str(warehouse))
        code = cli.main(["build", "--raw-dir", str(raw_dir), "--target", "ci"])
    return code, time.monotonic() - began, stderr.getvalue()


def _stopped_build(
    demo: DemoWarehouse, root: Path, signum: int, try_a_second_build: bool
) -> StoppedBuild:
    """GIVEN a copy of a built warehouse WHEN a build of it runs as a process and is
    stopped by `signum` while dbt writes models (after a second build was tried)."""
    warehouse = copy_warehouse(demo.path, root / "warehouse.duckdb")
    digest_before, sha256_before = content_digest(warehouse), file_sha256(warehouse)
    raw_dir = write(root / "raw" / "orders.csv", SMALL_ORDERS).parent
    child = BuildProcess(warehouse, raw_dir)
    try:
        child.wait_until_dbt_wrote_a_model()
        assert warehouse_file.work_dir_for(warehouse).is_dir()
        second = _second_build(warehouse, raw_dir) if try_a_second_build else (0, 0.0, "")
        returncode = child.stop(signum)
    finally:
        child.close()
    return StoppedBuild(
        warehouse,
        raw_dir,
        digest_before,
        sha256_before,
        child.process.pid,
        returncode,
        warehouse_file.work_dir_for(warehouse).exists(),
        child.output(),
        *second,
    )


@pytest.fixture(scope="module")
def killed_build(
    demo_warehouse: DemoWarehouse, tmp_path_factory: pytest.TempPathFactory
) -> StoppedBuild:
    """A build killed with SIGKILL mid-dbt, a second build tried while it ran."""
    root = tmp_path_factory.mktemp("killed")
    return _stopped_build(demo_warehouse, root, signal.SIGKILL, try_a_second_build=True)


def test_second_build_while_one_runs_fails_fast_with_a_lock_message(
    killed_build: StoppedBuild,
) -> None:
    # THEN the second build stopped at once, exit code 3, naming who holds the lock
    assert killed_build.second_exit_code == 3
    assert killed_build.second_seconds < FAIL_FAST_SECONDS
    assert killed_build.second_stderr.startswith(
        f"error: {killed_build.warehouse} is being built by pid {killed_build.pid}; "
        "wait for it to finish"
    )
    TALLY.faults_survived += 1


def test_killed_build_leaves_the_previous_warehouse_whole_and_usable(
    killed_build: StoppedBuild,
) -> None:
    # THEN the process died by SIGKILL mid-build: its work folder is still there
    assert killed_build.returncode == -signal.SIGKILL
    assert killed_build.work_dir_left
    # AND the warehouse is the previous one, bytes and content, and answers queries
    assert file_sha256(killed_build.warehouse) == killed_build.sha256_before
    assert content_digest(killed_build.warehouse) == killed_build.digest_before
    assert query(killed_build.warehouse, "select count(*) from marts.orders")[0][0] > 1000
    TALLY.faults_survived += 1


def test_next_build_after_a_kill_cleans_up_and_succeeds(
    killed_build: StoppedBuild, capsys: pytest.CaptureFixture[str]
) -> None:
    # WHEN the next build of the same warehouse runs
    files = raw_files.find(killed_build.raw_dir)
    build.build(
        build.BuildOptions(killed_build.warehouse, "ci", files, project.column_mapping(), {})
    )
    # THEN it removed the killed build's leftovers, and the warehouse holds the new data
    out = capsys.readouterr().out
    left = warehouse_file.work_dir_for(killed_build.warehouse)
    assert f"note: removing {left}, left by an" in out
    assert not (killed_build.warehouse.parent / warehouse_file.WORK_DIR_NAME).exists()
    orders = query(killed_build.warehouse, "select order_id from marts.orders order by 1")
    assert orders == [("F1",), ("F2",), ("F3",)]


def test_interrupted_build_says_so_cleans_up_and_keeps_the_warehouse(
    demo_warehouse: DemoWarehouse, tmp_path: Path
) -> None:
    # GIVEN a build interrupted with Ctrl-C (SIGINT) while dbt writes models
    stopped = _stopped_build(demo_warehouse, tmp_path, signal.SIGINT, try_a_second_build=False)
    # THEN it exits 130 saying it was interrupted, and leaves no work folder
    assert stopped.returncode == 130
    assert stopped.output.rstrip().endswith("interrupted")
    assert not stopped.work_dir_left
    assert not (tmp_path / warehouse_file.WORK_DIR_NAME).exists()
    # AND the warehouse is the previous one
    assert file_sha256(stopped.warehouse) == stopped.sha256_before
    assert content_digest(stopped.warehouse) == stopped.digest_before
    TALLY.faults_survived += 1


def test_builds_of_two_warehouses_in_one_folder_keep_their_own_work_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN warehouse A being built: its lock held and its work copy in place
    first = tmp_path / "first.duckdb"
    work_copy = warehouse_file.work_dir_for(first) / first.name
    work_copy.parent.mkdir(parents=True)
    work_copy.write_bytes(b"build in progress")
    with (tmp_path / "first.duckdb.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # WHEN warehouse B of the same folder is built (its file refused at load)
        raw_dir = write(tmp_path / "raw" / "orders.csv", "order_id\n").parent
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DUCKDB_PATH", str(tmp_path / "second.duckdb"))
            code = cli.main(["build", "--raw-dir", str(raw_dir), "--target", "ci"])
        # THEN B failed on its own file, and A's work copy was not touched
        assert code == 2
        assert "orders.csv: required column 'customer_id' is missing" in capsys.readouterr().err
        assert work_copy.read_bytes() == b"build in progress"
        assert not warehouse_file.work_dir_for(tmp_path / "second.duckdb").exists()
    TALLY.faults_survived += 1


def test_terminated_build_says_so_cleans_up_and_keeps_the_warehouse(
    demo_warehouse: DemoWarehouse, tmp_path: Path
) -> None:
    # GIVEN a build stopped with SIGTERM (a service manager, `kill`) while dbt writes models
    stopped = _stopped_build(demo_warehouse, tmp_path, signal.SIGTERM, try_a_second_build=False)
    # THEN it exits 143 saying it was terminated last (dbt logs the interrupt with its
    # stack), and leaves no work folder
    assert stopped.returncode == 143
    assert stopped.output.rstrip().endswith("terminated")
    assert not stopped.work_dir_left
    # AND the warehouse is the previous one
    assert file_sha256(stopped.warehouse) == stopped.sha256_before
    TALLY.faults_survived += 1


@pytest.mark.parametrize(
    ("signum", "exit_code", "last_line"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_build_stopped_while_loading_says_so_cleans_up_and_keeps_the_warehouse(
    demo_warehouse: DemoWarehouse, tmp_path: Path, signum: int, exit_code: int, last_line: str
) -> None:
    # GIVEN a build whose loading runs DuckDB queries that would never end on their own
    warehouse = copy_warehouse(demo_warehouse.path, tmp_path / "warehouse.duckdb")
    sha256_before = file_sha256(warehouse)
    raw_dir = write(tmp_path / "raw" / "orders.csv", SMALL_ORDERS).parent
    child = BuildProcess(warehouse, raw_dir, script=ENDLESS_LOADING)
    try:
        child.wait_for("loading", "the build never started loading")
        time.sleep(0.5)  # inside DuckDB's queries
        # WHEN it is stopped with Ctrl-C or SIGTERM
        returncode = child.stop(signum)
    finally:
        child.close()
    # THEN DuckDB stopped, and the build said so in one line, with its exit code
    assert returncode == exit_code
    assert child.output().rstrip().endswith(last_line)
    assert "Traceback" not in child.output()
    # AND it left no work folder, and the warehouse as it was
    assert not (tmp_path / warehouse_file.WORK_DIR_NAME).exists()
    assert file_sha256(warehouse) == sha256_before
    TALLY.faults_survived += 1


class HeldConnection:
    """A DuckDB connection held by another process: a notebook or a BI tool."""

    def __init__(self, database: Path, mode: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", CONNECTION_HOLDER, str(database), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stdin is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        assert self.stdout.readline() == "ready\n"

    def scalar(self, sql: str) -> str:
        """The first value `sql` returns on this connection, as text."""
        self.stdin.write(sql + "\n")
        self.stdin.flush()
        return self.stdout.readline().strip()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def __enter__(self) -> HeldConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.kill()


def _build_in_process(warehouse: Path, raw_dir: Path) -> int:
    """Exit code of `segments build --raw-dir raw_dir` of `warehouse`, run in this process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUCKDB_PATH", str(warehouse))
        return cli.main(["build", "--raw-dir", str(raw_dir), "--target", "ci"])


def _killed_notebook_left_a_log(demo: DemoWarehouse, root: Path) -> Path:
    """GIVEN a copy of a built warehouse and a notebook killed (SIGKILL) while it held
    the file read-write, after a write: DuckDB's write-ahead log is left beside it."""
    warehouse = copy_warehouse(demo.path, root / "warehouse.duckdb")
    HeldConnection(warehouse, "read-write").kill()
    assert warehouse_file.wal_for(warehouse).exists()
    return warehouse


def test_leftover_log_of_a_killed_notebook_goes_into_the_new_warehouse(
    demo_warehouse: DemoWarehouse,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warehouse = _killed_notebook_left_a_log(demo_warehouse, tmp_path)
    raw_dir = write(tmp_path / "raw" / "orders.csv", SMALL_ORDERS).parent
    # AND a notebook that tries to write to the warehouse while dbt builds the copy
    attempts: list[str] = []
    real_run_dbt = build.run_dbt

    def run_dbt_while_a_notebook_tries_to_write(*args: Any, **kwargs: Any) -> dict[str, int]:
        attempt = [sys.executable, "-c", WRITE_ATTEMPT, str(warehouse)]
        attempts.append(subprocess.run(attempt, capture_output=True, text=True).stdout)
        return real_run_dbt(*args, **kwargs)

    monkeypatch.setattr(build, "run_dbt", run_dbt_while_a_notebook_tries_to_write)
    # WHEN the warehouse is built
    code = _build_in_process(warehouse, raw_dir)
    # THEN the build succeeded and said the warehouse was replaced
    assert code == 0, capsys.readouterr().err
    assert f"warehouse replaced: {warehouse} (readers connected before" in capsys.readouterr().out
    # AND the new warehouse opens with the new data and the notebook's write, no log beside it
    assert not warehouse_file.wal_for(warehouse).exists()
    assert query(warehouse, "select order_id from marts.orders order by 1") == [
        ("F1",),
        ("F2",),
        ("F3",),
    ]
    assert query(warehouse, "select answer from main.notebook_note") == [(42,)]
    # AND the notebook was turned away while the build ran, told which process holds the file
    assert len(attempts) == 1
    assert "Conflicting lock is held" in attempts[0]
    assert f"(PID {os.getpid()})" in attempts[0]
    TALLY.faults_survived += 1


def test_readers_keep_the_previous_warehouse_until_they_reconnect(
    demo_warehouse: DemoWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = _killed_notebook_left_a_log(demo_warehouse, tmp_path)
    raw_dir = write(tmp_path / "raw" / "orders.csv", SMALL_ORDERS).parent
    # AND a BI tool connected read-only (so no one can fold the log into the file)
    with HeldConnection(warehouse, "read-only") as reader:
        orders_before = int(reader.scalar("select count(*) from marts.orders"))
        assert orders_before > 1000
        # WHEN the warehouse is built
        code = _build_in_process(warehouse, raw_dir)
        # THEN the build succeeded; the reader still sees the previous warehouse
        assert code == 0, capsys.readouterr().err
        assert int(reader.scalar("select count(*) from marts.orders")) == orders_before
        # AND a new connection sees the new one, with the notebook's write, no log beside it
        assert query(warehouse, "select count(*) from marts.orders") == [(3,)]
        assert query(warehouse, "select answer from main.notebook_note") == [(42,)]
        assert not warehouse_file.wal_for(warehouse).exists()
    TALLY.faults_survived += 1


def test_build_refuses_a_warehouse_another_process_holds_read_write(
    demo_warehouse: DemoWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a notebook holding the warehouse open read-write, with a write in its log
    warehouse = copy_warehouse(demo_warehouse.path, tmp_path / "warehouse.duckdb")
    raw_dir = write(tmp_path / "raw" / "orders.csv", SMALL_ORDERS).parent
    with HeldConnection(warehouse, "read-write") as notebook:
        sha256_before = file_sha256(warehouse)
        # WHEN the warehouse is built
        began = time.monotonic()
        code = _build_in_process(warehouse, raw_dir)
        seconds = time.monotonic() - began
        # THEN the build stopped at once, exit code 3, naming the process that holds it
        err = capsys.readouterr().err
        assert code == 3
        assert seconds < FAIL_FAST_SECONDS
        assert err.startswith(
            f"error: {warehouse} is open read-write in another process "
            f"(PID {notebook.process.pid}: "
        )
        assert len(err.splitlines()) == 1
        # AND the warehouse and the notebook's log are untouched, no work folder left
        assert file_sha256(warehouse) == sha256_before
        assert warehouse_file.wal_for(warehouse).exists()
        assert not (tmp_path / warehouse_file.WORK_DIR_NAME).exists()
        assert notebook.scalar("select answer from main.notebook_note") == "42"
    TALLY.faults_survived += 1


@contextlib.contextmanager
def small_filesystem(folder: Path, kilobytes: int) -> Iterator[Path]:
    """A tmpfs of `kilobytes` mounted at `folder`, to fill up.

    Mounting needs root (CAP_SYS_ADMIN); the test is skipped where it is not allowed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command to make a small filesystem")
    mount = ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(folder)]
    mounted = subprocess.run(mount, capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


def _random_orders(path: Path, rows: int) -> Path:
    """An orders CSV of random ids and amounts: its Parquet hardly compresses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    duckdb.sql(
        "copy (select md5(range::varchar) as order_id, md5((range % 997)::varchar) as customer_id,"
        " '2024-01-05T10:00:00Z' as ordered_at, (random() * 1000)::decimal(10, 2) as amount,"
        f" 'completed' as status, 'USD' as currency from range({rows}))"
        f" to '{path}' (header)"
    )
    return path


def _assert_disk_full_reported(code: int, err: str, folder: Path) -> None:
    # THEN one clear line, exit code 4, naming the folder short of space, blaming no file
    assert code == 4
    assert err.startswith(f"error: disk full: the build needs more free space in {folder} (")
    assert len(err.splitlines()) == 1
    assert "cannot be read" not in err
    assert "Traceback" not in err


def test_disk_full_at_the_copy_keeps_the_warehouse(
    demo_warehouse: DemoWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a warehouse on a disk with room for it but not for its copy
    size_kb = demo_warehouse.path.stat().st_size // 1024 + 1024
    with small_filesystem(tmp_path / "disk", size_kb) as disk:
        warehouse = copy_warehouse(demo_warehouse.path, disk / "warehouse.duckdb")
        sha256_before = file_sha256(warehouse)
        raw_dir = write(tmp_path / "raw" / "orders.csv", SMALL_ORDERS).parent
        # WHEN it is built
        code = _build_in_process(warehouse, raw_dir)
        _assert_disk_full_reported(code, capsys.readouterr().err, disk)
        # AND the warehouse is as it was, the copy removed
        assert file_sha256(warehouse) == sha256_before
        assert not (disk / warehouse_file.WORK_DIR_NAME).exists()
    TALLY.faults_survived += 1


def test_disk_full_while_loading_is_not_blamed_on_the_input_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a new warehouse on a 1 MB disk and an orders file whose Parquet is larger
    raw_dir = _random_orders(tmp_path / "raw" / "orders.csv", 100_000).parent
    with small_filesystem(tmp_path / "disk", 1024) as disk:
        # WHEN it is built: DuckDB fails writing the landing file, which the
        # loader would report as an unreadable orders file
        code = _build_in_process(disk / "warehouse.duckdb", raw_dir)
        _assert_disk_full_reported(code, capsys.readouterr().err, disk)
        assert not (disk / "warehouse.duckdb").exists()
        assert not (disk / warehouse_file.WORK_DIR_NAME).exists()
    TALLY.faults_survived += 1


def test_disk_full_while_dbt_builds_is_reported_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a new warehouse on a 2 MB disk: room for the raw files, not for the marts
    raw_dir = write(tmp_path / "raw" / "orders.csv", SMALL_ORDERS).parent
    with small_filesystem(tmp_path / "disk", 2048) as disk:
        # WHEN it is built
        code = _build_in_process(disk / "warehouse.duckdb", raw_dir)
        captured = capsys.readouterr()
        # THEN the files loaded, dbt's models failed, and the build said the disk is full
        assert "loaded 1 raw file, " in captured.out
        _assert_disk_full_reported(code, captured.err, disk)
        assert not (disk / "warehouse.duckdb").exists()
    TALLY.faults_survived += 1


@contextlib.contextmanager
def read_only_folder(folder: Path, warehouse: Path) -> Iterator[Path]:
    """`folder` holding a copy of `warehouse`, then made read-only: its copy.

    Root ignores permissions, so for root the folder is a small filesystem
    remounted read-only; for anyone else, chmod 555.
    """
    if os.geteuid() != 0:
        copy = copy_warehouse(warehouse, folder / warehouse.name)
        folder.chmod(0o555)
        try:
            yield copy
        finally:
            folder.chmod(0o755)
        return
    with small_filesystem(folder, warehouse.stat().st_size // 1024 + 1024):
        copy = copy_warehouse(warehouse, folder / warehouse.name)
        remount = ["mount", "-o", "remount,ro", str(folder)]
        remounted = subprocess.run(remount, capture_output=True, text=True)
        if remounted.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remounted.stderr.strip()}")
        yield copy


def test_read_only_folder_is_reported_as_such(
    demo_warehouse: DemoWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a warehouse in a folder no one may write in
    raw_dir = write(tmp_path / "raw" / "orders.csv", SMALL_ORDERS).parent
    with read_only_folder(tmp_path / "shared", demo_warehouse.path) as warehouse:
        sha256_before = file_sha256(warehouse)
        # WHEN it is built
        code = _build_in_process(warehouse, raw_dir)
        # THEN one clear line and exit code 4, naming the folder; the warehouse as it was
        err = capsys.readouterr().err
        assert code == 4
        assert err.startswith(f"error: cannot write in {warehouse.parent} (")
        assert len(err.splitlines()) == 1
        assert file_sha256(warehouse) == sha256_before
    TALLY.faults_survived += 1


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        (None, "is a directory; DUCKDB_PATH names the DuckDB file"),
        (b"order_id,customer_id\n", "is not a DuckDB database file"),
        (b"", "is not a DuckDB database file"),
    ],
    ids=["directory", "csv-file", "empty-file"],
)
def test_duckdb_path_that_is_no_duckdb_file_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], contents: bytes | None, message: str
) -> None:
    # GIVEN DUCKDB_PATH naming a directory, or a file that is not a DuckDB database
    path = tmp_path / "warehouse.duckdb"
    if contents is None:
        path.mkdir()
    else:
        path.write_bytes(contents)
    raw_dir = write(tmp_path / "raw" / "orders.csv", SMALL_ORDERS).parent
    # WHEN it is built
    code = _build_in_process(path, raw_dir)
    # THEN one clear line and exit code 4; the path is left as it was
    err = capsys.readouterr().err
    assert code == 4
    assert err.startswith(f"error: {path}") or err.startswith(f"error: the warehouse path {path}")
    assert message in err
    assert len(err.splitlines()) == 1
    assert path.is_dir() if contents is None else path.read_bytes() == contents
    assert not (tmp_path / warehouse_file.WORK_DIR_NAME).exists()
    TALLY.faults_survived += 1

"""Reliability, faults: a build killed half way (SIGKILL while dbt runs) leaves the
previous warehouse whole and usable and the next build cleans up and succeeds; a
build interrupted with Ctrl-C says so and cleans up; a second build of the same
warehouse while one runs fails fast with a clear message; builds of two
warehouses in one folder do not touch each other's work."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from segments import build, cli, load, project
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


class BuildProcess:
    """`segments build` of a warehouse in a child process, its output read line by line."""

    def __init__(self, warehouse: Path, raw_dir: Path) -> None:
        command = [sys.executable, "-m", "segments.cli", "build", "--raw-dir", str(raw_dir)]
        self.process = subprocess.Popen(
            [*command, "--target", "ci"],
            env=os.environ | {"DUCKDB_PATH": str(warehouse), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
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
        deadline = time.monotonic() + DBT_STARTED_TIMEOUT
        while time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                self.seen.append(self.lines.get(timeout=0.2))
                if " OK created " in self.seen[-1]:
                    return
        raise AssertionError("dbt never started:\n" + "".join(self.seen))

    def stop(self, signum: int) -> int:
        assert self.process.poll() is None, "the build ended before it could be stopped"
        os.kill(self.process.pid, signum)
        returncode = self.process.wait(timeout=60)
        time.sleep(0.2)  # let the reader drain the last lines
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return returncode

    def output(self) -> str:
        return "".join(self.seen)

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
        assert build.work_dir_for(warehouse).is_dir()
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
        build.work_dir_for(warehouse).exists(),
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
    files = load.find_raw_files(killed_build.raw_dir)
    build.build(killed_build.warehouse, "ci", files, project.column_mapping(), {})
    # THEN it removed the killed build's leftovers, and the warehouse holds the new data
    out = capsys.readouterr().out
    assert f"note: removing {build.work_dir_for(killed_build.warehouse)}, left by an" in out
    assert not (killed_build.warehouse.parent / build.WORK_DIR_NAME).exists()
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
    assert not (tmp_path / build.WORK_DIR_NAME).exists()
    # AND the warehouse is the previous one
    assert file_sha256(stopped.warehouse) == stopped.sha256_before
    assert content_digest(stopped.warehouse) == stopped.digest_before
    TALLY.faults_survived += 1


def test_builds_of_two_warehouses_in_one_folder_keep_their_own_work_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN warehouse A being built: its lock held and its work copy in place
    first = tmp_path / "first.duckdb"
    work_copy = build.work_dir_for(first) / first.name
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
        assert not build.work_dir_for(tmp_path / "second.duckdb").exists()
    TALLY.faults_survived += 1

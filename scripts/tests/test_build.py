"""`segments build` end to end: dirty rows accounted for, failures change nothing."""

from __future__ import annotations

import errno
import fcntl
import hashlib
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.core import project
from segments.core.errors import InputFileError, SegmentsError, StorageError, WarehouseLockedError
from segments.pipeline import build
from segments.warehouse import file as warehouse_file
from segments.warehouse import raw_files
from tests.conftest import DemoWarehouse, write


def query(database: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_injected_dirty_row_is_quarantined_with_its_reason(
    demo_warehouse: DemoWarehouse,
) -> None:
    # WHEN the quarantine is counted per table and reason
    rows = query(
        demo_warehouse.path,
        "select source_table, disposition, reason_code, count(*) from audit.quarantined_rows "
        "group by all",
    )
    found: dict[str, dict[str, dict[str, int]]] = {"rejected": {}, "repaired": {}}
    for source_table, disposition, reason, count in rows:
        table = source_table.split(".")[1]
        found[disposition].setdefault(table, {})[reason] = count
    # THEN it is exactly what the generator says it injected, reason by reason
    manifest = demo_warehouse.manifest
    expected_rejected = {t: r for t, r in manifest["quarantined"].items() if r}
    expected_repaired = {t: r for t, r in manifest["repaired"].items() if r}
    assert found["rejected"] == expected_rejected
    assert found["repaired"] == expected_repaired


def test_duplicates_are_merged_and_every_raw_row_is_accounted_for(
    demo_warehouse: DemoWarehouse,
) -> None:
    # GIVEN the reconciliation (its identity raw = clean + rejected + duplicates is a
    # dbt test) THEN its counts are the generator's, an independent tally
    rows = query(
        demo_warehouse.path,
        "select source_table, raw_rows, rejected_rows, duplicate_rows "
        "from audit.row_reconciliation",
    )
    manifest = demo_warehouse.manifest
    for source_table, raw_rows, rejected_rows, duplicate_rows in rows:
        table = source_table.split(".")[1]
        assert raw_rows == manifest["tables"][table]["rows"], table
        assert duplicate_rows == manifest["duplicates"].get(table, 0), table
        assert rejected_rows == sum(manifest["quarantined"].get(table, {}).values()), table


def test_refused_file_leaves_the_warehouse_as_it_was(
    demo_warehouse: DemoWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a built warehouse and a raw folder whose orders lack a required column
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(demo_warehouse.path.read_bytes())
    before = digest(warehouse)
    write(tmp_path / "bad" / "orders.csv", "order_id,customer_id,amount\no1,c1,10\n")
    # WHEN segments build runs on it
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUCKDB_PATH", str(warehouse))
        code = cli.main(["build", "--raw-dir", str(tmp_path / "bad"), "--target", "ci"])
    # THEN it exits non-zero with the problem named, and the warehouse is untouched
    assert code == 2
    assert "orders.csv: required column 'ordered_at' is missing" in capsys.readouterr().err
    assert digest(warehouse) == before
    assert not (tmp_path / ".warehouse-build").exists()


def test_second_build_fails_fast_while_one_holds_the_lock(tmp_path: Path, orders_dir: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with (tmp_path / "warehouse.duckdb.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(WarehouseLockedError, match="is being built by"):
            build.build(
                build.BuildOptions(
                    warehouse,
                    "ci",
                    raw_files.find(orders_dir),
                    project.column_mapping(),
                    {},
                )
            )
    assert not warehouse.exists()


def raised_from(error: BaseException, cause: BaseException) -> BaseException:
    error.__cause__ = cause
    return error


FULL_DISK_WAL = 'IO Error: Could not write file "{folder}/w.duckdb.wal": No space left on device'


@pytest.mark.parametrize(
    "make_error",
    [
        lambda folder: OSError(errno.ENOSPC, "No space left on device"),
        lambda folder: duckdb.IOException(FULL_DISK_WAL.format(folder=folder)),
        lambda folder: raised_from(
            InputFileError("orders.csv: cannot be read as orders data: IO Error: ..."),
            duckdb.IOException(FULL_DISK_WAL.format(folder=folder)),
        ),
        lambda folder: SegmentsError(
            "dbt build failed; nothing was changed.\n  base_shop__orders: error - Runtime "
            "Error in model base_shop__orders: " + FULL_DISK_WAL.format(folder=folder)
        ),
    ],
    ids=["copy", "duckdb", "loader", "dbt"],
)
def test_a_full_disk_is_reported_as_such_whichever_step_met_it(
    tmp_path: Path, make_error: Callable[[Path], BaseException]
) -> None:
    # GIVEN the error a full disk raises at the copy, in DuckDB, through the loader or dbt
    warehouse = tmp_path / "w.duckdb"
    # WHEN it leaves a build
    with pytest.raises(StorageError) as raised, warehouse_file.storage_explained(warehouse):
        raise make_error(tmp_path / warehouse_file.WORK_DIR_NAME / "w.duckdb")
    # THEN it says the disk is full, naming the warehouse's folder, and blames no file
    assert str(raised.value).startswith(
        f"disk full: the build needs more free space in {tmp_path} ("
    )
    assert raised.value.exit_code == 4


def test_input_file_errors_are_left_to_the_loader(tmp_path: Path) -> None:
    # GIVEN an unreadable input file outside the warehouse's folder, and a bad file
    warehouse = tmp_path / "warehouse" / "w.duckdb"
    unreadable = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "orders.csv"))
    refused = InputFileError("orders.csv: required column 'ordered_at' is missing")
    # THEN neither is taken for a disk or folder problem
    assert warehouse_file.storage_problem(unreadable, warehouse) is None
    assert warehouse_file.storage_problem(refused, warehouse) is None


def test_lock_holder_names_the_process_from_duckdbs_message() -> None:
    message = (
        'IO Error: Could not set lock on file "/w.duckdb": Conflicting lock is held in '
        "/usr/bin/python3.11 (PID 999999999). See also https://duckdb.org/docs"
    )
    assert warehouse_file.lock_holder(message) == "PID 999999999: /usr/bin/python3.11"
    assert warehouse_file.lock_holder("IO Error: something else") == "another process"


def test_write_ahead_log_without_its_database_is_refused(tmp_path: Path, orders_dir: Path) -> None:
    # GIVEN a DuckDB write-ahead log whose database file is gone
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse_file.wal_for(warehouse).write_bytes(b"log of a deleted database")
    # WHEN the warehouse is built THEN the build refuses, and leaves the log
    with pytest.raises(StorageError, match="write-ahead log without its database file"):
        build.build(
            build.BuildOptions(
                warehouse, "ci", raw_files.find(orders_dir), project.column_mapping(), {}
            )
        )
    assert warehouse_file.wal_for(warehouse).read_bytes() == b"log of a deleted database"
    assert not warehouse.exists()

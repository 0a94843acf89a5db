"""`segments build` end to end: dirty rows accounted for, failures change nothing."""

from __future__ import annotations

import fcntl
import hashlib
from pathlib import Path

import duckdb
import pytest

from segments import build, cli, load, project
from segments.errors import WarehouseLockedError
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
    rows = query(
        demo_warehouse.path,
        "select source_table, raw_rows, clean_rows, rejected_rows, duplicate_rows "
        "from audit.row_reconciliation",
    )
    manifest = demo_warehouse.manifest
    for source_table, raw_rows, clean_rows, rejected_rows, duplicate_rows in rows:
        table = source_table.split(".")[1]
        assert raw_rows == manifest["tables"][table]["rows"], table
        assert duplicate_rows == manifest["duplicates"].get(table, 0), table
        assert raw_rows == clean_rows + rejected_rows + duplicate_rows, table


def test_no_pii_in_clear_outside_staging(demo_warehouse: DemoWarehouse) -> None:
    # GIVEN the raw emails WHEN every non-raw, non-staging text column is searched
    emails = {
        row[0]
        for row in query(demo_warehouse.path, "select lower(trim(email)) from raw.customers")
        if row[0] and "@" in row[0]
    }
    columns = query(
        demo_warehouse.path,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema not in ('raw', 'staging') and data_type = 'VARCHAR'",
    )
    # THEN no email appears in clear anywhere downstream
    for schema, table, column in columns:
        values = query(demo_warehouse.path, f'select distinct "{column}" from {schema}.{table}')
        leaked = [value for (value,) in values if value and any(e in value for e in emails)]
        assert not leaked, f"{schema}.{table}.{column} holds clear emails: {leaked[:3]}"


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
                warehouse, "ci", load.find_raw_files(orders_dir), project.column_mapping(), {}
            )
    assert not warehouse.exists()

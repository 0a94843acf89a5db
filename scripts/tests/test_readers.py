"""The warehouse beside real readers: a BI tool connected before a build
or a backfill keeps reading the previous warehouse, raw tables included, and is never
refused; a warehouse moved with its landing folder works with every command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.core import project
from segments.devtools import generate
from segments.pipeline import build
from segments.warehouse import landing, raw_files

# A reader in its own process, as a BI tool is: it connects read-only, reads every
# relation of every schema (raw views included), prints the row counts as JSON, and
# does so again at each line on its stdin; "quit" ends it.
READER = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)

def counts():
    relations = con.execute(
        "select table_schema, table_name from information_schema.tables order by all"
    ).fetchall()
    return {
        f"{schema}.{name}": con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
        for schema, name in relations
    }

for line in sys.stdin:
    if line.strip() == "quit":
        break
    try:
        print(json.dumps(counts()), flush=True)
    except Exception as error:
        print(json.dumps({"error": str(error)}), flush=True)
"""

# Read-only connections opened one after another, each reading raw and marts, until the
# file named by argv[2] exists: how many were tried and how many were refused.
KNOCKER = """
import duckdb, json, pathlib, sys, time
stop, tried, refused, errors = pathlib.Path(sys.argv[2]), 0, 0, []
while not stop.exists():
    tried += 1
    try:
        con = duckdb.connect(sys.argv[1], read_only=True)
        con.execute("select count(*) from raw.orders").fetchall()
        con.execute("select count(*) from marts.customer_segment_history").fetchall()
        con.close()
    except Exception as error:
        refused += 1
        errors.append(str(error)[:200])
    time.sleep(0.05)
print(json.dumps({"tried": tried, "refused": refused, "errors": errors[:3]}))
"""


class Reader:
    """A read-only connection held by another process."""

    def __init__(self, warehouse: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", READER, str(warehouse)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def counts(self) -> dict[str, int]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write("read\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        assert self.process.wait(timeout=60) == 0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """GIVEN generated data (150 customers) built once: (raw folder, warehouse)."""
    root = tmp_path_factory.mktemp("readers")
    raw_dir = root / "raw"
    generate.generate(customers=150, seed=5, out=raw_dir)
    warehouse = root / "built" / "warehouse.duckdb"
    build.build(
        build.BuildOptions(warehouse, "ci", raw_files.find(raw_dir), project.column_mapping(), {})
    )
    return raw_dir, warehouse


def copy_with_landing(warehouse: Path, folder: Path) -> Path:
    """The warehouse and its landing folder copied into `folder` (raw views still name the
    original files: a copy, not a move)."""
    folder.mkdir(parents=True)
    shutil.copyfile(warehouse, folder / warehouse.name)
    return folder / warehouse.name


@pytest.fixture
def reader_of(tmp_path: Path) -> Iterator[list[Reader]]:
    readers: list[Reader] = []
    yield readers
    for reader in readers:
        if reader.process.poll() is None:
            reader.process.kill()


def run(warehouse: Path, *args: str) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUCKDB_PATH", str(warehouse))
        return cli.main([*args, "--target", "ci"])


def test_a_reader_keeps_reading_every_schema_across_a_build_and_the_docs(
    built: tuple[Path, Path], tmp_path: Path, reader_of: list[Reader]
) -> None:
    raw_dir, _ = built
    warehouse = tmp_path / "warehouse.duckdb"
    build.build(
        build.BuildOptions(warehouse, "ci", raw_files.find(raw_dir), project.column_mapping(), {})
    )
    first_files = landing.referenced_files(warehouse)
    # GIVEN a reader connected to the warehouse, in another process
    reader = Reader(warehouse)
    reader_of.append(reader)
    before = reader.counts()
    assert "error" not in before and "raw.orders" in before and "marts.customers" in before
    # WHEN the warehouse is built again from other raw files (new landing files), and the
    # docs are generated, while it stays connected
    other = tmp_path / "other"
    generate.generate(customers=80, seed=6, out=other)
    build.build(
        build.BuildOptions(warehouse, "ci", raw_files.find(other), project.column_mapping(), {})
    )
    assert run(warehouse, "docs") == 0
    # THEN it still reads the previous warehouse, every schema and raw included
    assert reader.counts() == before
    assert first_files <= {path.name for path in landing.folder_for(warehouse).iterdir()}
    # and a new connection reads the new one
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert (
            con.execute("select count(*) from marts.customers").fetchone()[0]
            < (before["marts.customers"])
        )
    # WHEN the reader disconnects THEN the next tidy-up removes the files only it read
    reader.close()
    landing.remove_unreferenced(warehouse)
    left = {path.name for path in landing.folder_for(warehouse).iterdir()}
    assert left == landing.referenced_files(warehouse) and not first_files & left


def test_a_backfill_beside_readers_refuses_none_and_keeps_the_one_connected(
    built: tuple[Path, Path], tmp_path: Path, reader_of: list[Reader]
) -> None:
    _, source = built
    warehouse = copy_with_landing(source, tmp_path / "copy")
    # GIVEN one reader connected before, and one that keeps opening new connections
    reader = Reader(warehouse)
    reader_of.append(reader)
    before = reader.counts()
    stop = tmp_path / "stop"
    knocker = subprocess.Popen(
        [sys.executable, "-c", KNOCKER, str(warehouse), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1)
        # WHEN two months are backfilled, one run each
        code = run(warehouse, "backfill", "--from", "2025-03", "--to", "2025-04", "--batch", "1")
    finally:
        stop.touch()
        knocked = json.loads(knocker.communicate(timeout=60)[0])
    # THEN the backfill succeeds, no connection was refused, and the reader connected
    # before reads what it read, raw included
    assert code == 0
    assert knocked["tried"] >= 10 and knocked["refused"] == 0, knocked
    assert reader.counts() == before
    reader.close()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        periods = con.execute(
            "select count(distinct period_start) from marts.customer_segment_history "
            "where period_start in ('2025-03-01', '2025-04-01')"
        ).fetchone()[0]
    assert periods == 2


def test_a_moved_warehouse_works_with_every_command(
    built: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw_dir, source = built
    original = tmp_path / "first" / "warehouse.duckdb"
    original.parent.mkdir()
    shutil.copyfile(source, original)
    # nothing may read the source's landing files: the copy gets its own, its views
    # pointed at them, before it is moved
    landing.folder_for(source).rename(tmp_path / "hidden")
    shutil.copytree(tmp_path / "hidden", landing.folder_for(original))
    landing.repoint(original, landing.folder_for(original))
    try:
        # GIVEN the warehouse moved with its landing folder, as the README says
        moved = tmp_path / "elsewhere" / "warehouse.duckdb"
        moved.parent.mkdir()
        original.rename(moved)
        landing.folder_for(original).rename(landing.folder_for(moved))
        capsys.readouterr()
        # WHEN every command runs on it THEN each succeeds
        out = tmp_path / "out"
        assert run(moved, "report", "--out", str(out / "report")) == 0
        assert run(moved, "export", "--all", "--out", str(out / "export")) == 0
        assert run(moved, "docs") == 0
        assert run(moved, "backfill", "--from", "2025-02") == 0
        assert "re-pointed" in capsys.readouterr().out
        assert run(moved, "build", "--raw-dir", str(raw_dir), "--append") == 0
        # and the raw tables read from the moved folder, for any reader
        with duckdb.connect(str(moved), read_only=True) as con:
            rows = con.execute("select count(*) from raw.orders").fetchone()[0]
        assert rows > 0
        assert landing.referenced_files(moved) <= {
            path.name for path in landing.folder_for(moved).iterdir()
        }
    finally:
        (tmp_path / "hidden").rename(landing.folder_for(source))


def test_backfill_of_a_file_that_is_no_warehouse_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a file at the warehouse's path that is not a DuckDB database
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_text("order_id,amount\no1,10\n")
    # WHEN backfilled, and its docs generated THEN each ends with one clear message
    for command in (["backfill", "--from", "2025-01"], ["docs"]):
        assert run(warehouse, *command) == 4
        error = capsys.readouterr().err
        assert "is not a DuckDB database file" in error and "Traceback" not in error

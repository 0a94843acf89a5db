"""Folders and links where files should be (issue 24): a folder of part files,
as Spark and Dask write a table, is read as that table, in part order; a folder without
parts, parts in two formats or with two headers, a link in a loop or to nothing, and a
named pipe are refused, naming what they are, never skipped or called missing."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from segments.core.errors import InputFileError
from segments.warehouse import load, raw_files
from tests.conftest import ORDERS_HEADER, write
from tests.reliability import TALLY

ORDER_ROWS = [f"o{n},c{n % 3},2024-01-{n + 1:02d},{10 + n}.00,completed,USD\n" for n in range(9)]


def spark_folder(folder: Path, header: str, rows: list[str], parts: int) -> None:
    """`rows` split over `parts` part files with a header each, as Spark writes them."""
    folder.mkdir(parents=True)
    (folder / "_SUCCESS").touch()
    (folder / "._SUCCESS.crc").touch()
    size = -(-len(rows) // parts)
    for index in range(parts):
        chunk = rows[index * size : (index + 1) * size]
        write(folder / f"part-{index:05d}-c000.csv", header + "".join(chunk))
        (folder / f".part-{index:05d}-c000.csv.crc").touch()
    (folder / f"part-{parts:05d}-c000.csv").touch()  # an empty part: no rows, no header


@pytest.mark.parametrize("name", ["orders.csv", "orders"])
def test_a_folder_of_part_files_is_read_as_the_table_in_part_order(
    tmp_path: Path, name: str
) -> None:
    # GIVEN orders written by Spark as a folder of three part files (and an empty one)
    spark_folder(tmp_path / "raw" / name, ORDERS_HEADER, ORDER_ROWS, parts=3)
    # WHEN the folder is found and loaded
    files = raw_files.find(tmp_path / "raw")
    loaded = load.load_raw(tmp_path / "w.duckdb", files, {})
    # THEN every row is there, numbered in the order of the parts and of their rows
    assert [(t.table, t.rows, t.parts) for t in loaded] == [("orders", 9, 3)]
    assert loaded[0].source == f"{name} (3 part files)"
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        ids = con.execute("select order_id from raw.orders order by _source_row").fetchall()
    assert [row[0] for row in ids] == [f"o{n}" for n in range(9)]


def test_a_folder_of_parquet_parts_is_read_too(tmp_path: Path) -> None:
    # GIVEN orders as two Parquet parts
    folder = tmp_path / "raw" / "orders.parquet"
    folder.mkdir(parents=True)
    with duckdb.connect() as con:
        for index, rows in enumerate((ORDER_ROWS[:4], ORDER_ROWS[4:])):
            source = write(tmp_path / f"part{index}.csv", ORDERS_HEADER + "".join(rows))
            con.execute(
                f"copy (select * from read_csv('{source}', all_varchar = true)) "
                f"to '{folder / f'part-{index:05d}.snappy.parquet'}' (format parquet)"
            )
    # WHEN loaded THEN both parts' rows are there
    loaded = load.load_raw(tmp_path / "w.duckdb", raw_files.find(tmp_path / "raw"), {})
    assert [(t.rows, t.parts) for t in loaded] == [(9, 2)]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda raw: (raw / "orders.csv").mkdir(),
            "orders.csv: a folder without a part file holding rows",
            id="empty-folder",
        ),
        pytest.param(
            lambda raw: ((raw / "orders.csv").mkdir(), (raw / "orders.csv" / "_SUCCESS").touch()),
            "found nothing",
            id="only-bookkeeping",
        ),
        pytest.param(
            lambda raw: (
                write(raw / "orders" / "part-0.csv", ORDERS_HEADER + ORDER_ROWS[0]),
                write(raw / "orders" / "part-1.parquet", "x"),
            ),
            "orders: a folder of part files in 2 formats (.csv, .parquet)",
            id="two-formats",
        ),
        pytest.param(
            lambda raw: (
                write(raw / "orders" / "part-0.csv", ORDERS_HEADER + ORDER_ROWS[0]),
                write(raw / "orders" / "part-1.csv", "order_id,customer_id\no9,c1\n"),
            ),
            "orders/part-1.csv: its columns (order_id, customer_id) are not those of part-0.csv",
            id="two-headers",
        ),
        pytest.param(
            lambda raw: write(raw / "orders" / "year=2024" / "part-0.csv", ORDERS_HEADER),
            "orders: a folder holding folders (year=2024); a partitioned table is not read",
            id="partitioned",
        ),
        pytest.param(
            lambda raw: os.symlink(raw / "orders.csv", raw / "orders.csv"),
            "orders.csv: a symbolic link in a loop; orders cannot be read",
            id="link-loop",
        ),
        pytest.param(
            lambda raw: os.symlink(raw / "gone.csv", raw / "orders.csv"),
            "gone.csv, which does not exist; orders cannot be read",
            id="link-to-nothing",
        ),
        pytest.param(
            lambda raw: os.mkfifo(raw / "orders.csv"),
            "orders.csv: a named pipe; orders cannot be read",
            id="named-pipe",
        ),
    ],
)
def test_what_cannot_be_a_table_is_refused_by_name(tmp_path: Path, make, message: str) -> None:
    # GIVEN a raw folder whose orders are something other than a readable table
    raw = tmp_path / "raw"
    raw.mkdir()
    make(raw)
    # WHEN it is read THEN it is refused, saying what the name is
    with pytest.raises(InputFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load.load_raw(tmp_path / "w.duckdb", raw_files.find(raw), {})
    TALLY.files_rejected += 1

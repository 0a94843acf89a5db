"""The loader: what it accepts, and the message it gives for what it refuses."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from segments.core.errors import InputFileError
from segments.warehouse import load, raw_files, raw_layout
from tests.conftest import ORDERS_HEADER, write


def load_dir(raw_dir: Path, database: Path, mapping: dict | None = None) -> list[load.LoadedTable]:
    return load.load_raw(database, raw_files.find(raw_dir), mapping or {})


def test_clean_orders_load_as_text_in_file_order(orders_dir: Path, tmp_path: Path) -> None:
    # GIVEN a clean orders.csv WHEN it is loaded
    loaded = load_dir(orders_dir, tmp_path / "w.duckdb")
    # THEN every row is there, as text, numbered in file order
    assert [(t.table, t.rows) for t in loaded] == [("orders", 3)]
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    rows = con.execute("select _source_row, order_id, amount from raw.orders order by 1").fetchall()
    assert rows == [(1, "o1", "100.00"), (2, "o2", "1,200.50"), (3, "o3", "50")]


def test_orders_file_is_required(tmp_path: Path) -> None:
    write(tmp_path / "raw" / "customers.csv", "customer_id\nc1\n")
    with pytest.raises(InputFileError, match=r"required raw file missing: orders\.csv"):
        raw_files.find(tmp_path / "raw")


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    write(tmp_path / "raw" / "orders.csv", "order_id,customer_id,amount\no1,c1,5\n")
    with pytest.raises(InputFileError) as error:
        load_dir(tmp_path / "raw", tmp_path / "w.duckdb")
    assert "orders.csv" in str(error.value)
    assert "required column 'ordered_at' is missing" in str(error.value)


def test_unparseable_column_names_column_and_example_row(tmp_path: Path) -> None:
    # GIVEN an amount column that holds words, not numbers
    write(
        tmp_path / "raw" / "orders.csv",
        ORDERS_HEADER
        + "o1,c1,2024-01-05,12.5,,\no2,c1,2024-01-06,twelve,,\no3,c1,2024-01-07,ten,,\n",
    )
    with pytest.raises(InputFileError) as error:
        load_dir(tmp_path / "raw", tmp_path / "w.duckdb")
    message = str(error.value)
    # THEN the message names file, column, count and the first bad row and value
    assert "orders.csv, column 'amount': 2 of 3 values cannot be parsed as decimal" in message
    assert "row 2: 'twelve'" in message


def test_a_few_dirty_values_are_loaded_for_staging_to_quarantine(tmp_path: Path) -> None:
    write(
        tmp_path / "raw" / "orders.csv",
        ORDERS_HEADER + "o1,c1,2024-01-05,12.5,,\no2,c1,2024-01-06,13,,\no3,c1,not a date,x,,\n",
    )
    assert load_dir(tmp_path / "raw", tmp_path / "w.duckdb")[0].rows == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "file is empty (no header row)"),
        (ORDERS_HEADER, "has a header but no rows"),
        ("order_id;customer_id;ordered_at;amount\no1;c1;2024-01-01;5\n", "comma-delimited"),
        (ORDERS_HEADER + "o1,c1,2024-01-05,12.5,completed,USD\no2,c1,2024-01", "cannot be read"),
        ("order_id,order_id,customer_id,ordered_at,amount\n", "duplicate column names"),
    ],
    ids=["empty", "header-only", "semicolons", "truncated", "duplicate-header"],
)
def test_unusable_files_are_refused_with_the_problem_named(
    tmp_path: Path, content: str, expected: str
) -> None:
    write(tmp_path / "raw" / "orders.csv", content)
    with pytest.raises(InputFileError, match=r"orders\.csv") as error:
        load_dir(tmp_path / "raw", tmp_path / "w.duckdb")
    assert expected in str(error.value)


def test_two_files_for_one_table_are_ambiguous(orders_dir: Path) -> None:
    write(orders_dir / "orders.csv.gz", "")
    with pytest.raises(InputFileError, match=r"both orders\.csv and orders\.csv\.gz"):
        raw_files.find(orders_dir)


def test_column_mapping_finds_renamed_columns(tmp_path: Path) -> None:
    # GIVEN a file with the user's own column names and a mapping onto ours
    write(tmp_path / "raw" / "orders.csv", "OrderNo,Client,OrderDate,Total\nA1,C9,2024-05-01,10\n")
    mapping = {
        "orders": {
            "order_id": "OrderNo",
            "customer_id": "Client",
            "ordered_at": "OrderDate",
            "amount": "Total",
        }
    }
    # WHEN loaded THEN it is accepted, columns kept as the user named them
    assert load_dir(tmp_path / "raw", tmp_path / "w.duckdb", mapping)[0].rows == 1


def test_wrong_mapping_says_what_it_looked_for(tmp_path: Path) -> None:
    write(
        tmp_path / "raw" / "orders.csv",
        "OrderNo,customer_id,ordered_at,amount\nA1,C9,2024-05-01,10\n",
    )
    with pytest.raises(InputFileError, match="mapped to 'OrderNumber'"):
        load_dir(tmp_path / "raw", tmp_path / "w.duckdb", {"orders": {"order_id": "OrderNumber"}})


def test_absent_tables_are_dropped_from_a_previous_load(orders_dir: Path, tmp_path: Path) -> None:
    # GIVEN a warehouse that had tickets from an earlier load
    database = tmp_path / "w.duckdb"
    write(orders_dir / "tickets.csv", "ticket_id,customer_id,opened_at\nt1,c1,2024-01-01\n")
    load_dir(orders_dir, database)
    (orders_dir / "tickets.csv").unlink()
    # WHEN the next load has no tickets file
    load_dir(orders_dir, database)
    # THEN the old tickets are gone, not silently reused
    con = duckdb.connect(str(database))
    relations = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    assert relations == {"orders"}


def test_big_file_is_checked_on_a_sample_and_still_refused(tmp_path: Path) -> None:
    # GIVEN 250,000 orders whose amounts are all words (a wrong column mapped)
    rows = "".join(f"o{n},c1,2024-01-05,twelve\n" for n in range(250_000))
    write(tmp_path / "raw" / "orders.csv", "order_id,customer_id,ordered_at,amount\n" + rows)
    # WHEN loaded THEN the file is refused from one row in three, and the message says so
    with pytest.raises(InputFileError) as error:
        load_dir(tmp_path / "raw", tmp_path / "w.duckdb")
    message = str(error.value)
    assert "column 'amount': 83334 of 83334 values checked (one row in 3)" in message
    assert "row 1: 'twelve'" in message


@pytest.mark.parametrize(("blank", "words", "refused"), [(30, 15, False), (30, 25, True)])
def test_blank_and_unparseable_values_count_together_toward_max_bad_share(
    tmp_path: Path, blank: int, words: int, refused: bool
) -> None:
    # GIVEN 100 orders: `blank` without an amount, `words` with a word for one
    amounts = [""] * blank + ["ten"] * words + ["5.00"] * (100 - blank - words)
    rows = "".join(f"o{n},c1,2024-01-05,{amount},,\n" for n, amount in enumerate(amounts))
    write(tmp_path / "raw" / "orders.csv", ORDERS_HEADER + rows)
    # WHEN loaded (max bad share 50%)
    if not refused:
        # THEN 45% unusable is loaded for staging to quarantine
        assert load_dir(tmp_path / "raw", tmp_path / "w.duckdb")[0].rows == 100
        return
    # THEN 55% unusable is refused, both counts named
    with pytest.raises(InputFileError) as error:
        load_dir(tmp_path / "raw", tmp_path / "w.duckdb")
    assert (
        f"column 'amount': {blank} of 100 values are blank and {words} cannot be parsed as decimal"
        in str(error.value)
    )


def test_loaded_names_never_take_a_name_the_file_already_has() -> None:
    # GIVEN a header with a blank name at position 1 and a column already named
    # unnamed_1, and both _source_row and _source_row_in_file
    header = ["", "unnamed_1", "_source_row", "_source_row_in_file"]
    # WHEN named for loading THEN every name is distinct and the file's own names stay
    assert raw_layout.landed_names(header) == [
        "unnamed_1_",
        "unnamed_1",
        "_source_row_in_file_",
        "_source_row_in_file",
    ]

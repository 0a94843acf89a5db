"""Reliability, bad files: a file the loader cannot use stops the build
with one clear message naming the problem and a non-zero exit code, and the
warehouse keeps its previous content. Files that only look odd (an extra column,
renamed columns with a mapping, a byte-order mark, old Mac line endings, a
pandas index column, a trailing comma, a column named like the loader's own)
are accepted, every row and value in place."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.warehouse import file as warehouse_file
from segments.warehouse import load, raw_files
from tests.conftest import DemoWarehouse
from tests.reliability import (
    SMALL_ORDERS,
    TALLY,
    content_digest,
    copy_warehouse,
    file_sha256,
    query,
)

RENAMED = (
    "OrderNumber,Client,OrderDate,Total,status,currency,coupon_code\n"
    "F1,C1,2024-01-05T10:00:00Z,100.00,completed,USD,SPRING\n"
    "F2,C1,2024-02-05T10:00:00Z,20.50,completed,USD,\n"
    "F3,C2,2024-03-05T10:00:00Z,35.00,returned,USD,\n"
)
MAPPING = (
    "orders:\n  order_id: OrderNumber\n  customer_id: Client\n"
    "  ordered_at: OrderDate\n  amount: Total\n"
)


@dataclass(frozen=True)
class BadFile:
    """Files for a raw folder, and the words the error must contain."""

    files: dict[str, bytes]
    message: str
    exit_code: int = 2
    column_map: str | None = None  # a --column-map file, when given


def _demo_orders(demo: DemoWarehouse) -> bytes:
    return (demo.raw_dir / "orders.csv").read_bytes()


def _truncated(demo: DemoWarehouse) -> bytes:
    """The demo orders cut in the middle of a row, as a copy interrupted half way."""
    data = _demo_orders(demo)
    middle = data.index(b"\n", len(data) // 2) + 30
    return data[:middle]


def _without_column(demo: DemoWarehouse, column: str) -> bytes:
    lines = _demo_orders(demo).decode().splitlines()
    position = lines[0].split(",").index(column)
    return "".join(
        ",".join(cell for i, cell in enumerate(line.split(",")) if i != position) + "\n"
        for line in lines
    ).encode()


def _small_orders_with(line: int, text: str) -> bytes:
    """SMALL_ORDERS with its `line`-th line (1 = header) replaced by `text`."""
    lines = SMALL_ORDERS.splitlines()
    lines[line - 1] = text
    return ("\n".join(lines) + "\n").encode()


def _orders_with_amounts(amounts: Sequence[str]) -> bytes:
    rows = "".join(
        f"F{n},C1,2024-01-05T10:00:00Z,{amount},completed,USD\n" for n, amount in enumerate(amounts)
    )
    return (SMALL_ORDERS.splitlines(keepends=True)[0] + rows).encode()


LONG_LINE = "F2,C1,2024-02-05T10:00:00Z,20.50,completed,USD," + "gift wrap " * 1_000
HEADER = SMALL_ORDERS.splitlines()[0]


def _latin1_customers() -> bytes:
    rows = "".join(f"K{n},Jürgen Müller {n},München\n" for n in range(20))
    return ("customer_id,full_name,city\n" + rows).encode("latin-1")


BAD_FILES: dict[str, Callable[[DemoWarehouse], BadFile]] = {
    "missing-required-column": lambda demo: BadFile(
        {"orders.csv": _without_column(demo, "ordered_at")},
        "orders.csv: required column 'ordered_at' is missing (no mapping); columns found: "
        "order_id, customer_id, amount",
    ),
    "renamed-column-without-mapping": lambda demo: BadFile(
        {"orders.csv": RENAMED.encode()},
        "orders.csv: required column 'order_id' is missing (no mapping); "
        "columns found: OrderNumber, Client",
    ),
    "empty-file": lambda demo: BadFile({"orders.csv": b""}, "orders.csv: file is empty"),
    "header-only": lambda demo: BadFile(
        {"orders.csv": SMALL_ORDERS.splitlines(keepends=True)[0].encode()},
        "orders.csv: has a header but no rows; orders is required",
    ),
    "truncated-mid-row": lambda demo: BadFile(
        {"orders.csv": _truncated(demo)}, "orders.csv: cannot be read as orders data"
    ),
    "truncated-in-a-quote": lambda demo: BadFile(
        {"orders.csv": SMALL_ORDERS.encode() + b'F4,C2,2024-03-06,"1,2'},
        "orders.csv: cannot be read as orders data",
    ),
    "truncated-gzip": lambda demo: BadFile(
        {"orders.csv.gz": gzip.compress(_demo_orders(demo))[:2000]}, "orders.csv.gz: cannot be read"
    ),
    "semicolon-delimiter": lambda demo: BadFile(
        {"orders.csv": _demo_orders(demo).replace(b",", b";")},
        "orders.csv: the header is one column containing ';'; files must be comma-delimited",
    ),
    "tab-delimiter": lambda demo: BadFile(
        {"orders.csv": SMALL_ORDERS.replace(",", "\t").encode()},
        "orders.csv: the header is one column containing tab",
    ),
    "optional-table-with-wrong-delimiter": lambda demo: BadFile(
        {"orders.csv": SMALL_ORDERS.encode(), "customers.csv": b"customer_id;city\nC1;Oslo\n"},
        "customers.csv: the header is one column containing ';'",
    ),
    "whole-file-in-latin-1": lambda demo: BadFile(
        {"orders.csv": SMALL_ORDERS.encode(), "customers.csv": _latin1_customers()},
        "customers.csv: 20 of 20 rows hold bytes that are not UTF-8 text (e.g. rows 1, 2, 3, 4, 5)"
        "; the file is in another encoding",
    ),
    "header-not-utf-8": lambda demo: BadFile(
        {"orders.csv": SMALL_ORDERS.replace("currency", "währung").encode("latin-1")},
        "orders.csv: header row is not UTF-8 text",
    ),
    "utf-16-file": lambda demo: BadFile(
        {"orders.csv": SMALL_ORDERS.encode("utf-16")}, "orders.csv: header row is not UTF-8 text"
    ),
    "duplicate-header": lambda demo: BadFile(
        {"orders.csv": b"order_id,order_id,customer_id,ordered_at,amount\nF1,F1,C1,2024-01-01,5\n"},
        "orders.csv: duplicate column names in header: ['order_id']",
    ),
    "row-with-extra-values": lambda demo: BadFile(
        {"orders.csv": _small_orders_with(3, "F2,C1,2024-02-05T10:00:00Z,20.50,completed,USD,x,y")},
        "orders.csv: cannot be read as orders data: line 3 has 8 values, the header has 6 (a "
        "value holding a comma must be in double quotes): "
        "'F2,C1,2024-02-05T10:00:00Z,20.50,completed,USD,x,y'",
    ),
    "row-with-missing-values": lambda demo: BadFile(
        {"orders.csv": _small_orders_with(3, "F2,C1,2024-02-05T10:00:00Z,20.50")},
        "orders.csv: cannot be read as orders data: line 3 has 4 values, the header has 6 (a "
        "line cut short?): 'F2,C1,2024-02-05T10:00:00Z,20.50'",
    ),
    "quote-never-closed": lambda demo: BadFile(
        {"orders.csv": _small_orders_with(3, 'F2,"C1,2024-02-05T10:00:00Z,20.50,completed,USD')},
        "orders.csv: cannot be read as orders data: line 3 has a double quote that is never "
        'closed (a quote inside a value is written twice: ""): '
        "'F2,\"C1,2024-02-05T10:00:00Z,20.50,completed,USD'",
    ),
    "bad-line-of-10000-characters": lambda demo: BadFile(
        {"orders.csv": _small_orders_with(3, LONG_LINE)},
        f"line 3 has 7 values, the header has 6 (a value holding a comma must be in double "
        f"quotes): {LONG_LINE[:200]!r}...\n",
    ),
    "mixed-line-endings": lambda demo: BadFile(
        {"orders.csv": SMALL_ORDERS.replace("\n", "\r\n", 2).encode()},
        "orders.csv: cannot be read as orders data: a line holds a carriage return (\\r) where "
        "lines end otherwise; does the file mix line endings",
    ),
    "header-ends-with-a-comma-rows-do-not": lambda demo: BadFile(
        {"orders.csv": _small_orders_with(1, HEADER + ",")},
        "orders.csv: cannot be read as orders data: line 2 has 6 values, the header has 7 (the "
        "header ends with a comma?)",
    ),
    "same-column-in-two-cases": lambda demo: BadFile(
        {"orders.csv": b"order_id,customer_id,ordered_at,amount,Amount\nF1,C1,2024-01-01,5,6\n"},
        "orders.csv: columns 'amount' and 'Amount' differ only in case; column names are "
        "case-insensitive, so rename or drop one",
    ),
    "mapped-onto-a-loader-column": lambda demo: BadFile(
        {"orders.csv": _small_orders_with(1, HEADER.replace("order_id", "_source_row"))},
        "orders.csv: column '_source_row' (mapped to order_id) has the name of a column the "
        "loader adds to every row; rename it in the file",
        column_map="orders:\n  order_id: _source_row\n",
    ),
    "mapped-onto-a-name-with-a-double-quote": lambda demo: BadFile(
        {"orders.csv": _small_orders_with(1, HEADER.replace("order_id", '"order ""no"""'))},
        "orders.csv: column 'order \"no\"' (mapped to order_id) holds a double quote, which the "
        "models cannot select; rename it in the file",
        column_map="orders:\n  order_id: 'order \"no\"'\n",
    ),
    "mapped-onto-a-misspelt-optional-column": lambda demo: BadFile(
        {"orders.csv": SMALL_ORDERS.replace("status", "Status").encode()},
        "orders.csv: column 'Staus' (mapped to status) is not in the file (did you mean "
        "'Status'?); columns found: order_id, customer_id, ordered_at, amount, Status",
        column_map="orders:\n  status: Staus\n",
    ),
    "most-amounts-blank-or-words": lambda demo: BadFile(
        {"orders.csv": _orders_with_amounts([""] * 60 + ["ten"] * 18 + ["5.00"] * 22)},
        "orders.csv, column 'amount': 60 of 100 values are blank and 18 cannot be parsed as "
        "decimal (e.g. row 61: 'ten')",
    ),
    "most-customer-ids-blank": lambda demo: BadFile(
        {
            "orders.csv": SMALL_ORDERS.encode()
            + b"".join(b"F%d,,2024-01-05,5.00,completed,USD\n" % n for n in range(10, 15))
        },
        "orders.csv, column 'customer_id': 5 of 8 values are blank (e.g. row 4)",
    ),
    "no-line-end-in-the-first-megabyte": lambda demo: BadFile(
        {"orders.csv": b"order_id," * 200_000},
        "orders.csv: no line end in the first 1 MB; not a CSV file?",
    ),
    "amount-column-of-words": lambda demo: BadFile(
        {"orders.csv": SMALL_ORDERS.replace("100.00", "ten").replace("20.50", "eleven").encode()},
        "orders.csv, column 'amount': 2 of 3 values cannot be parsed as decimal",
    ),
    "no-orders-file": lambda demo: BadFile(
        {"customers.csv": b"customer_id\nC1\n"}, "required raw file missing: orders.csv"
    ),
    "two-files-for-orders": lambda demo: BadFile(
        {
            "orders.csv": SMALL_ORDERS.encode(),
            "orders.csv.gz": gzip.compress(SMALL_ORDERS.encode()),
        },
        "both orders.csv and orders.csv.gz hold table orders",
    ),
}


def write_raw(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture(scope="module")
def demo_digest(demo_warehouse: DemoWarehouse) -> dict:
    """GIVEN the content of a built warehouse (every marts table and the quarantine)."""
    return content_digest(demo_warehouse.path)


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_refused_by_name_and_the_warehouse_keeps_its_content(
    case: str,
    demo_warehouse: DemoWarehouse,
    demo_digest: dict,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a copy of a built warehouse and a raw folder with one bad file
    bad = BAD_FILES[case](demo_warehouse)
    warehouse = copy_warehouse(demo_warehouse.path, tmp_path / "warehouse.duckdb")
    before = file_sha256(warehouse)
    raw_dir = write_raw(tmp_path / "raw", bad.files)
    options = []
    if bad.column_map is not None:
        (tmp_path / "columns.yml").write_text(bad.column_map)
        options = ["--column-map", str(tmp_path / "columns.yml")]
    # WHEN segments build runs on it
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    code = cli.main(["build", "--raw-dir", str(raw_dir), "--target", "ci", *options])
    # THEN it exits non-zero with one message naming file and problem, no stack trace
    err = capsys.readouterr().err
    assert code == bad.exit_code, err
    assert err.startswith("error: ") and bad.message in err, err
    assert "Traceback" not in err
    # AND the warehouse is untouched, in bytes and in content, with no work folder left
    assert file_sha256(warehouse) == before
    assert content_digest(warehouse) == demo_digest
    assert not (tmp_path / warehouse_file.WORK_DIR_NAME).exists()
    TALLY.files_rejected += 1


def test_mapping_file_makes_renamed_columns_load_and_an_extra_column_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN orders under the user's own column names plus a column the project
    # does not know, and a mapping file onto the project's names
    raw_dir = write_raw(tmp_path / "raw", {"orders.csv": RENAMED.encode()})
    mapping = tmp_path / "columns.yml"
    mapping.write_text(MAPPING)
    warehouse = tmp_path / "warehouse.duckdb"
    # WHEN segments build runs with --column-map
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    code = cli.main(
        ["build", "--raw-dir", str(raw_dir), "--target", "ci", "--column-map", str(mapping)]
    )
    out = capsys.readouterr().out
    # THEN it succeeds, says the extra column is ignored, and the orders reach the mart
    assert code == 0
    assert "note: orders.csv: column(s) coupon_code not used by the project" in out
    orders = query(warehouse, "select order_id, gross_revenue from marts.orders order by 1")
    assert [(order_id, float(revenue)) for order_id, revenue in orders] == [
        ("F1", 100.0),
        ("F2", 20.5),
        ("F3", 35.0),
    ]


def test_byte_order_mark_is_not_part_of_the_first_column_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN orders saved by a spreadsheet as "UTF-8 with BOM"
    raw_dir = write_raw(tmp_path / "raw", {"orders.csv": b"\xef\xbb\xbf" + SMALL_ORDERS.encode()})
    # WHEN loaded THEN order_id is found and its values carry no BOM
    loaded = load.load_raw(tmp_path / "w.duckdb", raw_files.find(raw_dir), {})
    assert [(table.table, table.rows) for table in loaded] == [("orders", 3)]
    assert query(tmp_path / "w.duckdb", "select order_id from raw.orders order by 1") == [
        ("F1",),
        ("F2",),
        ("F3",),
    ]
    assert "not used by the project" not in capsys.readouterr().out


def test_rows_with_bytes_that_are_not_utf8_are_loaded_and_flagged_not_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN gzipped orders where row 3 holds a Latin-1 byte, row 5 a NUL byte, and
    # row 7 a bad byte only in a column the project does not read
    header = b"order_id,customer_id,ordered_at,amount,channel,comment\n"
    rows = [b"B%d,C1,2024-01-0%d,10.00,web,ok\n" % (n, n) for n in range(1, 9)]
    rows[2] = b"B3,C1,2024-01-03,10.00,w\xe9b,ok\n"
    rows[4] = b"B5,C1,2024-01-05,10\x00,web,ok\n"
    rows[6] = b"B7,C1,2024-01-07,10.00,web,caf\xe9\n"
    raw_dir = write_raw(tmp_path / "raw", {"orders.csv.gz": gzip.compress(header + b"".join(rows))})
    # WHEN loaded
    loaded = load.load_raw(tmp_path / "w.duckdb", raw_files.find(raw_dir), {})
    # THEN every row is there in file order, the two bad ones flagged, bad bytes as U+FFFD
    assert [(table.rows, table.invalid_encoding_rows) for table in loaded] == [(8, 2)]
    odd = query(
        tmp_path / "w.duckdb",
        "select _source_row, channel, amount, comment, _has_invalid_encoding from raw.orders "
        "where _source_row in (3, 5, 7) order by 1",
    )
    assert odd == [
        (3, "w\ufffdb", "10.00", "ok", True),
        (5, "web", "10\x00", "ok", True),
        (7, "web", "10.00", "caf\ufffd", False),
    ]
    out = capsys.readouterr().out
    assert "note: orders.csv.gz: 2 row(s) hold bytes that are not UTF-8 text (rows 3, 5)" in out
    assert "column(s) comment not used by the project" in out


# Files that only look hostile: the rows each loads to, as (order_id, amount,
# _source_row), the columns raw.orders gets, and the note the loader prints.
ODD_ROWS = [("F1", "100.00", 1), ("F2", "20.50", 2), ("F3", "35.00", 3)]
ORDER_COLUMNS = ["order_id", "customer_id", "ordered_at", "amount", "status", "currency"]
BOOKKEEPING = ["_source_row", "_has_invalid_encoding"]


def _with_column(header: str, values: Sequence[str], *, first: bool = False) -> bytes:
    """SMALL_ORDERS with one more column, first or last."""
    lines = SMALL_ORDERS.splitlines()
    cells = [header, *values]
    if first:
        return "".join(f"{cell},{line}\n" for cell, line in zip(cells, lines, strict=True)).encode()
    return "".join(f"{line},{cell}\n" for line, cell in zip(lines, cells, strict=True)).encode()


def _loader_columns_parquet(folder: Path) -> bytes:
    """Orders as Parquet, with columns named like the loader's own (an export of raw.orders)."""
    path = folder / "export.parquet"
    duckdb.execute(
        f"copy (select order_id, customer_id, ordered_at, amount, 40 + row_number() over () "
        f"as _source_row, true as _has_invalid_encoding from read_csv('{folder / 'o.csv'}', "
        f"all_varchar = true)) to '{path}'"
    )
    return path.read_bytes()


ODD_FILES: dict[str, tuple[str, Callable[[Path], bytes], list[str], str]] = {
    "old-mac-line-endings": (
        "orders.csv",
        lambda folder: SMALL_ORDERS.replace("\n", "\r").encode(),
        ORDER_COLUMNS,
        "",
    ),
    "pandas-index-column": (
        "orders.csv",
        lambda folder: _with_column("", ["0", "1", "2"], first=True),
        ["unnamed_1", *ORDER_COLUMNS],
        "note: orders.csv: column 1 has no name (a pandas index? write with "
        "to_csv(index=False)); loaded as unnamed_1, not used by the project",
    ),
    "trailing-comma-on-every-line": (
        "orders.csv",
        lambda folder: _with_column("", ["", "", ""]),
        [*ORDER_COLUMNS, "unnamed_7"],
        "note: orders.csv: column 7 has no name (a comma at the end of the header?); "
        "loaded as unnamed_7, not used by the project",
    ),
    "trailing-comma-on-rows-only": (
        "orders.csv",
        lambda folder: SMALL_ORDERS.replace("USD\n", "USD,\n").encode(),
        ORDER_COLUMNS,
        "",
    ),
    "column-named-_source_row": (
        "orders.csv",
        lambda folder: _with_column("_source_row", ["77", "78", "79"]),
        [*ORDER_COLUMNS, "_source_row_in_file"],
        "note: orders.csv: column '_source_row' has the name of a column the loader adds; "
        "loaded as _source_row_in_file, not used by the project",
    ),
    "column-named-File_Row_Number": (
        "orders.csv",
        lambda folder: _with_column("File_Row_Number", ["7", "8", "9"], first=True),
        ["File_Row_Number_in_file", *ORDER_COLUMNS],
        "loaded as File_Row_Number_in_file",
    ),
    "column-named-rowid": (
        "orders.csv",
        lambda folder: _with_column("rowid", ["7", "8", "9"]),
        [*ORDER_COLUMNS, "rowid"],
        "note: orders.csv: column(s) rowid not used by the project",
    ),
    "quotes-in-column-names": (
        "orders.csv",
        lambda folder: _with_column('"gift ""wrap""",it\'s', ["a,b", "c,d", "e,f"]),
        [*ORDER_COLUMNS, 'gift "wrap"', "it's"],
        'note: orders.csv: column(s) gift "wrap", it\'s not used by the project',
    ),
    "parquet-export-of-raw-orders": (
        "orders.parquet",
        _loader_columns_parquet,
        [*ORDER_COLUMNS[:4], "_source_row_in_file", "_has_invalid_encoding_in_file"],
        "note: orders.parquet: column '_has_invalid_encoding' has the name of a column the "
        "loader adds; loaded as _has_invalid_encoding_in_file, not used by the project",
    ),
}


@pytest.mark.parametrize("case", sorted(ODD_FILES))
def test_odd_but_usable_file_loads_every_row_and_value_in_place(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN orders F1-F3 in a file that only looks hostile
    name, content, columns, note = ODD_FILES[case]
    (tmp_path / "o.csv").write_text(SMALL_ORDERS)
    raw_dir = write_raw(tmp_path / "raw", {name: content(tmp_path)})
    # WHEN loaded
    loaded = load.load_raw(tmp_path / "w.duckdb", raw_files.find(raw_dir), {})
    # THEN every row is there with its values, numbered by its place in the file
    # (never by a column of the file), under the columns the file has
    assert [(table.table, table.rows) for table in loaded] == [("orders", 3)]
    database = tmp_path / "w.duckdb"
    sql = "select order_id, amount, _source_row, _has_invalid_encoding from raw.orders order by 3"
    assert query(database, sql) == [(*row, False) for row in ODD_ROWS]
    described = query(database, "select column_name from (describe raw.orders)")
    assert [row[0] for row in described] == columns + BOOKKEEPING
    assert note in capsys.readouterr().out


def test_hostile_but_usable_file_builds_and_quarantines_by_file_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN orders as an old Mac wrote them (\r line ends) by pandas with its index
    # column, a comma ending every line, a column _source_row holding other numbers,
    # the order number under a name with a quote (mapped), and row 4 with no amount
    lines = [
        ",Order's No,customer_id,ordered_at,amount,_source_row,",
        "0,F1,C1,2024-01-05T10:00:00Z,100.00,90,",
        "1,F2,C1,2024-02-05T10:00:00Z,20.50,91,",
        "2,F3,C2,2024-03-05T10:00:00Z,35.00,92,",
        "3,F4,C2,2024-03-06T10:00:00Z,,93,",
    ]
    raw_dir = write_raw(tmp_path / "raw", {"orders.csv": "\r".join(lines).encode()})
    mapping = tmp_path / "columns.yml"
    mapping.write_text('orders:\n  order_id: "Order\'s No"\n')
    warehouse = tmp_path / "warehouse.duckdb"
    # WHEN segments build runs on it
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    code = cli.main(
        ["build", "--raw-dir", str(raw_dir), "--target", "ci", "--column-map", str(mapping)]
    )
    # THEN it succeeds, the three good orders reach the mart with their amounts,
    # and the quarantine points at row 4 of the file, not at the file's "93"
    assert code == 0, capsys.readouterr().err
    orders = query(warehouse, "select order_id, gross_revenue from marts.orders order by 1")
    assert [(order_id, float(revenue)) for order_id, revenue in orders] == [
        ("F1", 100.0),
        ("F2", 20.5),
        ("F3", 35.0),
    ]
    quarantined = query(
        warehouse,
        "select raw_key, source_row_number, reason_code from audit.quarantined_rows "
        "where source_table = 'shop.orders'",
    )
    assert quarantined == [("F4", 4, "invalid_number")]

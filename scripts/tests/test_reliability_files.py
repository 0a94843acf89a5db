"""Reliability, bad files (SPEC 4.2): a file the loader cannot use stops the build
with one clear message naming the problem and a non-zero exit code, and the
warehouse keeps its previous content. Files that only look odd (an extra column,
renamed columns with a mapping, a byte-order mark) are accepted."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from segments import build, cli, load
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
    # WHEN segments build runs on it
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    code = cli.main(["build", "--raw-dir", str(raw_dir), "--target", "ci"])
    # THEN it exits non-zero with one message naming file and problem, no stack trace
    err = capsys.readouterr().err
    assert code == bad.exit_code, err
    assert err.startswith("error: ") and bad.message in err, err
    assert "Traceback" not in err
    # AND the warehouse is untouched, in bytes and in content, with no work folder left
    assert file_sha256(warehouse) == before
    assert content_digest(warehouse) == demo_digest
    assert not (tmp_path / build.WORK_DIR_NAME).exists()
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
    loaded = load.load_raw(tmp_path / "w.duckdb", load.find_raw_files(raw_dir), {})
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
    loaded = load.load_raw(tmp_path / "w.duckdb", load.find_raw_files(raw_dir), {})
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

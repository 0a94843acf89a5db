"""`segments export`: each audience, and the key-account list, as a file with
only the columns a downstream tool needs and a manifest; never a clear email, phone or
name unless --include-pii asks for the email."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.core import raw_schema
from tests.conftest import DemoWarehouse
from tests.reliability import copy_warehouse

AUDIENCE_COLUMNS = [
    "customer_id",
    "email_hash",
    "value_tier",
    "rfm_segment",
    "reason",
    "reason_product_id",
    "reason_count",
    "reason_date",
]
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def export(warehouse: Path, *args: str) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUCKDB_PATH", str(warehouse))
        return cli.main(["export", *args, "--target", "ci"])


@pytest.fixture(scope="module")
def exported(demo_warehouse: DemoWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """WHEN every audience and the key-account list are exported as CSV."""
    out = tmp_path_factory.mktemp("export")
    assert export(demo_warehouse.path, "--all", "--out", str(out)) == 0
    return out


@pytest.fixture(scope="module")
def raw_pii(demo_warehouse: DemoWarehouse) -> list[str]:
    """Every raw value of every PII column, lower case and trimmed."""
    con = duckdb.connect(str(demo_warehouse.path), read_only=True)
    try:
        return sorted(
            value
            for table in raw_schema.TABLES
            for column in (column.name for column in table.columns if column.pii)
            for (value,) in con.execute(
                f"select distinct lower(trim({column})) from raw.{table.name} "
                f"where length(trim({column})) >= 5"
            ).fetchall()
        )
    finally:
        con.close()


def members(demo_warehouse: DemoWarehouse) -> dict[str, int]:
    con = duckdb.connect(str(demo_warehouse.path), read_only=True)
    try:
        rows = con.execute("select audience, count(*) from marts.audiences group by 1").fetchall()
        keys = con.execute(
            "select count(*) from marts.customer_segments where is_key_account"
        ).fetchone()
    finally:
        con.close()
    return {**dict(rows), "key_accounts": keys[0]}


def test_every_audience_and_the_key_accounts_with_a_manifest(
    exported: Path, demo_warehouse: DemoWarehouse
) -> None:
    # THEN one file per audience with members, and the key-account list, each with a
    # manifest whose row count is the file's and the mart's
    expected = members(demo_warehouse)
    assert len(expected) >= 4
    for name, rows in expected.items():
        manifest = json.loads((exported / f"{name}.manifest.json").read_text())
        lines = (exported / f"{name}.csv").read_text().splitlines()
        assert manifest["rows"] == rows == len(lines) - 1, name
        assert manifest["audience"] == name and manifest["includes_pii"] is False
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", manifest["as_of_date"])
        assert len(manifest["rule_version"]) >= 8
        assert lines[0].split(",") == manifest["columns"]
    assert json.loads((exported / "cart_abandoned.manifest.json").read_text())["columns"] == (
        AUDIENCE_COLUMNS
    )


def test_no_clear_pii_in_any_export(exported: Path, raw_pii: list[str]) -> None:
    # GIVEN every raw name, email and phone WHEN every exported file is searched
    assert len(raw_pii) > 1_000
    texts = {path.name: path.read_text().lower() for path in exported.glob("*.csv")}
    # THEN none appears, nor anything shaped like an email
    leaks = [(name, value) for name, text in texts.items() for value in raw_pii if value in text]
    assert leaks == []
    assert [name for name, text in texts.items() if EMAIL.search(text)] == []


def test_include_pii_adds_the_clear_email(demo_warehouse: DemoWarehouse, tmp_path: Path) -> None:
    # WHEN an audience is exported with --include-pii, as Parquet
    code = export(
        demo_warehouse.path, "key_accounts", "--out", str(tmp_path), "--format", "parquet"
    )
    assert code == 0
    plain = duckdb.sql(f"select * from '{tmp_path / 'key_accounts.parquet'}'")
    plain_columns, plain_rows = plain.columns, sorted(plain.fetchall(), key=repr)
    code = export(
        demo_warehouse.path,
        "key_accounts",
        "--out",
        str(tmp_path),
        "--format",
        "parquet",
        "--include-pii",
    )
    assert code == 0
    with_pii = duckdb.sql(f"select * from '{tmp_path / 'key_accounts.parquet'}'")
    # THEN the file has the email column too, the same rows (each once), and real emails
    assert with_pii.columns == [*plain_columns, "email"]
    assert sorted(with_pii.select(*plain_columns).fetchall(), key=repr) == plain_rows
    emails = [row[0] for row in with_pii.select("email").fetchall() if row[0]]
    assert len(with_pii) > 10 and len(emails) >= 0.8 * len(with_pii)
    assert all(EMAIL.fullmatch(email) for email in emails)
    manifest = json.loads((tmp_path / "key_accounts.manifest.json").read_text())
    assert manifest["includes_pii"] is True and manifest["format"] == "parquet"


def test_unknown_audience_is_a_clear_error(
    demo_warehouse: DemoWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(demo_warehouse.path, "no_such_audience", "--out", str(tmp_path)) == 1
    error = capsys.readouterr().err
    assert "no audience no_such_audience" in error and "cart_abandoned" in error
    assert list(tmp_path.iterdir()) == []


def test_names_or_all_is_required(
    demo_warehouse: DemoWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(demo_warehouse.path, "--out", str(tmp_path)) == 1
    assert "name the audiences to export, or give --all" in capsys.readouterr().err


@pytest.fixture
def tampered(demo_warehouse: DemoWarehouse, tmp_path: Path) -> Path:
    """A copy of the demo warehouse whose audiences hold a path as a name and a product id
    shaped as a formula in every reason_product_id (and one reason starting with each
    character a spreadsheet reads as a formula)."""
    warehouse = copy_warehouse(demo_warehouse.path, tmp_path / "copy" / "warehouse.duckdb")
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            "update marts.audiences set audience = '../../escaped' where audience = 'win_back'"
        )
        con.execute(
            """update marts.audiences set reason_product_id = '=HYPERLINK("http://x.invalid")'"""
        )
        con.execute(
            """
            update marts.audiences set reason = starts.start || 'SUM(A1)'
            from (
                select customer_id, audience,
                    ['=', '+', '-', '@', chr(9), chr(13), 'ok '][
                        row_number() over (order by customer_id) % 7 + 1
                    ] as start
                from marts.audiences where audience = 'cart_abandoned'
            ) as starts
            where audiences.customer_id = starts.customer_id
                and audiences.audience = starts.audience
            """
        )
    finally:
        con.close()
    return warehouse


def test_an_audience_name_that_is_a_path_writes_nothing_outside(
    tampered: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # WHEN an audience whose name leads out of --out is exported (alone, and with --all)
    out = tmp_path / "a" / "b" / "out"
    before = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert export(tampered, "../../escaped", "--out", str(out)) == 1
    assert "refusing to write '../../escaped.csv'" in capsys.readouterr().err
    assert export(tampered, "--all", "--out", str(out)) == 1
    # THEN nothing was written, inside --out or outside it
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == before
    assert not list(tmp_path.rglob("escaped*"))


def test_csv_cells_never_start_a_formula_and_parquet_is_unchanged(
    tampered: Path, tmp_path: Path
) -> None:
    # WHEN an audience with formula-shaped text is exported as CSV and as Parquet
    assert export(tampered, "cart_abandoned", "--out", str(tmp_path)) == 0
    assert export(tampered, "cart_abandoned", "--out", str(tmp_path), "--format", "parquet") == 0
    with (tmp_path / "cart_abandoned.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) >= 7
    # THEN no CSV cell starts with a formula character; the text follows a quote
    starts = ("=", "+", "-", "@", "\t", "\r")
    assert [row for row in rows for cell in row.values() if cell.startswith(starts)] == []
    assert {row["reason_product_id"] for row in rows} == {"""'=HYPERLINK("http://x.invalid")"""}
    assert {row["reason"][:2] for row in rows} >= {"'=", "'+", "'-", "'@", "'\t", "'\r", "ok"}
    # and the Parquet file keeps the values as they are
    parquet = duckdb.sql(
        f"select reason_product_id, reason from '{tmp_path / 'cart_abandoned.parquet'}'"
    ).fetchall()
    assert {product for product, _ in parquet} == {'=HYPERLINK("http://x.invalid")'}
    assert {reason[0] for _, reason in parquet} >= {"=", "+", "-", "@", "\t", "\r"}


def test_negative_numbers_stay_numbers(demo_warehouse: DemoWarehouse, tmp_path: Path) -> None:
    # GIVEN the key-account list, whose rep gap is negative where reps are spare
    assert export(demo_warehouse.path, "key_accounts", "--out", str(tmp_path)) == 0
    with (tmp_path / "key_accounts.csv").open(newline="", encoding="utf-8") as file:
        gaps = [row["class_rep_gap"] for row in csv.DictReader(file)]
    # THEN numbers are written as numbers (a number is never a formula), no quote added
    assert gaps and all(gap == "" or float(gap) == float(gap) for gap in gaps)
    assert not any(gap.startswith("'") for gap in gaps)


def test_include_pii_warns_on_the_terminal(
    demo_warehouse: DemoWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # WHEN an export writes clear emails THEN the terminal says so, naming the column and files
    assert export(demo_warehouse.path, "key_accounts", "--out", str(tmp_path), "--include-pii") == 0
    error = capsys.readouterr().err
    assert "warning: --include-pii writes clear PII (column email)" in error
    assert "key_accounts.csv" in error
    # and without it, no warning
    assert export(demo_warehouse.path, "key_accounts", "--out", str(tmp_path)) == 0
    assert "warning" not in capsys.readouterr().err

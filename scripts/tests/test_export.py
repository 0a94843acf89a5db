"""`segments export`: each audience, and the key-account list, as a file with
only the columns a downstream tool needs and a manifest; never a clear email, phone or
name unless --include-pii asks for the email."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.core import raw_schema
from segments.reporting import match_keys
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
        # a B2B customer's full_name is its company's, the key-account list's account_name
        company = {("customers", "full_name"): "and lower(trim(customer_type)) <> 'b2b'"}
        return sorted(
            value
            for table in raw_schema.TABLES
            for column in (column.name for column in table.columns if column.pii)
            for (value,) in con.execute(
                f"select distinct lower(trim({column})) from raw.{table.name} "
                f"where length(trim({column})) >= 5 {company.get((table.name, column), '')}"
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


KEY_ACCOUNT_COLUMNS = [
    "customer_id",
    "account_name",
    "customer_type",
    "revenue_in_window",
    "profit_to_date",
    "predicted_clv",
    "probability_alive",
    "last_order_date",
    "lifecycle_stage",
    "sales_region",
    "abc_class",
    "value_tier",
    "coverage_ratio",
    "visit_cadence",
    "complaint_priority",
    "complaint_response_hours",
    "email_hash",
]


def test_the_key_account_list_is_by_value_with_company_names_only(
    exported: Path, demo_warehouse: DemoWarehouse
) -> None:
    with (exported / "key_accounts.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    # THEN the sales lead's columns, in order, and no per-class rep figures on the rows
    assert list(rows[0]) == KEY_ACCOUNT_COLUMNS
    # AND the list runs by value, highest first (ties: predicted CLV, then the id)
    keys = [
        (
            -float(row["revenue_in_window"] or 0),
            -float(row["predicted_clv"] or 0),
            row["customer_id"],
        )
        for row in rows
    ]
    assert keys == sorted(keys) and keys != sorted(keys, key=lambda key: key[2])
    # AND a B2B account carries its company's name, a person never their own
    con = duckdb.connect(str(demo_warehouse.path), read_only=True)
    try:
        names = dict(
            con.execute(
                "select customer_id, full_name from staging.base_crm__customers "
                "where quarantine_reason is null and duplicate_rank = 1"
            ).fetchall()
        )
    finally:
        con.close()
    b2b = [row for row in rows if row["customer_type"] == "b2b"]
    assert b2b and all(row["account_name"] == names[row["customer_id"]] for row in b2b)
    assert all(row["account_name"] == "" for row in rows if row["customer_type"] != "b2b")


def test_the_coverage_sheet_counts_whole_reps_that_add_up(exported: Path) -> None:
    with (exported / "key_accounts_coverage.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    staffed = [row for row in rows if row["reps_needed"]]
    assert staffed
    by_region: dict[str, list[dict[str, str]]] = {}
    for row in staffed:
        # THEN reps are whole people: needed = allocated + gap, every figure an integer
        needed, allocated, gap = (int(row[k]) for k in ("reps_needed", "reps_allocated", "rep_gap"))
        assert needed == allocated + gap and min(allocated, gap) >= 0
        by_region.setdefault(row["sales_region"], []).append(row)
    # AND a region's allocated reps are at most its active reps
    for region, classes in by_region.items():
        assert sum(int(row["reps_allocated"]) for row in classes) <= int(
            classes[0]["active_reps"]
        ), region
    manifest = json.loads((exported / "key_accounts_coverage.manifest.json").read_text())
    assert manifest["rows"] == len(rows)


def test_negative_numbers_stay_numbers(demo_warehouse: DemoWarehouse, tmp_path: Path) -> None:
    # GIVEN the key-account list, whose profit can be negative
    assert export(demo_warehouse.path, "key_accounts", "--out", str(tmp_path)) == 0
    with (tmp_path / "key_accounts.csv").open(newline="", encoding="utf-8") as file:
        profits = [row["profit_to_date"] for row in csv.DictReader(file)]
    # THEN numbers are written as numbers (a number is never a formula), no quote added
    assert profits and all(value == "" or float(value) == float(value) for value in profits)
    assert not any(value.startswith("'") for value in profits)


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


# TikTok's customer-file format page publishes this pair (trimmed, lower-cased, SHA-256):
# https://ads.tiktok.com/help/article?aid=10005134 ("List of supported IDs and formats")
PUBLISHED_EMAIL = (
    "janedoe@gmail.com",
    "d6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69",
)


@pytest.mark.parametrize("fmt", ["plain-sha256", "meta"])
def test_email_keys_reproduce_the_published_example(fmt: str) -> None:
    email, published = PUBLISHED_EMAIL
    assert match_keys.email_key(f"  {email.upper()} ", fmt) == published


def test_google_drops_gmail_dots_and_only_there() -> None:
    # Google: "remove any periods that precede the domain name in gmail.com and
    # googlemail.com addresses"; other domains keep their dots
    expected = hashlib.sha256(b"janedoe@gmail.com").hexdigest()
    assert match_keys.email_key(" Jane.Doe@Gmail.com", "google") == expected
    assert match_keys.normalised_email("jane.doe@googlemail.com", "google") == (
        "janedoe@googlemail.com"
    )
    assert match_keys.normalised_email("jane.doe@example.com", "google") == "jane.doe@example.com"
    assert match_keys.normalised_email("Jane.Doe@Gmail.com", "meta") == "jane.doe@gmail.com"
    assert match_keys.email_key("   ", "google") is None


@pytest.mark.parametrize(
    ("phone", "country", "e164"),
    [
        ("(415) 555-0100", "US", "+14155550100"),
        ("+1 415 555 0100", "DE", "+14155550100"),  # an international prefix wins
        ("030 1234567", "de", "+49301234567"),
        ("0044 20 7946 0958", "FR", "+442079460958"),
    ],
)
def test_phones_are_e164_with_the_customers_country(phone: str, country: str, e164: str) -> None:
    assert match_keys.normalised_phone(phone, country, "google") == e164
    assert match_keys.normalised_phone(phone, country, "meta") == e164.lstrip("+")
    assert match_keys.phone_key(phone, country, "meta") == (
        hashlib.sha256(e164.lstrip("+").encode()).hexdigest()
    )


@pytest.mark.parametrize("phone", ["", "12", "not a phone", None])
def test_an_invalid_phone_has_no_key(phone: str | None) -> None:
    assert match_keys.phone_key(phone, "US", "google") is None


def test_match_keys_are_added_by_format_and_named_in_the_manifest(
    demo_warehouse: DemoWarehouse, tmp_path: Path
) -> None:
    # GIVEN the customers' clear emails as the staging layer holds them
    con = duckdb.connect(str(demo_warehouse.path), read_only=True)
    try:
        clear = dict(
            con.execute(
                "select customer_id, email from staging.base_crm__customers "
                "where quarantine_reason is null and duplicate_rank = 1"
            ).fetchall()
        )
    finally:
        con.close()
    # WHEN an audience is exported with Meta's keys, and with the default
    assert (
        export(
            demo_warehouse.path, "win_back", "--out", str(tmp_path / "meta"), "--match-keys", "meta"
        )
        == 0
    )
    assert export(demo_warehouse.path, "win_back", "--out", str(tmp_path / "none")) == 0
    with (tmp_path / "meta" / "win_back.csv").open() as file:
        rows = list(csv.DictReader(file))
    # THEN the Meta file has em / ph, each the unsalted hash of the normalised value
    assert rows and {"em", "ph"} <= set(rows[0])
    for row in rows:
        expected = clear.get(row["customer_id"])
        if expected and "@" in expected:
            assert row["em"] == hashlib.sha256(expected.strip().lower().encode()).hexdigest()
        assert row["em"] != row["email_hash"]
    assert sum(bool(row["ph"]) for row in rows) > len(rows) / 2
    manifest = json.loads((tmp_path / "meta" / "win_back.manifest.json").read_text())
    assert manifest["match_keys"] == "meta" and "em" in manifest["columns"]
    # AND the default adds no key: only the salted email_hash
    default = json.loads((tmp_path / "none" / "win_back.manifest.json").read_text())
    assert default["match_keys"] == "none"
    assert default["columns"] == AUDIENCE_COLUMNS


def test_export_writes_to_target_export_by_default(
    demo_warehouse: DemoWarehouse, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(demo_warehouse.path, "win_back") == 0
    assert (project_copy / "target" / "export" / "win_back.csv").is_file()
    assert str(project_copy / "target" / "export") in capsys.readouterr().out

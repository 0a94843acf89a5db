"""PII leaves the raw layer only hashed: the stored hashes are the salted SHA-256 of
the normalised values, and no raw PII value (names, emails, phones of customers, leads
and sales reps: every column raw_schema tags PII) appears in clear in any table after
staging (intermediate, marts, audit, seeds), quarantined raw values included."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.core import pii, project, raw_schema
from segments.engines import dbt
from tests.conftest import SALT_MARK, DemoWarehouse

# Everything after staging (where names are dropped and the rest hashed).
DOWNSTREAM_SCHEMAS = ("intermediate", "marts", "audit", "config")


@pytest.fixture(scope="module")
def con(demo_warehouse: DemoWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(demo_warehouse.path), read_only=True)
    yield connection
    connection.close()


def salted_sha256(value: str) -> str:
    return hashlib.sha256((pii.salt() + value.strip().lower()).encode()).hexdigest()


@pytest.mark.parametrize(
    "raw_column,hash_column", [("email", "email_hash"), ("phone", "phone_hash")]
)
def test_stored_hash_is_the_salted_hash_of_the_normalised_value(
    con: duckdb.DuckDBPyConnection, raw_column: str, hash_column: str
) -> None:
    # GIVEN each customer of the customers mart with its kept CRM row's raw value
    rows = con.execute(
        f"""
        select customers.customer_id, raw_rows.{raw_column}, customers.{hash_column}
        from marts.customers as customers
        inner join staging.base_crm__customers as kept
            on customers.customer_id = kept.customer_id
            and kept.duplicate_rank = 1 and kept.quarantine_reason is null
        inner join raw.customers as raw_rows
            on kept._source_row = raw_rows._source_row
        where customers.{hash_column} is not null
        """
    ).fetchall()
    assert len(rows) > 500
    # WHEN the hash is computed here: sha256(salt || lower(trim(value)))
    wrong = [
        (customer_id, stored)
        for customer_id, value, stored in rows
        if stored != salted_sha256(value)
    ]
    # THEN every stored hash is that one (and none is the unsalted hash)
    assert wrong == []
    _, value, stored = rows[0]
    assert stored != hashlib.sha256(value.strip().lower().encode()).hexdigest()


@pytest.fixture(scope="module")
def raw_pii(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every raw value of every PII column, lower case and trimmed."""
    values: set[str] = set()
    for table in raw_schema.TABLES:
        for column in (column.name for column in table.columns if column.pii):
            values |= {
                value
                for (value,) in con.execute(
                    f"select distinct lower(trim({column})) from raw.{table.name} "
                    f"where length(trim({column})) >= 5"
                ).fetchall()
            }
    return sorted(values)


def test_raw_pii_holds_every_kind_of_pii(raw_pii: list[str]) -> None:
    # The scan below means something only if it looks for names, emails and phones
    assert any("@" in value for value in raw_pii)
    assert any(" " in value and "@" not in value for value in raw_pii)  # names
    assert any(sum(char.isdigit() for char in value) >= 7 for value in raw_pii)  # phones
    assert len(raw_pii) > 2_000


def test_no_raw_pii_value_in_clear_after_staging(
    con: duckdb.DuckDBPyConnection, raw_pii: list[str]
) -> None:
    # GIVEN every raw PII value WHEN every text column after staging is searched
    con.execute("create temporary table pii as select unnest(?::varchar[]) as value", [raw_pii])
    columns = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        f"where table_schema in {DOWNSTREAM_SCHEMAS} and data_type = 'VARCHAR'"
    ).fetchall()
    assert len(columns) > 30
    leaks = []
    for schema, table, column in columns:
        found = con.execute(
            f"""
            select distinct pii.value
            from (select distinct lower("{column}") as text from {schema}.{table}) as texts
            inner join pii
                on contains(texts.text, pii.value)
            limit 3
            """
        ).fetchall()
        if found:
            leaks.append(f"{schema}.{table}.{column}: {[value for (value,) in found]}")
    # THEN no value appears, whole or inside a longer text (raw values as JSON too)
    assert leaks == []


def test_the_salt_is_in_no_file_view_or_table(
    demo_warehouse: DemoWarehouse, con: duckdb.DuckDBPyConnection, docs_site: Path
) -> None:
    # GIVEN builds (and the docs site) made with a salt holding both kinds of quote
    assert pii.salt().startswith(SALT_MARK) and "'" in pii.salt() and '"' in pii.salt()
    mark = SALT_MARK.encode()
    root = project.project_dir()
    # WHEN every file dbt and the build wrote is read: artifacts, compiled and run SQL,
    # the docs site, dbt's log, the warehouse and its landed raw files
    files = [
        path
        for folder in (root / "target", root / "logs", demo_warehouse.path.parent)
        for path in folder.rglob("*")
        if path.is_file()
    ]
    names = {path.name for path in files}
    assert {"manifest.json", "run_results.json", "static_index.html", "dbt.log"} <= names
    assert any(path.suffix == ".sql" and "stg_crm__customers" in path.name for path in files)
    # THEN none holds the salt
    assert [str(path) for path in files if mark in path.read_bytes()] == []
    # nor does any view definition or any text value of any table
    views = con.execute("select schema_name, view_name, sql from duckdb_views()").fetchall()
    assert [(schema, name) for schema, name, text in views if SALT_MARK in text] == []
    texts = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_catalog = current_database()"
    ).fetchall()
    assert len(texts) > 100
    holding = [
        f"{schema}.{table}.{column}"
        for schema, table, column in texts
        if con.execute(
            f'select count(*) from "{schema}"."{table}" where contains("{column}", ?)',
            [SALT_MARK],
        ).fetchone()[0]
    ]
    assert holding == []


def test_the_salt_is_no_var(capsys: pytest.CaptureFixture[str]) -> None:
    # WHEN a salt is given as a dbt var (vars reach dbt's artifacts and logs)
    code = cli.main(["build", "--target", "ci", "--vars", "{pii_salt: my-secret}"])
    # THEN the build refuses it, pointing at the environment variable, and does not echo it
    error = capsys.readouterr().err
    assert code == 1 and pii.ENVIRONMENT_VARIABLE in error and "my-secret" not in error


def test_hashing_without_the_plugin_fails_loudly(
    demo_warehouse: DemoWarehouse, tmp_path: Path
) -> None:
    # GIVEN the SQL hash_pii compiles to, run on a connection the project's plugin did not set up
    text = dbt.compile_inline(
        "select lead_id, {{ hash_pii('contact_email') }} as contact_email_hash "
        "from {{ ref('base_crm__leads') }} where quarantine_reason is null and duplicate_rank = 1",
        tmp_path / demo_warehouse.path.name,  # compiling reads no data
        "ci",
    )
    assert SALT_MARK not in text
    plain = duckdb.connect(str(demo_warehouse.path), read_only=True)
    try:
        # THEN it stops with hash_pii's message instead of writing null hashes
        with pytest.raises(duckdb.InvalidInputException, match="no PII salt"):
            plain.execute(text).fetchall()
        # and with the salt set (as the plugin does), it gives the stored hashes
        pii.set_salt(plain)
        computed = dict(plain.execute(text).fetchall())
        stored = dict(
            plain.execute(
                "select lead_id, contact_email_hash from staging.stg_crm__leads"
            ).fetchall()
        )
        assert computed == stored and len(stored) > 10
    finally:
        plain.close()

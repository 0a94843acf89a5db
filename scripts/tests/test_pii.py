"""PII leaves the raw layer only hashed: the stored hashes are the salted SHA-256 of
the normalised values, and no raw PII value (names, emails, phones of customers, leads
and sales reps: every column raw_schema tags PII) appears in clear in any table after
staging (intermediate, marts, audit, seeds), quarantined raw values included."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator

import duckdb
import pytest
import yaml

from segments import project, raw_schema
from tests.conftest import DemoWarehouse

# Everything after staging (where names are dropped and the rest hashed).
DOWNSTREAM_SCHEMAS = ("intermediate", "marts", "audit", "config")


@pytest.fixture(scope="module")
def con(demo_warehouse: DemoWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(demo_warehouse.path), read_only=True)
    yield connection
    connection.close()


@functools.cache
def salt() -> str:
    """The salt of a build without SEGMENTS_PII_SALT: the pii_salt var's default."""
    config = yaml.safe_load((project.project_dir() / "dbt_project.yml").read_text())
    return str(config["vars"]["customer_segments"]["pii_salt"])


def salted_sha256(value: str) -> str:
    return hashlib.sha256((salt() + value.strip().lower()).encode()).hexdigest()


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

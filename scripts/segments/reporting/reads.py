"""Small reads every part of the report shares: one value, whether a relation exists."""

from __future__ import annotations

from typing import Any

import duckdb


def scalar(con: duckdb.DuckDBPyConnection, sql: str, parameters: list[Any] | None = None) -> Any:
    """The one value of an aggregate query (fetched whole: DuckDB keeps a partly
    fetched result open on the connection)."""
    return con.execute(sql, parameters or []).fetchall()[0][0]


def has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return bool(found[0][0])

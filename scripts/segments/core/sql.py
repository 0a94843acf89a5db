"""SQL text built in Python: quoted identifiers and string literals (the doubling
rules of standard SQL and DuckDB)."""

from __future__ import annotations


def identifier(name: str) -> str:
    """A quoted identifier; a double quote inside is doubled."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A string literal; a single quote inside is doubled."""
    return "'" + text.replace("'", "''") + "'"

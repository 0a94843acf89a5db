"""Load raw files into the warehouse's `raw` schema, refusing files it cannot use.

A file is refused (InputFileError, naming file, column and an example row) when
it is empty, cannot be read as CSV / Parquet, lacks a required column, or when
most values of a required typed column cannot be parsed (that is a wrong file
or a wrong mapping, not a few dirty rows). Individual dirty rows are loaded as
they are: staging quarantines them with a reason.

CSV values are loaded as text, so nothing is lost or guessed at load time;
`_source_row` keeps each row's position in the file (1 = first data row).
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from segments import raw_schema
from segments.errors import InputFileError

SUFFIXES = (".csv", ".csv.gz", ".parquet")
RAW_SCHEMA = "raw"
DEFAULT_MAX_BAD_SHARE = 0.5
OTHER_DELIMITERS = (";", "\t", "|")

# How the loader test-parses a typed column (the staging macros are the rule;
# this is the coarse file-level check: is this column of this type at all).
PARSE_CHECKS = {
    raw_schema.DECIMAL: "try_cast(regexp_replace(trim({col}), '[$€£¥,\\s]', '', 'g') as double)",
    raw_schema.INTEGER: "try_cast(trim({col}) as bigint)",
    raw_schema.TIMESTAMP: "coalesce(try_cast(trim({col}) as timestamptz), "
    "try_strptime(trim({col}), ['%Y/%m/%d', '%d.%m.%Y', '%Y%m%d']))",
    raw_schema.DATE: "coalesce(try_cast(trim({col}) as timestamptz), "
    "try_strptime(trim({col}), ['%Y/%m/%d', '%d.%m.%Y', '%Y%m%d']))",
}


@dataclass(frozen=True)
class LoadedTable:
    table: str
    path: Path
    rows: int


def find_raw_files(raw_dir: Path) -> dict[str, Path]:
    """Raw files by table name. `orders` must be there; unknown files are reported."""
    if not raw_dir.is_dir():
        raise InputFileError(f"raw data directory {raw_dir} does not exist")
    found: dict[str, Path] = {}
    for path in sorted(raw_dir.iterdir()):
        if path.name.startswith(("_", ".")) or not path.is_file():
            continue
        suffix = next((s for s in SUFFIXES if path.name.endswith(s)), None)
        name = path.name[: -len(suffix)] if suffix else path.stem
        if suffix is None or name not in raw_schema.TABLES_BY_NAME:
            known = ", ".join(t.name for t in raw_schema.TABLES)
            print(f"note: ignoring {path.name} (raw files are {known}; .csv, .csv.gz, .parquet)")
            continue
        if name in found:
            raise InputFileError(
                f"{raw_dir}: both {found[name].name} and {path.name} hold table {name}; keep one"
            )
        found[name] = path
    missing = [t.name for t in raw_schema.TABLES if t.required and t.name not in found]
    if missing:
        raise InputFileError(
            f"{raw_dir}: required raw file missing: {', '.join(m + '.csv' for m in missing)}"
        )
    return found


def read_csv_header(path: Path) -> list[str]:
    """The header row, with the problems a person would want named."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            first_line = handle.readline()
    except UnicodeDecodeError as error:
        raise InputFileError(f"{path.name}: header row is not UTF-8 text ({error})") from error
    except (OSError, EOFError) as error:
        raise InputFileError(f"{path.name}: cannot be read ({error})") from error
    if not first_line.strip():
        raise InputFileError(f"{path.name}: file is empty (no header row)")
    header = [name.strip() for name in next(csv.reader([first_line]))]
    if len(header) == 1:
        other = next((d for d in OTHER_DELIMITERS if d in first_line), None)
        if other is not None:
            shown = "tab" if other == "\t" else repr(other)
            raise InputFileError(
                f"{path.name}: the header is one column containing {shown}; files must be "
                f"comma-delimited (found {shown} as the delimiter?)"
            )
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise InputFileError(f"{path.name}: duplicate column names in header: {duplicated}")
    return header


def _source_sql(path: Path, header: list[str] | None) -> str:
    literal = str(path).replace("'", "''")
    if header is None:
        return f"read_parquet('{literal}')"
    columns = ", ".join(f"'{name.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for name in header)
    return (
        f"read_csv('{literal}', header = true, auto_detect = false, delim = ',', quote = '\"', "
        f"escape = '\"', columns = {{{columns}}}, null_padding = false, strict_mode = true)"
    )


def _resolve_columns(
    table: raw_schema.Table, path: Path, header: Iterable[str], mapping: dict[str, str]
) -> dict[str, str]:
    """Project column -> the file's column, for the columns the file has."""
    by_lower = {name.lower(): name for name in header}
    resolved: dict[str, str] = {}
    for column in table.columns:
        wanted = mapping.get(column.name, column.name)
        if wanted.lower() in by_lower:
            resolved[column.name] = by_lower[wanted.lower()]
        elif column.required:
            how = f"mapped to '{wanted}'" if wanted != column.name else "no mapping"
            raise InputFileError(
                f"{path.name}: required column '{column.name}' is missing ({how}); "
                f"columns found: {', '.join(header)}"
            )
    return resolved


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check_parseable(
    con: duckdb.DuckDBPyConnection,
    qualified: str,
    table: raw_schema.Table,
    path: Path,
    resolved: dict[str, str],
    max_bad_share: float,
) -> None:
    for name, raw_name in resolved.items():
        column = table.column(name)
        check = PARSE_CHECKS.get(column.type)
        if not column.required or check is None:
            continue
        col = f"cast({_quote(raw_name)} as varchar)"
        filled, bad, example_row, example = con.execute(
            f"""
            select
                count(*) filter (where nullif(trim({col}), '') is not null),
                count(*) filter (where nullif(trim({col}), '') is not null
                                 and {check.format(col=col)} is null),
                min(_source_row) filter (where nullif(trim({col}), '') is not null
                                         and {check.format(col=col)} is null),
                arg_min({col}, _source_row) filter (where nullif(trim({col}), '') is not null
                                         and {check.format(col=col)} is null)
            from {qualified}
            """
        ).fetchone()
        if filled and bad / filled > max_bad_share:
            raise InputFileError(
                f"{path.name}, column '{raw_name}': {bad} of {filled} values cannot be parsed "
                f"as {column.type} (e.g. row {example_row}: {example!r}). Wrong column, "
                f"wrong mapping or wrong format? Dirty values in a few rows are quarantined, "
                f"but more than {max_bad_share:.0%} means the file is not usable."
            )


def load_table(
    con: duckdb.DuckDBPyConnection,
    table: raw_schema.Table,
    path: Path,
    mapping: dict[str, str],
    max_bad_share: float = DEFAULT_MAX_BAD_SHARE,
) -> LoadedTable:
    """Replace raw.<table> with the file's rows (all columns kept, CSV as text)."""
    header = None if path.name.endswith(".parquet") else read_csv_header(path)
    qualified = f"{RAW_SCHEMA}.{table.name}"
    try:
        source = _source_sql(path, header)
        con.execute(f"create or replace temp table _staging_load as select * from {source}")
        if header is None:
            header = [row[0] for row in con.execute("describe _staging_load").fetchall()]
        con.execute(
            f"create or replace table {qualified} as "
            f"select *, cast(rowid + 1 as bigint) as _source_row from _staging_load"
        )
        con.execute("drop table _staging_load")
    except duckdb.Error as error:
        detail = str(error).strip().splitlines()[0]
        raise InputFileError(
            f"{path.name}: cannot be read as {table.name} data: {detail}"
        ) from error
    resolved = _resolve_columns(table, path, header, mapping)
    rows = con.execute(f"select count(*) from {qualified}").fetchone()[0]
    if table.required and rows == 0:
        raise InputFileError(f"{path.name}: has a header but no rows; {table.name} is required")
    _check_parseable(con, qualified, table, path, resolved, max_bad_share)
    return LoadedTable(table.name, path, rows)


def load_raw(
    database: Path,
    files: dict[str, Path],
    mapping: dict[str, dict[str, str]],
    max_bad_share: float = DEFAULT_MAX_BAD_SHARE,
) -> list[LoadedTable]:
    """Replace the raw schema of `database` with `files`; tables without a file are dropped."""
    con = duckdb.connect(str(database))
    try:
        con.execute(f"create schema if not exists {RAW_SCHEMA}")
        for table in raw_schema.TABLES:
            if table.name not in files:
                con.execute(f"drop table if exists {RAW_SCHEMA}.{table.name}")
        loaded = [
            load_table(con, raw_schema.table(name), path, mapping.get(name, {}), max_bad_share)
            for name, path in sorted(files.items())
        ]
        con.execute("checkpoint")
        return loaded
    finally:
        con.close()

"""Load raw files for the warehouse's `raw` schema, refusing files it cannot use.

A file is refused (InputFileError, naming file, column and an example row) when
it is empty, cannot be read as CSV / Parquet, lacks a required column, or when
most values of a required column are blank or (typed columns) unparseable:
that is a wrong file or a wrong mapping, not a few dirty rows. Individual dirty
rows are loaded as they are: staging quarantines them with a reason. Columns
the project does not use are loaded too and named in a note; the models ignore
them.

Each file is converted once, by DuckDB's parallel CSV reader, into a Parquet
file of the landing folder (see `segments.warehouse.landing`), checked there with one
query per table, and read through the view `raw.<table>`. CSV values are loaded
as text, so nothing is lost or guessed at load time; `_source_row` is each
row's position in the file (1 = first data row). The Python decoder runs only
for a file DuckDB reports as not UTF-8.

Bytes that are not UTF-8 text are the subject of `segments.warehouse.encoding`.

Headers and lines (a column without a name or named like the loader's own,
old Mac line ends, a row with too many values) are the subject of
`segments.warehouse.raw_layout`.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from segments.core import raw_schema, sql
from segments.core.errors import InputFileError
from segments.warehouse import encoding, landing, raw_layout, value_checks
from segments.warehouse.landing import RAW_SCHEMA, Landing, landed_sql, write_parquet

DEFAULT_MAX_BAD_SHARE = 0.5
# The query of a raw view as DuckDB keeps it: CREATE VIEW raw.<table> AS <query>;
VIEW_QUERY = re.compile(r"^create view [^ ]+ as (?P<query>.*?);?\s*$", re.IGNORECASE | re.DOTALL)
# How many example row numbers a note or an error lists.
EXAMPLE_ROWS = 5
# Rows of a big file the parse check looks at (every k-th row).
PARSE_CHECK_ROWS = 100_000


@dataclass(frozen=True)
class LoadedTable:
    table: str
    path: Path
    rows: int
    invalid_encoding_rows: int = 0
    ignored_columns: tuple[str, ...] = ()
    parts: int = 1

    @property
    def source(self) -> str:
        """The file name, or the folder's and how many part files it holds."""
        return self.path.name + (f" ({self.parts} part files)" if self.path.is_dir() else "")


def _source_sql(parts: list[Path], names: list[str], csv_file: bool) -> str:
    """The rows of the files, in order, under `names` (see raw_layout.landed_names), CSV
    values as text."""
    files = "[" + ", ".join(sql.literal(str(part)) for part in parts) + "]"
    if not csv_file:
        aliases = ", ".join(map(sql.identifier, names))
        return f"read_parquet({files}) as source_file({aliases})"
    columns = ", ".join(f"{sql.literal(name)}: 'VARCHAR'" for name in names)
    return (
        f"read_csv({files}, header = true, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {{{columns}}}, null_padding = false, "
        "strict_mode = true)"
    )


def _resolve_columns(
    table: raw_schema.Table,
    path: Path,
    header: Iterable[str],
    mapping: dict[str, str],
    reserved: Iterable[str] = (),
) -> dict[str, str]:
    """Project column -> the file's column (as loaded), for the columns the file has.

    `reserved` are the file's columns named like the loader's own, loaded under
    another name (see raw_layout.landed_names); a project column mapped onto one is an error.
    """
    by_lower = {name.lower(): name for name in header}
    reserved_lower = {name.lower() for name in reserved}
    resolved: dict[str, str] = {}
    for column in table.columns:
        wanted = mapping.get(column.name, column.name)
        if wanted.lower() in reserved_lower:
            raise InputFileError(
                f"{path.name}: column '{wanted}' (mapped to {column.name}) has the name of a "
                "column the loader adds to every row; rename it in the file"
            )
        if '"' in wanted and wanted.lower() in by_lower:
            raise InputFileError(
                f"{path.name}: column '{wanted}' (mapped to {column.name}) holds a double quote, "
                "which the models cannot select; rename it in the file"
            )
        if wanted.lower() in by_lower:
            resolved[column.name] = by_lower[wanted.lower()]
        elif column.name in mapping and not column.required:
            # A mapping names a column the user expects: missing, it is a typo,
            # not an absent optional column (status: Staus would make every
            # order completed).
            close = difflib.get_close_matches(wanted, list(header), n=1, cutoff=0.5)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise InputFileError(
                f"{path.name}: column '{wanted}' (mapped to {column.name}) is not in the file"
                f"{hint}; columns found: {', '.join(header)}"
            )
        elif column.required:
            how = f"mapped to '{wanted}'" if wanted != column.name else "no mapping"
            raise InputFileError(
                f"{path.name}: required column '{column.name}' is missing ({how}); "
                f"columns found: {', '.join(header)}"
            )
    return resolved


def _check_rows(
    con: duckdb.DuckDBPyConnection,
    landed: str,
    table: raw_schema.Table,
    path: Path,
    resolved: dict[str, str],
    flag: str,
    max_bad_share: float,
    checks: dict[str, str],
) -> tuple[int, int]:
    """Check a landed file in one pass; its rows and the rows `flag` marks.

    Rows holding U+FFFD or NUL in a column the project reads are noted (or the
    file refused when most rows have them); the file is refused when more than
    `max_bad_share` of a required column is blank or, for a typed column, blank
    or unparseable (blank values are as unusable as garbage: counting only the
    filled ones would let a mostly blank file replace a good warehouse).
    """
    checked = [(table.column(name), raw_name) for name, raw_name in resolved.items()]
    checked = [(column, raw_name) for column, raw_name in checked if column.required]
    rows = con.execute(f"select count(*) from {landed}").fetchone()[0]
    flagged, examples = 0, []
    if flag != "false":
        flagged, examples = con.execute(
            f"select count(*), list(file_row_number + 1 order by file_row_number)"
            f"[1:{EXAMPLE_ROWS}] from {landed} where {flag}"
        ).fetchone()
    # The parse check is a coarse test of the whole column (is it this type at
    # all?): on a big file every k-th row decides it, to the same effect.
    step = max(1, -(-rows // PARSE_CHECK_ROWS))
    measures = ["count(*)"]
    for column, raw_name in checked:
        text = f"nullif(trim(cast({sql.identifier(raw_name)} as varchar)), '')"
        bad = "false"
        if column.type in checks:
            parsed = checks[column.type].replace(value_checks.COLUMN, text)
            bad = f"{text} is not null and {parsed} is null"
        measures += [
            f"count({text})",
            f"min(file_row_number + 1) filter (where {text} is null)",
            f"count(*) filter (where {bad})",
            f"arg_min(struct_pack(row := file_row_number + 1, value := {text}), file_row_number)"
            f" filter (where {bad})",
        ]
    counted, *parsed = con.execute(
        f"select {', '.join(measures)} from {landed} where file_row_number % {step} = 0"
    ).fetchone()
    if table.required and rows == 0:
        raise InputFileError(f"{path.name}: has a header but no rows; {table.name} is required")
    if flagged:
        encoding.note_invalid_encoding(path, rows, flagged, examples, max_bad_share)
    for index, (column, raw_name) in enumerate(checked):
        filled, blank_row, bad, example = parsed[4 * index : 4 * index + 4]
        blank = counted - filled
        if counted and (blank + bad) / counted > max_bad_share:
            which = f"values checked (one row in {step})" if step > 1 else "values"
            unparseable = f"cannot be parsed as {column.type}"
            if bad:
                unparseable += f" (e.g. row {example['row']}: {example['value']!r})"
            if blank and bad:
                problem = f"{blank} of {counted} {which} are blank and {bad} {unparseable}"
            elif bad:
                problem = f"{bad} of {counted} {which} {unparseable}"
            else:
                problem = f"{blank} of {counted} {which} are blank (e.g. row {blank_row})"
            raise InputFileError(
                f"{path.name}, column '{raw_name}': {problem}. Wrong column, wrong mapping or "
                f"wrong format? Blank or dirty values in a few rows are quarantined, but more "
                f"than {max_bad_share:.0%} means the file is not usable."
            )
    return rows, flagged


def _unreadable(
    path: Path, table: raw_schema.Table, error: duckdb.Error, header: list[str] | None = None
) -> InputFileError:
    text = str(error)
    detail = raw_layout.csv_problem(text, header) or text.strip().splitlines()[0]
    return InputFileError(f"{path.name}: cannot be read as {table.name} data: {detail}")


def load_table(
    con: duckdb.DuckDBPyConnection,
    table: raw_schema.Table,
    path: Path,
    mapping: dict[str, str],
    landing: Landing,
    max_bad_share: float = DEFAULT_MAX_BAD_SHARE,
    append: bool = False,
    checks: dict[str, str] | None = None,
) -> LoadedTable:
    """Convert the file into the landing folder and point the view raw.<table> at it.

    With `append`, the view reads the rows it read before and then the file's,
    numbered on from the last (`_source_row` is load order across files).

    A CSV file that DuckDB reports as not UTF-8 is read through a repaired copy
    (see the module docstring) made in the landing folder and removed after.
    """
    parts = raw_layout.part_files(path)
    csv_file = not parts[0].name.endswith(".parquet")
    header = _header(con, table, path, parts, csv_file)
    names = raw_layout.landed_names(header)
    renamed = [(name, safe) for name, safe in zip(header, names, strict=True) if name != safe]
    reserved = [name for name, _ in renamed if name]
    resolved = _resolve_columns(table, path, names, mapping, reserved)
    raw_layout.note_renamed(path, header, names)
    target = landing.path(table.name)
    # The byte search of a CSV file runs beside the conversion, on the core
    # DuckDB's threads leave idle at times (about 1.5 s less for 2 GB of CSV).
    with ThreadPoolExecutor(max_workers=1) as pool:
        searched = pool.submit(encoding.may_hold_invalid_text, parts) if csv_file else None
        repaired = _convert_or_repair(
            con, table, path, parts, header, names, target, landing.folder
        )
        needs_flag = searched is None or repaired or searched.result()
    landed = landed_sql(target)
    types = dict(
        con.execute(
            f"select column_name, column_type from (describe select * from {landed})"
        ).fetchall()
    )
    used = {name.lower() for name in resolved.values()}
    ignored = tuple(name for name in names if name.lower() not in used)
    # A renamed column had its own note above.
    noted = tuple(name for name in ignored if name not in {safe for _, safe in renamed})
    if noted:
        print(
            f"note: {path.name}: column(s) {', '.join(noted)} not used by the project "
            f"(loaded into {RAW_SCHEMA}.{table.name}, ignored by the models)"
        )
    flag = "false"
    if needs_flag:
        flag = encoding.invalid_encoding_sql([(name, types[name]) for name in resolved.values()])
    checks = checks or value_checks.parse_checks()
    rows, flagged = _check_rows(con, landed, table, path, resolved, flag, max_bad_share, checks)
    loaded_before, offset = _loaded_before(con, table.name) if append else (None, 0)
    rows_sql = (
        f"select * exclude (file_row_number), file_row_number + {offset + 1} as _source_row, "
        f"{flag if flagged else 'false'} as _has_invalid_encoding from {landed}"
    )
    if loaded_before is not None:
        rows_sql = f"{loaded_before} union all by name {rows_sql}"
    con.execute(f"create or replace view {RAW_SCHEMA}.{table.name} as {rows_sql}")
    return LoadedTable(table.name, path, rows, flagged, ignored, len(parts))


def _loaded_before(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str | None, int]:
    """The query of the view raw.<table> and its last `_source_row`; (None, 0) without one."""
    found = con.execute(
        "select sql from duckdb_views() where schema_name = ? and view_name = ?",
        [RAW_SCHEMA, table],
    ).fetchall()
    if not found:
        return None, 0
    query = VIEW_QUERY.match(found[0][0])
    if query is None:
        raise InputFileError(f"{RAW_SCHEMA}.{table} is not a view the loader wrote; cannot append")
    last = con.execute(f"select coalesce(max(_source_row), 0) from {RAW_SCHEMA}.{table}").fetchall()
    return query.group("query"), int(last[0][0])


def _header(
    con: duckdb.DuckDBPyConnection,
    table: raw_schema.Table,
    path: Path,
    parts: list[Path],
    csv_file: bool,
) -> list[str]:
    """The header of the table's file, the same in every part of a folder."""
    headers = []
    for part in parts:
        if csv_file:
            headers.append(raw_layout.read_csv_header(part))
            continue
        try:
            headers.append(raw_layout.parquet_header(con, part))
        except duckdb.Error as error:
            raise _unreadable(part, table, error) from error
        raw_layout.check_column_names(part, headers[-1])
    for part, header in zip(parts, headers, strict=True):
        if header != headers[0]:
            raise InputFileError(
                f"{path.name}/{part.name}: its columns ({', '.join(header)}) are not those of "
                f"{parts[0].name} ({', '.join(headers[0])}); the parts of a table share one header"
            )
    return headers[0]


def _convert_or_repair(
    con: duckdb.DuckDBPyConnection,
    table: raw_schema.Table,
    path: Path,
    parts: list[Path],
    header: list[str],
    names: list[str],
    target: Path,
    scratch: Path,
) -> bool:
    """Convert the file to `target`; True when it had to go through a repaired UTF-8 copy."""
    csv_file = not parts[0].name.endswith(".parquet")
    try:
        write_parquet(con, _source_sql(parts, names, csv_file), target)
        return False
    except duckdb.InvalidInputException as error:
        if not csv_file or "invalid unicode" not in str(error).lower():
            raise _unreadable(path, table, error, header) from error
    except duckdb.Error as error:
        raise _unreadable(path, table, error, header) from error
    with tempfile.TemporaryDirectory(prefix=".repair-", dir=scratch) as scratch_dir:
        copies = [encoding.utf8_copy(part, Path(scratch_dir)) for part in parts]
        try:
            write_parquet(con, _source_sql(copies, names, csv_file), target)
        except duckdb.Error as error:
            raise _unreadable(path, table, error, header) from error
    return True


def load_raw(
    database: Path,
    files: dict[str, Path],
    mapping: dict[str, dict[str, str]],
    max_bad_share: float = DEFAULT_MAX_BAD_SHARE,
    landed: Landing | None = None,
    append: bool = False,
    date_formats: Iterable[str] | None = None,
) -> list[LoadedTable]:
    """Land `files` and point the raw views of `database` at them.

    The files become version `landed` of the landing folder (default: a new
    version in the database's own landing folder). Views of tables without a
    file are dropped; with `append`, the files' rows are added to what the
    views read, and the other tables stay as they are.
    """
    landed = landed or landing.new_version(landing.folder_for(database))
    checks = value_checks.parse_checks(date_formats)
    con = duckdb.connect(str(database))
    try:
        con.execute(f"create schema if not exists {RAW_SCHEMA}")
        for table in raw_schema.TABLES:
            if table.name not in files and not append:
                con.execute(f"drop view if exists {RAW_SCHEMA}.{table.name}")
                con.execute(f"drop table if exists {RAW_SCHEMA}.{table.name}")
        loaded = [
            load_table(
                con,
                raw_schema.table(name),
                path,
                mapping.get(name, {}),
                landed,
                max_bad_share,
                append,
                checks,
            )
            for name, path in sorted(files.items())
        ]
        con.execute("checkpoint")
        return loaded
    finally:
        con.close()

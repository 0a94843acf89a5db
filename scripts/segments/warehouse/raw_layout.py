"""The layout of a raw file: its header row, its column names as loaded, and
DuckDB's CSV structure errors told in a line.

Lines may end in `\\n`, `\\r\\n` or a lone `\\r` (old Mac files), one kind per
file. A column without a name (a pandas index written without `index=False`, a
comma at the end of the header) is loaded as `unnamed_<position>`, and a column
named like the loader's own bookkeeping (`_source_row`, `_has_invalid_encoding`,
`file_row_number`, in any case) as `<name>_in_file`, with a note: these are
never project columns, so the file stays usable, and the view's own
`_source_row` is always the row's position (in DuckDB the file's column would
take that name and push the loader's aside). A project column mapped onto such
a column, or onto a name holding a double quote (the models cannot select it),
refuses the file. Column names are case-insensitive (as in SQL), so two that
differ only in case refuse the file. `rowid` is an ordinary column here: the
raw views read Parquet, which has no `rowid` pseudo-column to shadow.

A line with more or fewer values than the header, or a quote that is never
closed, refuses the file with DuckDB's line number, the counts and the line
itself (cut to SHOWN_LINE_CHARS).

A table may also be a folder of part files, as Spark and Dask write a table
(`customers.csv/part-00000-....csv`, `_SUCCESS`): its parts, in name order,
are read as one file whose rows follow each other, each part with its own
header, all headers the same. Bookkeeping files (`_SUCCESS`, `.crc`, names
starting with `_` or `.`) and empty parts are passed over; a folder with no
part, with parts of two formats or with sub-folders (a partitioned table) is
refused, naming what it holds.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import re
from pathlib import Path
from typing import BinaryIO

import duckdb

from segments.core.errors import InputFileError

OTHER_DELIMITERS = (";", "\t", "|")
# Columns the loader adds to each raw view, and DuckDB's name for a row's
# position: a file's column of the same name is loaded as `<name>_in_file`.
LOADER_COLUMNS = ("_source_row", "_has_invalid_encoding", "file_row_number")
# A header row longer than this is not a header (a file without line ends?).
HEADER_MAX_BYTES = 1 << 20
HEADER_BLOCK_BYTES = 1 << 16
# Characters of an offending line an error message quotes.
SHOWN_LINE_CHARS = 200


PART_SUFFIXES = (".csv", ".csv.gz", ".parquet")


def part_files(path: Path) -> list[Path]:
    """The files that hold a raw table: the file itself, or a folder's part files in order."""
    if not path.is_dir():
        return [path]
    entries = sorted(entry for entry in path.iterdir() if not entry.name.startswith(("_", ".")))
    folders = [entry.name for entry in entries if entry.is_dir()]
    if folders:
        raise InputFileError(
            f"{path.name}: a folder holding folders ({', '.join(folders[:3])}); a partitioned "
            "table is not read: write it as one folder of part files, or as one file"
        )
    parts = [entry for entry in entries if entry.name.endswith(PART_SUFFIXES)]
    kinds = {next(s for s in PART_SUFFIXES if part.name.endswith(s)) for part in parts}
    if len(kinds) > 1:
        raise InputFileError(
            f"{path.name}: a folder of part files in {len(kinds)} formats "
            f"({', '.join(sorted(kinds))}); the parts of a table share one format"
        )
    parts = [part for part in parts if part.stat().st_size > 0]
    if not parts:
        found = ", ".join(entry.name for entry in entries[:5]) or "nothing"
        raise InputFileError(
            f"{path.name}: a folder without a part file holding rows (part-*.csv, *.csv.gz or "
            f"*.parquet); found {found}"
        )
    return parts


def read_csv_header(path: Path) -> list[str]:
    """The header row, with the problems a person would want named."""
    try:
        # Only the first line is decoded here: bad bytes further down are the rows' problem.
        with open_binary(path) as handle:
            first_bytes = _first_line(handle)
    except (OSError, EOFError) as error:
        raise InputFileError(f"{path.name}: cannot be read ({error})") from error
    if first_bytes is None:
        raise InputFileError(
            f"{path.name}: no line end in the first {HEADER_MAX_BYTES >> 20} MB; not a CSV file?"
        )
    try:
        # utf-8-sig: a byte-order mark (as spreadsheet exports write) is not part of a name.
        first_line = first_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"{path.name}: header row is not UTF-8 text ({error}); save the file as UTF-8"
        ) from error
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
    check_column_names(path, header)
    return header


def _first_line(handle: BinaryIO) -> bytes | None:
    """The bytes before the first line end (LF, CR LF or a lone CR); None when
    there is none in the first HEADER_MAX_BYTES (readline would read the whole
    of a file whose lines end in CR only)."""
    data = b""
    while block := handle.read(HEADER_BLOCK_BYTES):
        data += block
        ends = [at for at in (data.find(b"\n"), data.find(b"\r")) if at >= 0]
        if ends:
            return data[: min(ends)]
        if len(data) > HEADER_MAX_BYTES:
            return None
    return data


def check_column_names(path: Path, header: list[str]) -> None:
    """Refuse a name used twice, also in another case (SQL names are case-insensitive)."""
    named = [name for name in header if name]
    duplicated = sorted({name for name in named if named.count(name) > 1})
    if duplicated:
        raise InputFileError(f"{path.name}: duplicate column names in header: {duplicated}")
    spellings: dict[str, list[str]] = {}
    for name in named:
        spellings.setdefault(name.lower(), []).append(name)
    clash = next((names for names in spellings.values() if len(names) > 1), None)
    if clash:
        raise InputFileError(
            f"{path.name}: columns {' and '.join(repr(name) for name in clash)} differ only in "
            "case; column names are case-insensitive, so rename or drop one"
        )


def landed_names(header: list[str]) -> list[str]:
    """The file's column names as loaded: a blank name becomes `unnamed_<position>`
    and a name of the loader's own columns `<name>_in_file` (see the module docstring)."""
    taken = {name.lower() for name in header} | set(LOADER_COLUMNS)
    names = []
    for position, name in enumerate(header, start=1):
        if name and name.lower() not in LOADER_COLUMNS:
            names.append(name)
            continue
        safe = f"{name}_in_file" if name else f"unnamed_{position}"
        while safe.lower() in taken:
            safe += "_"
        taken.add(safe.lower())
        names.append(safe)
    return names


def note_renamed(path: Path, header: list[str], names: list[str]) -> None:
    """A note per column loaded under another name than the file's, saying why."""
    for position, (name, safe) in enumerate(zip(header, names, strict=True), start=1):
        if name == safe:
            continue
        if name:
            why = f"column '{name}' has the name of a column the loader adds"
        elif position == 1:
            why = "column 1 has no name (a pandas index? write with to_csv(index=False))"
        elif position == len(header):
            why = f"column {position} has no name (a comma at the end of the header?)"
        else:
            why = f"column {position} has no name"
        print(f"note: {path.name}: {why}; loaded as {safe}, not used by the project")


def open_binary(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")


def parquet_header(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """The top-level column names as the file spells them (DuckDB's reader renames
    a second `Amount` beside `amount`, which would hide the clash)."""
    schema = con.execute(
        "select name, coalesce(num_children, 0) from parquet_schema(?)", [str(path)]
    ).fetchall()

    def after(index: int) -> int:
        """The index after the schema element at `index` and its children."""
        end = index + 1
        for _ in range(schema[index][1]):
            end = after(end)
        return end

    names, index = [], 1
    while index < len(schema):
        names.append(schema[index][0])
        index = after(index)
    return names


def csv_problem(text: str, header: list[str] | None) -> str | None:
    """DuckDB's CSV error told shortly: its line number, the counts, the line itself."""
    if "state machine reached an invalid state" in text:
        # What DuckDB 2.0 reports, without a line, for a lone \r in a \n file and the reverse.
        return (
            "a line holds a carriage return (\\r) where lines end otherwise; does the file mix "
            "line endings (\\r\\n and \\n)? Save it with one kind of line ending"
        )
    number = re.search(r"CSV Error on Line: (\d+)", text)
    if number is None:
        return None
    original = re.search(r"Original Line: ([^\n]*)", text)
    line = original.group(1) if original else ""
    shown = repr(line[:SHOWN_LINE_CHARS]) + ("..." if len(line) > SHOWN_LINE_CHARS else "")
    where = f"line {number.group(1)}"
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if counts:
        expected, found = int(counts.group(1)), int(counts.group(2))
        hint = "a line cut short?"
        if found > expected:
            # DuckDB stops counting at one value too many; the line says how many.
            with contextlib.suppress(csv.Error):
                found = max(found, len(next(csv.reader([line]))))
            hint = "a value holding a comma must be in double quotes"
            if line.endswith(","):
                hint = "a comma at the end of the line?"
        elif header and not header[-1] and found == expected - 1:
            hint = "the header ends with a comma?"
        return f"{where} has {found} values, the header has {expected} ({hint}): {shown}"
    if "unterminated quote" in text:
        return (
            f"{where} has a double quote that is never closed (a quote inside a value is "
            f'written twice: ""): {shown}'
        )
    return f"{where} is not valid CSV: {shown}"

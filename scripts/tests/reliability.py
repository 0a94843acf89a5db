"""Helpers of the reliability suite (test_reliability_*.py): warehouse queries,
content hashes, raw CSV writing with bad bytes, and the tally printed at the end.

The tally is filled by the tests and printed by `pytest_terminal_summary` in
conftest.py, so a run ends with one line saying what the pipeline survived.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

# A row's fate: where a raw row ended up after a build.
REJECTED = "rejected"  # in audit.quarantined_rows, excluded
REPAIRED = "repaired"  # in audit.quarantined_rows, kept with a value nulled
PARSED = "parsed"  # a dirty-looking value read correctly; the row is clean
MERGED = "merged"  # a duplicate merged into the row kept for its key
LOST = "lost"  # none of the above: must never happen
FATES = (REJECTED, REPAIRED, PARSED, MERGED, LOST)

Cell = str | bytes

# Three clean orders: the smallest input a whole build accepts.
SMALL_ORDERS = (
    "order_id,customer_id,ordered_at,amount,status,currency\n"
    "F1,C1,2024-01-05T10:00:00Z,100.00,completed,USD\n"
    "F2,C1,2024-02-05T10:00:00Z,20.50,completed,USD\n"
    "F3,C2,2024-03-05T10:00:00Z,35.00,returned,USD\n"
)


@dataclass
class Tally:
    """What the reliability tests threw at the pipeline, and what became of it."""

    fates: Counter[str] = field(default_factory=Counter)
    files_rejected: int = 0
    settings_refused: int = 0
    faults_survived: int = 0

    @property
    def rows_injected(self) -> int:
        return sum(self.fates.values())

    def add_rows(self, fates: Iterable[str]) -> None:
        self.fates.update(fates)

    def line(self) -> str:
        return (
            f"reliability: {self.rows_injected} dirty rows injected -> "
            f"{self.fates[REJECTED]} quarantined, {self.fates[REPAIRED]} repaired, "
            f"{self.fates[PARSED]} parsed correctly, {self.fates[MERGED]} merged as duplicates, "
            f"{self.fates[LOST]} lost; {self.files_rejected} bad files rejected; "
            f"{self.settings_refused} bad settings refused; {self.faults_survived} faults survived"
        )

    def as_dict(self) -> dict[str, Any]:
        """What a pytest-xdist worker sends back to the controller."""
        return {
            "fates": dict(self.fates),
            "files_rejected": self.files_rejected,
            "settings_refused": self.settings_refused,
            "faults_survived": self.faults_survived,
        }

    def merge(self, other: dict[str, Any]) -> None:
        """Adds a worker's tally (from `as_dict`)."""
        self.fates.update(other["fates"])
        self.files_rejected += other["files_rejected"]
        self.settings_refused += other["settings_refused"]
        self.faults_survived += other["faults_survived"]


TALLY = Tally()


def query(database: Path, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql, list(parameters)).fetchall()
    finally:
        con.close()


def scalar(database: Path, sql: str, parameters: Sequence[object] = ()) -> object:
    return query(database, sql, parameters)[0][0]


def content_digest(
    database: Path,
    tables: Iterable[str] = ("audit.quarantined_rows",),
) -> dict[str, str]:
    """sha256 of every marts table and view (and `tables`), rows in a total order (order by all).

    Content, not file bytes: two warehouse files with equal data differ in bytes.
    """
    con = duckdb.connect(str(database), read_only=True)
    try:
        marts = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema = 'marts' order by 1"
        ).fetchall()
        digests: dict[str, str] = {}
        for name in [row[0] for row in marts] + list(tables):
            rows = con.execute(f"select * from {name} order by all").fetchall()
            digests[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return digests
    finally:
        con.close()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_warehouse(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def csv_cell(value: Cell) -> bytes:
    """One CSV cell as bytes (RFC 4180 quoting); bytes are written as they are."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8")
    if any(mark in raw for mark in (b",", b'"', b"\n", b"\r")) or raw != raw.strip():
        return b'"' + raw.replace(b'"', b'""') + b'"'
    return raw


def csv_line(header: Sequence[str], values: Mapping[str, Cell]) -> bytes:
    return b",".join(csv_cell(values.get(name, "")) for name in header) + b"\n"


def read_csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a raw CSV file (invalid bytes shown as U+FFFD)."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]

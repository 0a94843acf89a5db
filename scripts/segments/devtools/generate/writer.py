"""Output: argument checks, the part files each table is written to (published
atomically as CSV or Parquet), per-chunk id sequences and the tally of injected defects."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import duckdb
import numpy as np

from segments.core import raw_schema, sql
from segments.core.errors import SegmentsError
from segments.devtools.generate.frames import (
    Rows,
    _columns,
    _csv_text,
    _row_count,
    generated_columns,
)
from segments.devtools.generate.reference import (
    _ID_SPACES,
    _IDS_PER_CHUNK,
    CHUNK_SIZE,
    FORMATS,
    MANIFEST_NAME,
    MAX_CUSTOMERS,
    REPORTING_CURRENCY,
    WINDOW_END,
    WINDOW_START,
)


@dataclass(frozen=True)
class Manifest:
    """What was written: row counts and exactly which defects were injected."""

    seed: int
    customers: int
    format: str
    rows: dict[str, int]
    quarantined: dict[str, dict[str, int]]
    repaired: dict[str, dict[str, int]]
    duplicates: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "customers": self.customers,
            "format": self.format,
            "window": {"start": WINDOW_START.isoformat(), "end": WINDOW_END.isoformat()},
            "reporting_currency": REPORTING_CURRENCY,
            "tables": {name: {"rows": count} for name, count in self.rows.items()},
            "quarantined": self.quarantined,
            "repaired": self.repaired,
            "duplicates": self.duplicates,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _validate(customers: int, seed: int, fmt: str) -> None:
    if not isinstance(customers, int) or customers < 1:
        raise SegmentsError(f"--customers must be a whole number of at least 1 (got {customers})")
    if customers > MAX_CUSTOMERS:
        raise SegmentsError(f"--customers must be at most {MAX_CUSTOMERS:,} (got {customers:,})")
    if not isinstance(seed, int) or seed < 0:
        raise SegmentsError(f"--seed must be a non-negative whole number (got {seed})")
    if fmt not in FORMATS:
        raise SegmentsError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _prepare_out_dir(out: Path, fmt: str) -> Path:
    """Create `out`, prove it is writable, drop a previous run's other-format files."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".segments-write-probe"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as error:
        raise SegmentsError(f"cannot write to output directory {out}: {error}") from None
    if (out / MANIFEST_NAME).exists():
        # Only a directory this command wrote before: a loader must never see both formats.
        for other in FORMATS:
            if other != fmt:
                for tbl in raw_schema.TABLES:
                    (out / f"{tbl.name}.{other}").unlink(missing_ok=True)
    return out


def _chunks(customers: int) -> Iterator[tuple[int, int]]:
    """(first customer number, size) per chunk; customer numbers start at 1."""
    for start in range(0, customers, CHUNK_SIZE):
        yield start + 1, min(CHUNK_SIZE, customers - start)


def _report_progress(done: int, total: int, chunk_index: int, chunks: int) -> None:
    """One line per chunk; on a terminal the line is rewritten in place."""
    live = sys.stderr.isatty()
    message = f"generate: {done:,}/{total:,} customers (chunk {chunk_index + 1}/{chunks})"
    end = "" if live and chunk_index + 1 < chunks else "\n"
    print(("\r" if live else "") + message, end=end, file=sys.stderr, flush=True)


@dataclass
class _Tally:
    """Counts of injected defects, by table."""

    quarantined: dict[str, Counter[str]] = field(default_factory=dict)
    repaired: dict[str, Counter[str]] = field(default_factory=dict)
    duplicates: Counter[str] = field(default_factory=Counter)

    def add(self, other: _Tally) -> None:
        for table, counts in other.quarantined.items():
            self.quarantined.setdefault(table, Counter()).update(counts)
        for table, counts in other.repaired.items():
            self.repaired.setdefault(table, Counter()).update(counts)
        self.duplicates.update(other.duplicates)

    def quarantine(self, table: str, reason: str, count: int) -> None:
        self.quarantined.setdefault(table, Counter())[reason] += count

    def repair(self, table: str, reason: str, count: int) -> None:
        self.repaired.setdefault(table, Counter())[reason] += count

    def manifest(self, seed: int, customers: int, fmt: str, rows: dict[str, int]) -> Manifest:
        names = [tbl.name for tbl in raw_schema.TABLES]
        return Manifest(
            seed=seed,
            customers=customers,
            format=fmt,
            rows=dict(rows),
            quarantined={name: dict(self.quarantined.get(name, {})) for name in names},
            repaired={name: dict(self.repaired.get(name, {})) for name in names},
            duplicates={name: self.duplicates[name] for name in names},
        )


class _Sequences:
    """Running numbers for keys that must stay unique across chunks.

    Each chunk numbers its rows of a kind in its own block of ids
    (`_IDS_PER_CHUNK`), so no chunk depends on another.
    """

    def __init__(self, chunk_index: int) -> None:
        self._chunk_index = chunk_index
        self._next: Counter[str] = Counter()

    def take(self, kind: str, count: int) -> np.ndarray:
        capacity = _IDS_PER_CHUNK[kind]
        used = self._next[kind]
        if used + count > capacity:
            raise AssertionError(f"chunk {self._chunk_index} needs more than {capacity} {kind} ids")
        self._next[kind] += count
        first = _ID_SPACES.get(kind, 1) + self._chunk_index * capacity + used
        return np.arange(first, first + count, dtype=np.int64)


class _PartWriter:
    """Appends CSV text per table to `<table>.csv.partial`; publishes them at the end."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.rows: dict[str, int] = {tbl.name: 0 for tbl in raw_schema.TABLES}
        self._paths = {tbl.name: out / f"{tbl.name}.csv.partial" for tbl in raw_schema.TABLES}
        self._handles: dict[str, TextIO] = {}
        for tbl in raw_schema.TABLES:
            handle = self._paths[tbl.name].open("w", encoding="utf-8", newline="")
            handle.write(",".join(generated_columns(tbl.name)) + "\n")
            self._handles[tbl.name] = handle

    def write(self, name: str, rows: Rows) -> None:
        columns = generated_columns(name)
        if _columns(rows) != columns:
            raise AssertionError(f"{name}: columns {_columns(rows)} differ from {columns}")
        count = _row_count(rows)
        self.write_text(name, _csv_text(rows) if count else "", count)

    def write_text(self, name: str, text: str, count: int) -> None:
        if count:
            self._handles[name].write(text)
            self.rows[name] += count

    def publish(self, fmt: str) -> None:
        self._close()
        for tbl in raw_schema.TABLES:
            part = self._paths[tbl.name]
            if fmt == "csv":
                part.replace(self.out / f"{tbl.name}.csv")
                continue
            target = self.out / f"{tbl.name}.parquet.partial"
            _csv_to_parquet(part, target, generated_columns(tbl.name))
            target.replace(self.out / f"{tbl.name}.parquet")
            part.unlink()

    def discard(self) -> None:
        self._close()
        for tbl in raw_schema.TABLES:
            self._paths[tbl.name].unlink(missing_ok=True)
            (self.out / f"{tbl.name}.parquet.partial").unlink(missing_ok=True)

    def _close(self) -> None:
        for handle in self._handles.values():
            handle.close()


def _csv_to_parquet(source: Path, target: Path, columns: list[str]) -> None:
    """All-text Parquet; one thread and insertion order keep the bytes deterministic."""
    types = ", ".join(f"{sql.literal(name)}: 'VARCHAR'" for name in columns)
    connection = duckdb.connect()
    try:
        connection.execute("set threads = 1")
        connection.execute("set preserve_insertion_order = true")
        connection.execute(
            f"copy (select * from read_csv({sql.literal(str(source))}, header = true, "
            f"delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
            f"columns = {{{types}}})) to {sql.literal(str(target))} (format parquet)"
        )
    finally:
        connection.close()

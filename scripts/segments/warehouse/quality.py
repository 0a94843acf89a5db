"""The data-quality summary a build prints: per raw table, rows loaded, clean,
quarantined (by top reasons), merged as duplicates, and a loud warning when a
table lost more than a share of its rows (`--strict` makes that a failure
before the warehouse is replaced).

A mass loss is a wrong input far more often than dirty data: orders in EUR
without an `fx_rates` file lose 69% of their rows as `unknown_currency`; a
file whose rows mostly repeat another row's key (an export appended to
itself, a join that fanned out) keeps one row per key. Rows merged as
duplicates are lost to the marts as surely as quarantined ones, so both count.
The build must say so, not exit 0 with no word.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from segments.core.errors import SegmentsError

DEFAULT_MAX_QUARANTINE_SHARE = 0.10
TOP_REASONS = 3


class DataQualityError(SegmentsError):
    """`--strict`: a table lost more than the allowed share of its rows."""

    exit_code = 5


@dataclass(frozen=True)
class TableQuality:
    """Where one raw table's rows went (audit.row_reconciliation and the quarantine)."""

    source_table: str
    raw_rows: int
    clean_rows: int
    rejected_rows: int
    duplicate_rows: int
    repaired_rows: int
    top_reasons: tuple[tuple[str, int], ...]

    @property
    def rejected_share(self) -> float:
        return self.rejected_rows / self.raw_rows if self.raw_rows else 0.0

    @property
    def lost_share(self) -> float:
        """The share of the raw rows that reached no mart: rejected or merged as duplicates."""
        lost = self.rejected_rows + self.duplicate_rows
        return lost / self.raw_rows if self.raw_rows else 0.0

    def loss(self) -> str:
        """`lost 98% of its rows (15,778 merged as duplicates)`, naming what lost them."""
        causes = []
        if self.rejected_rows:
            mostly = f", mostly {self.top_reasons[0][0]}" if self.top_reasons else ""
            causes.append(f"{self.rejected_rows:,} quarantined{mostly}")
        if self.duplicate_rows:
            causes.append(f"{self.duplicate_rows:,} merged as duplicates")
        return f"{self.source_table} lost {self.lost_share:.0%} of its rows ({'; '.join(causes)})"

    def line(self) -> str:
        reasons = ", ".join(f"{reason} {count:,}" for reason, count in self.top_reasons)
        quarantined = f"{self.rejected_rows:,} quarantined ({self.rejected_share:.1%})"
        return (
            f"  {self.source_table:<22} {self.raw_rows:>11,} loaded {self.clean_rows:>11,} clean "
            f"{quarantined}"
            + (f": {reasons}" if reasons else "")
            + (f"; {self.repaired_rows:,} repaired" if self.repaired_rows else "")
            + (f"; {self.duplicate_rows:,} duplicates merged" if self.duplicate_rows else "")
        )


def summarise(database: Path) -> list[TableQuality]:
    """Per raw table that has rows: counts and the most frequent rejection reasons."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        counts = con.execute(
            "select source_table, raw_rows, clean_rows, rejected_rows, duplicate_rows, "
            "repaired_rows from audit.row_reconciliation where raw_rows > 0 order by source_table"
        ).fetchall()
        reasons = con.execute(
            "select source_table, reason_code, count(*) as rows from audit.quarantined_rows "
            "where disposition = 'rejected' group by all order by source_table, rows desc, "
            "reason_code"
        ).fetchall()
    finally:
        con.close()
    by_table: dict[str, list[tuple[str, int]]] = {}
    for table, reason, rows in reasons:
        by_table.setdefault(table, []).append((reason, rows))
    return [
        TableQuality(*row, top_reasons=tuple(by_table.get(row[0], [])[:TOP_REASONS]))
        for row in counts
    ]


def over_share(tables: list[TableQuality], max_share: float) -> list[TableQuality]:
    """The tables that lost more than `max_share` of their rows (quarantined or merged)."""
    return [table for table in tables if table.lost_share > max_share]


def warning(losers: list[TableQuality], max_share: float) -> str:
    names = "; ".join(table.loss() for table in losers)
    return (
        f"{names}: more than {max_share:.0%} of a table lost (--max-quarantine-share). A wrong "
        "file, mapping or missing table (fx_rates, customers), or a file appended to itself, "
        "is more likely than dirty data; see audit.quarantined_rows and audit.row_reconciliation."
    )


def report(tables: list[TableQuality], max_share: float) -> list[str]:
    """The summary lines, and the warning when a table lost too much."""
    lines = ["data quality (raw rows -> clean / quarantined, top reasons):"]
    lines += [table.line() for table in tables]
    losers = over_share(tables, max_share)
    if losers:
        lines += ["", "WARNING: " + warning(losers, max_share)]
    return lines


def check_strict(tables: list[TableQuality], max_share: float) -> None:
    """`--strict`: refuse the build when a table lost more than `max_share` of its rows."""
    losers = over_share(tables, max_share)
    if losers:
        raise DataQualityError(warning(losers, max_share) + " Nothing was changed (--strict).")

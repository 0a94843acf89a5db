"""The landing folder: the raw files of a warehouse, as Parquet, next to it.

`segments build --raw-dir DIR` converts each raw file once into
`<warehouse>.raw/<table>-<version>.parquet` (every column as it arrived, in file
order), and the warehouse's `raw` schema holds one view per table over its file.
Raw data so stays out of the warehouse file (Parquet is a fifth of the CSV's
size, and written faster than DuckDB's own table storage), while `raw.<table>`
still reads like a table to dbt and to anyone auditing.

Versions make the swap safe: a build writes new files under a new version name
beside the files the live warehouse reads, so until the new warehouse replaces
it the old one keeps working. The files the live warehouse's views name are the
ones in use; any other file is a left-over of a replaced, failed or killed
build, removed by `remove_unreferenced`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

SUFFIX = ".parquet"
RAW_SCHEMA = "raw"


@dataclass(frozen=True)
class Landing:
    """One version of the raw files of a warehouse."""

    folder: Path
    version: str

    def path(self, table: str) -> Path:
        return self.folder / f"{table}-{self.version}{SUFFIX}"

    def discard(self) -> None:
        """Remove this version's files (a build that did not finish)."""
        for path in self.folder.glob(f"*-{self.version}{SUFFIX}"):
            path.unlink(missing_ok=True)


def folder_for(warehouse: Path) -> Path:
    """`warehouse.duckdb` -> `warehouse.raw/`, beside it."""
    return warehouse.with_name(warehouse.stem + ".raw")


def new_version(folder: Path) -> Landing:
    """A version no earlier build used: the time and this process id."""
    folder.mkdir(parents=True, exist_ok=True)
    return Landing(folder, time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}")


def referenced_files(warehouse: Path) -> set[str]:
    """The landing file names the warehouse's raw views read."""
    if not warehouse.exists():
        return set()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        definitions = " ".join(
            sql
            for (sql,) in con.execute(
                "select sql from duckdb_views() where schema_name = ?", [RAW_SCHEMA]
            ).fetchall()
        )
    finally:
        con.close()
    folder = folder_for(warehouse)
    return {path.name for path in folder.glob(f"*{SUFFIX}") if path.name in definitions}


def remove_unreferenced(warehouse: Path) -> None:
    """Remove landing files the warehouse does not read (left by earlier builds)."""
    folder = folder_for(warehouse)
    if not folder.is_dir():
        return
    in_use = referenced_files(warehouse)
    for path in folder.glob(f"*{SUFFIX}"):
        if path.name not in in_use:
            path.unlink(missing_ok=True)
    if not any(folder.iterdir()):
        folder.rmdir()

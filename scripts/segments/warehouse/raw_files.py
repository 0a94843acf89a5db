"""The raw files of a folder: one file (or folder of part files) per raw table."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from segments.core import raw_schema
from segments.core.errors import InputFileError
from segments.warehouse import raw_layout

SUFFIXES = raw_layout.PART_SUFFIXES


def find(raw_dir: Path, *, appending: bool = False) -> dict[str, Path]:
    """Raw files (or folders of part files) by table name; unknown files are reported.

    `orders` must be there, unless the files are appended to a warehouse's raw
    tables (a day's events alone are fine then). A name of a table that is no
    readable file or folder (a link that leads nowhere or in a loop, a pipe)
    is refused, naming what it is.
    """
    if not raw_dir.is_dir():
        raise InputFileError(f"raw data directory {raw_dir} does not exist")
    found: dict[str, Path] = {}
    for path in sorted(raw_dir.iterdir()):
        if path.name.startswith(("_", ".")):
            continue
        suffix = next((s for s in SUFFIXES if path.name.endswith(s)), None)
        name = path.name[: -len(suffix)] if suffix else path.name
        if name not in raw_schema.TABLES_BY_NAME or (suffix is None and path.is_file()):
            known = ", ".join(t.name for t in raw_schema.TABLES)
            print(f"note: ignoring {path.name} (raw files are {known}; .csv, .csv.gz, .parquet)")
            continue
        if not (path.is_file() or path.is_dir()):
            raise InputFileError(
                f"{raw_dir / path.name}: {_not_a_file(path)}; {name} cannot be read"
            )
        if name in found:
            raise InputFileError(
                f"{raw_dir}: both {found[name].name} and {path.name} hold table {name}; keep one"
            )
        raw_layout.part_files(path)  # a folder without parts is refused here, by name
        found[name] = path
    missing = [t.name for t in raw_schema.TABLES if t.required and t.name not in found]
    if appending and not found:
        raise InputFileError(f"{raw_dir}: no raw file to append")
    if missing and not appending:
        raise InputFileError(
            f"{raw_dir}: required raw file missing: {', '.join(m + '.csv' for m in missing)}"
        )
    return found


def _not_a_file(path: Path) -> str:
    """What a path that is neither a file nor a folder is, in words."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:
            return "a symbolic link in a loop"
        except OSError:
            return f"a symbolic link to {os.readlink(path)}, which does not exist"
        return "a symbolic link to something that is not a file"
    kinds = {stat.S_ISFIFO: "a named pipe", stat.S_ISSOCK: "a socket"}
    mode = path.lstat().st_mode
    return next((kind for test, kind in kinds.items() if test(mode)), "not a regular file")

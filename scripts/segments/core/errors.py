"""Errors the CLI reports as one clear message and a non-zero exit code."""

from __future__ import annotations


class SegmentsError(Exception):
    """A user-facing failure: the message says what is wrong and where."""

    exit_code = 1


class UsageError(SegmentsError):
    """The command line is wrong: an unknown command or option, a value of the wrong form.
    64 is EX_USAGE of sysexits.h; argparse's own 2 would read as a refused input file."""

    exit_code = 64


class InputFileError(SegmentsError):
    """A raw input file cannot be used (missing column, unparseable values...)."""

    exit_code = 2


class WarehouseLockedError(SegmentsError):
    """Another process is building the same warehouse, or holds it open read-write."""

    exit_code = 3


class StorageError(SegmentsError):
    """The warehouse's folder or file cannot be used: disk full, read-only folder,
    a path that is a directory or not a DuckDB file."""

    exit_code = 4


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that a build cleans up the same way."""

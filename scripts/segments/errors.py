"""Errors the CLI reports as one clear message and a non-zero exit code."""

from __future__ import annotations


class SegmentsError(Exception):
    """A user-facing failure: the message says what is wrong and where."""

    exit_code = 1


class InputFileError(SegmentsError):
    """A raw input file cannot be used (missing column, unparseable values...)."""

    exit_code = 2


class WarehouseLockedError(SegmentsError):
    """Another `segments` process is building the same warehouse."""

    exit_code = 3

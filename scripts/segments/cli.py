"""`segments`: the command line for the whole job.

Each command lives in its own module that exposes `register(subparsers)`;
this module only wires them together and turns `SegmentsError` into a clear
message and a non-zero exit code (never a bare stack trace). Ctrl-C ends a
command with exit code 130, SIGTERM with 143, after the same clean-up; a wrong
command line exits 64 with the closest command or option (`common.Parser`).
`-v` prints everything as it happens (`segments.core.console`).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from segments import __version__
from segments.commands import (
    backfill,
    benchmark,
    build,
    common,
    docs,
    export,
    fit_clv,
    generate,
    load_cdnow,
    report,
)
from segments.core import console
from segments.core.errors import SegmentsError, StorageError, Terminated

COMMANDS = (generate, load_cdnow, build, backfill, fit_clv, report, export, docs, benchmark)
INTERRUPTED_EXIT_CODE = 130  # 128 + SIGINT, what a shell reports for Ctrl-C
TERMINATED_EXIT_CODE = 143  # 128 + SIGTERM


def parser() -> argparse.ArgumentParser:
    root = common.Parser(
        prog="segments",
        description="Customer classification warehouse: generate data, load it, build the marts.",
    )
    root.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common.add_verbose(root, top=True)
    subparsers = root.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=common.CommandParser
    )
    for command in COMMANDS:
        command.register(subparsers)
    for command_parser in subparsers.choices.values():
        common.add_verbose(command_parser)
    return root


@contextmanager
def _sigterm_interrupts() -> Iterator[list[int]]:
    """Make SIGTERM raise `Terminated` (a KeyboardInterrupt), and note that it came.

    A build then removes its work copy as for Ctrl-C. dbt and DuckDB catch the
    interrupt to cancel their work and may end with an error of their own; the
    note lets `main` still say the command was terminated.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def interrupt(signum: int, frame: object) -> None:
        received.append(signum)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    console.set_verbose(args.verbose)
    with _sigterm_interrupts() as terminated:
        try:
            return int(args.func(args) or 0)
        except (SegmentsError, OSError, KeyboardInterrupt) as error:
            if terminated:
                message, code = "terminated", TERMINATED_EXIT_CODE
            elif isinstance(error, KeyboardInterrupt):
                message, code = "interrupted", INTERRUPTED_EXIT_CODE
            elif isinstance(error, SegmentsError):
                message, code = f"error: {error}", error.exit_code
            else:  # an OSError no command explained: a file or a folder
                message, code = f"error: {error}", StorageError.exit_code
            print(message, file=sys.stderr)
            return code


if __name__ == "__main__":
    sys.exit(main())

"""`segments`: the command line for the whole job.

Each command lives in its own module that exposes `register(subparsers)`;
this module only wires them together and turns `SegmentsError` into a clear
message and a non-zero exit code (never a bare stack trace).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from segments import __version__, benchmark, build, fit_clv, generate, load_cdnow, report
from segments.errors import SegmentsError

COMMANDS = (generate, load_cdnow, build, fit_clv, report, benchmark)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="segments",
        description="Customer classification warehouse: generate data, load it, build the marts.",
    )
    root.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SegmentsError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

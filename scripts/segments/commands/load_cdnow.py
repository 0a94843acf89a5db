"""`segments load-cdnow`: the real CDNOW transactions as raw files (devtools.load_cdnow)."""

from __future__ import annotations

import argparse
from pathlib import Path

from segments.commands import common
from segments.devtools import load_cdnow


def register(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "load-cdnow",
        help="Write the real CDNOW transactions as raw files (and optionally build them).",
        description=load_cdnow.DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument(
        "--sample",
        action="store_true",
        help="convert the 2,357-customer sample instead of all 23,570 customers",
    )
    command.add_argument(
        "--out",
        type=Path,
        help="output directory (default: {} or {})".format(*load_cdnow.DEFAULT_OUT.values()),
    )
    command.add_argument(
        "--build",
        action="store_true",
        help="then load the files and run dbt build, as `segments build --raw-dir <out>` does",
    )
    common.add_target(command, "of the build")
    command.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    load_cdnow.load_cdnow(args.out, sample=args.sample, then_build=args.build, target=args.target)
    return 0

"""`segments export`: audiences and the key-account list as files (reporting.export)."""

from __future__ import annotations

import argparse
from pathlib import Path

from segments.commands import common
from segments.core import project
from segments.core.errors import SegmentsError
from segments.reporting import export, match_keys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write audiences (and the key-account list) as CSV or Parquet files, no clear PII",
        description=export.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "audiences", nargs="*", metavar="AUDIENCE", help=f"audience names, or {export.KEY_ACCOUNTS}"
    )
    parser.add_argument(
        "--all", action="store_true", help=f"every audience and {export.KEY_ACCOUNTS}"
    )
    parser.add_argument("--out", type=Path, help="folder for the files (default: target/export)")
    parser.add_argument(
        "--format", choices=export.FORMATS, default="csv", help="(default: %(default)s)"
    )
    parser.add_argument(
        "--include-pii", action="store_true", help="add the clear email (when the warehouse has it)"
    )
    parser.add_argument(
        "--match-keys",
        choices=match_keys.FORMATS,
        default="none",
        help="add the unsalted hashed email and phone an ad platform matches on, normalised "
        "its way (default: %(default)s: only the salted email_hash; docs/operations.md)",
    )
    common.add_target(parser, "whose warehouse to read")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if bool(args.audiences) == bool(args.all):
        raise SegmentsError("name the audiences to export, or give --all (not both)")
    names = None if args.all else list(args.audiences)
    warehouse = project.warehouse_path(args.target)
    out = args.out or project.project_dir() / "target" / "export"
    export.export(warehouse, names, out, args.format, args.include_pii, args.match_keys)
    return 0

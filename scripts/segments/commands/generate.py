"""`segments generate`: deterministic synthetic raw data (devtools.generate)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from segments.commands import common
from segments.devtools import generate
from segments.devtools.generate import reference as ref


def register(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "generate",
        help="Write deterministic synthetic raw data (all raw tables + _manifest.json).",
        description=(
            "Write one file per raw table (CSV or Parquet, all values as text) plus "
            f"{ref.MANIFEST_NAME} into --out. Data covers "
            f"{ref.WINDOW_START} .. {ref.WINDOW_END}; "
            "amounts are in each customer's currency with monthly fx_rates to "
            f"{ref.REPORTING_CURRENCY}. About 1% of rows are deliberately dirty; the manifest "
            "counts exactly what staging must quarantine, repair or deduplicate. The same "
            "--seed, --customers and --format give byte-identical files."
        ),
    )
    command.add_argument(
        "--customers", type=int, default=5000, help="number of customers (default: 5000)"
    )
    common.add_seed(command, default=42)
    command.add_argument("--out", type=Path, required=True, help="output directory")
    command.add_argument(
        "--format",
        choices=ref.FORMATS,
        default="csv",
        dest="fmt",
        help="file format (default: csv)",
    )
    command.add_argument(
        "--progress",
        action="store_true",
        help="report progress on stderr (default: only when stderr is a terminal)",
    )
    command.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    show_progress = bool(args.progress or sys.stderr.isatty())
    manifest = generate.generate(
        args.customers, args.seed, args.out, args.fmt, progress=show_progress
    )
    total = sum(manifest.rows.values())
    print(f"wrote {total:,} rows in {len(manifest.rows)} tables to {args.out}", file=sys.stderr)
    return 0

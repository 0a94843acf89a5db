"""`segments report`: report.html and report.md from the built warehouse (reporting.report)."""

from __future__ import annotations

import argparse
from pathlib import Path

from segments.commands import common
from segments.core import project
from segments.reporting import report


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write report.html (Plotly charts, opens offline) and report.md from the warehouse",
        description=report.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out", type=Path, help="folder for the report files (default: target/report)"
    )
    common.add_target(parser, "whose warehouse to read")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = args.out or project.project_dir() / "target" / "report"
    files = report.report_from_warehouse(project.warehouse_path(args.target), out)
    print(f"wrote {', '.join(path.name for path in files)} to {out}")
    return 0

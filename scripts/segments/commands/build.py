"""`segments build`: load raw files and run `dbt build`, all or nothing (pipeline.build)."""

from __future__ import annotations

import argparse
from pathlib import Path

from segments.commands import common
from segments.core import project
from segments.pipeline import build
from segments.warehouse import load, quality, raw_files


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build",
        help="load raw files into the warehouse and run dbt build",
        description=(
            "Load the raw files of --raw-dir into the warehouse's raw schema (replacing it), "
            "then run `dbt build`. The warehouse is replaced only if everything succeeds."
        ),
    )
    parser.add_argument("--raw-dir", type=Path, help="folder of raw files (orders.csv, ...)")
    parser.add_argument(
        "--append",
        action="store_true",
        help=(
            "add the rows of --raw-dir's files to the warehouse's raw tables instead of replacing "
            "them (new days, late rows, corrections: a row sent again replaces its key's); the "
            "incremental facts then process only the new rows"
        ),
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help=(
            "rebuild the incremental facts from every raw row (after changing a rule var, or a "
            "table other than the facts older than var fact_lookback_days); implied when "
            "--raw-dir replaces the raw tables"
        ),
    )
    common.add_target(parser, "to build")
    common.add_as_of(parser)
    parser.add_argument(
        "--column-map", type=Path, help="YAML mapping of your column names (docs/data-quality.md)"
    )
    common.add_vars(parser)
    parser.add_argument(
        "--select", nargs="+", help="dbt node selection (default: the whole project)"
    )
    parser.add_argument(
        "--exclude",
        nargs="+",
        help="dbt nodes to leave out, e.g. resource_type:unit_test for a daily run",
    )
    common.add_threads(parser)
    parser.add_argument(
        "--max-bad-share",
        type=float,
        default=load.DEFAULT_MAX_BAD_SHARE,
        help=(
            "refuse a file when more than this share of a required column is unparseable, "
            "or of its rows hold bytes that are not UTF-8"
        ),
    )
    parser.add_argument(
        "--max-quarantine-share",
        type=float,
        default=quality.DEFAULT_MAX_QUARANTINE_SHARE,
        help="warn when a raw table loses more than this share of its rows to the quarantine",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help=(
            "fail (warehouse unchanged) instead of warning about --max-quarantine-share "
            "(exit 5) or about the demo PII salt on data that is not the demo data (exit 1)"
        ),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    mapping = project.column_mapping(args.column_map)
    dbt_vars = common.parse_vars(args.dbt_vars, args.as_of)
    if args.column_map is not None:
        dbt_vars["raw_columns"] = mapping
    options = build.BuildOptions(
        warehouse=project.warehouse_path(args.target),
        target=args.target,
        files=raw_files.find(args.raw_dir, appending=args.append) if args.raw_dir else None,
        mapping=mapping,
        dbt_vars=dbt_vars,
        select=args.select,
        exclude=args.exclude,
        threads=args.threads,
        max_bad_share=args.max_bad_share,
        max_quarantine_share=args.max_quarantine_share,
        strict=args.strict,
        append=args.append,
        full_refresh=args.full_refresh,
    )
    build.run_and_report(options)
    return 0

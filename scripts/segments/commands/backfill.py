"""`segments backfill`: compute the segment history of past periods (pipeline.backfill)."""

from __future__ import annotations

import argparse

from segments.commands import common
from segments.core import project
from segments.pipeline import backfill


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "backfill",
        help="compute the segment history of past periods",
        description=(
            "Compute every period from --from to --to (each as of its last day) into "
            "marts.customer_segment_history, --batch periods per dbt run (segment_summary, "
            "tier_migrations and segment_outcomes updated with them), then test them. Periods "
            "already in the history are skipped, so a stopped backfill resumes. Run `segments "
            "build` first."
        ),
    )
    parser.add_argument(
        "--from", dest="first", required=True, metavar="YYYY-MM", help="first period, YYYY-MM"
    )
    parser.add_argument(
        "--to", dest="last", metavar="YYYY-MM", help="last period, YYYY-MM (default: --from)"
    )
    parser.add_argument(
        "--period",
        choices=backfill.PERIODS,
        help="period length (default: var history_period of dbt_project.yml, month)",
    )
    parser.add_argument(
        "--batch",
        type=common.positive_int,
        default=backfill.DEFAULT_BATCH,
        help=f"periods computed in one dbt run (default: {backfill.DEFAULT_BATCH})",
    )
    parser.add_argument(
        "--redo", action="store_true", help="compute periods already in the history again"
    )
    common.add_target(parser, "to backfill")
    common.add_vars(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    warehouse = project.warehouse_path(args.target)
    dbt_vars = common.parse_vars(args.dbt_vars)
    period = args.period or str(project.project_vars().get("history_period", "month"))
    starts = backfill.period_starts(args.first, args.last or args.first, period)
    backfill.run_and_report(warehouse, args.target, starts, period, args.batch, args.redo, dbt_vars)
    return 0

"""`segments benchmark`: wall time and peak memory of each step (devtools.benchmark)."""

from __future__ import annotations

import argparse
from pathlib import Path

from segments.commands import common
from segments.devtools.benchmark import peers, runner, scale


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "benchmark",
        help="time generate, load, build, the CLV fit and the same SQL without dbt, per scale",
        description=(
            "For each --customers value: generate data (or reuse it), load it, run "
            "`segments build --target ci`, time the CLV fit and predictions, run the same "
            "compiled SQL directly with DuckDB and, with --peers, fit the peer CLV libraries; "
            "each in its own process. Markdown tables go to stdout, progress to stderr."
        ),
    )
    parser.add_argument(
        "--customers",
        nargs="+",
        type=common.positive_int,
        default=list(scale.DEFAULT_SCALES),
        metavar="N",
        help="numbers of customers, one run each (default: 10000 100000)",
    )
    common.add_seed(parser, default=scale.DEFAULT_SEED)
    parser.add_argument(
        "--threads",
        type=common.positive_int,
        help="dbt threads (default: the ci target's threads in profiles.yml)",
    )
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="write the results as JSON to FILE"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="work in DIR (new or empty) and keep databases and logs there",
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="DIR",
        help="keep generated raw files in DIR/<customers>-<seed>/ and reuse them when there",
    )
    parser.add_argument(
        "--no-direct",
        dest="direct",
        action="store_false",
        help="skip the direct run of dbt's SQL (it doubles the time of a large scale)",
    )
    parser.add_argument(
        "--no-daily",
        dest="daily",
        action="store_false",
        help="skip the incremental daily run (the next day's rows appended, the facts built)",
    )
    parser.add_argument(
        "--peers",
        action="store_true",
        help="also fit lifetimes and PyMC-Marketing on the same CLV inputs (make bench-peers)",
    )
    parser.add_argument(
        "--peers-python",
        type=Path,
        default=scale.DEFAULT_PEERS_PYTHON,
        metavar="PATH",
        help="python of the peers' virtualenv (default: %(default)s in the project)",
    )
    parser.add_argument(
        "--peer-time-limit",
        type=float,
        default=peers.DEFAULT_TIME_LIMIT_SECONDS,
        metavar="SECONDS",
        help="give up on a peer after this long (default: %(default)s)",
    )
    parser.add_argument(
        "--backfill-months",
        type=int,
        default=scale.DEFAULT_BACKFILL_MONTHS,
        metavar="N",
        help="after the build, time `segments backfill` of the N months before the as-of "
        "date's (default: %(default)s; 0 skips it)",
    )
    parser.add_argument(
        "--memory-limit",
        metavar="SIZE",
        help="DuckDB memory_limit for this run, e.g. 8GB (default: the ci target's, 4GB); "
        "DuckDB spills to disk beyond it",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    runner.run_benchmark(args)
    return 0

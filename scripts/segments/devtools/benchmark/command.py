"""`segments benchmark`: the command line and the run over every scale."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from segments.commands import common as options
from segments.core import project
from segments.core.errors import SegmentsError
from segments.devtools.benchmark import peers
from segments.devtools.benchmark.environment import (
    machine_info,
    profile_output,
    snapshot_project,
    versions,
)
from segments.devtools.benchmark.measure import progress
from segments.devtools.benchmark.report import (
    markdown_table,
    peers_table,
    slowest_nodes_table,
)
from segments.devtools.benchmark.scale import (
    DEFAULT_BACKFILL_MONTHS,
    DEFAULT_PEERS_PYTHON,
    DEFAULT_SCALES,
    DEFAULT_SEED,
    TARGET,
    benchmark_scale,
    save_results,
)
from segments.pipeline import build


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
        type=build.positive_int,
        default=list(DEFAULT_SCALES),
        metavar="N",
        help="numbers of customers, one run each (default: 10000 100000)",
    )
    options.add_seed(parser, default=DEFAULT_SEED)
    parser.add_argument(
        "--threads",
        type=build.positive_int,
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
        default=DEFAULT_PEERS_PYTHON,
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
        default=DEFAULT_BACKFILL_MONTHS,
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


def set_memory_limit(project_copy: Path, memory_limit: str) -> None:
    """Set the ci target's DuckDB memory_limit in the benchmark's copy of profiles.yml."""
    path = project_copy / "profiles.yml"
    profiles = yaml.safe_load(path.read_text())
    for profile in profiles.values():
        profile["outputs"][TARGET].setdefault("settings", {})["memory_limit"] = memory_limit
    path.write_text(yaml.safe_dump(profiles, sort_keys=False), encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    root = project.project_dir()
    if not args.peers_python.is_absolute():
        args.peers_python = root / args.peers_python
    work = _work_dir(args.keep)
    project_copy = snapshot_project(root, work / "project")
    if args.memory_limit:
        set_memory_limit(project_copy, args.memory_limit)
    output = profile_output(project_copy, TARGET)
    results: dict[str, Any] = {
        "complete": False,
        "machine": machine_info(),
        "versions": versions(),
        "settings": {
            "seed": args.seed,
            "target": TARGET,
            "dbt_threads": args.threads or output.get("threads"),
            "duckdb_settings": output.get("settings", {}),
        },
        "scales": [],
    }
    try:
        for index, customers in enumerate(args.customers, start=1):
            scale: dict[str, Any] = {"customers": customers, "complete": False}
            results["scales"].append(scale)
            try:
                benchmark_scale(scale, args, work / f"{index}-{customers}", project_copy, results)
            except BaseException as error:
                scale["error"] = str(error) or type(error).__name__
                raise
            finally:
                save_results(args, results)
        results["complete"] = True
        save_results(args, results)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            progress(f"kept {work}")
    print(markdown_table(results["scales"]))
    for scale in results["scales"]:
        print()
        print(slowest_nodes_table(scale))
        if scale.get("peers"):
            print()
            print(peers_table(scale))
    if args.json is not None:
        progress(f"wrote {args.json}")
    return 0


def _work_dir(keep: Path | None) -> Path:
    """The scratch folder: a new temporary one, or `--keep DIR` if new or empty."""
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="segments-benchmark-"))
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise SegmentsError(f"--keep {keep}: must be a new or empty folder")
    keep.mkdir(parents=True, exist_ok=True)
    return keep.resolve()

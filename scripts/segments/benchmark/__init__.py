"""`segments benchmark`: wall time and peak memory of each step, per number of customers.

For each scale, every step runs in its own child process, so its peak resident
memory (`ru_maxrss` from `os.wait4`) is its own:

1. `segments generate` (seed 42, CSV), or the files of an earlier run
   (`--reuse DIR`);
2. the load alone (`segments.load.load_raw` into a fresh database), which is
   also the database the direct run (6) works on;
3. `segments build --raw-dir ... --target ci`: load + `dbt build` of every
   model, data test and unit test, as a user runs it;
4. dbt's own timing from `run_results.json`: elapsed time, and each node's
   `execution_time` summed per kind (dbt runs two nodes at once, so these sums
   are busy time, not elapsed time), and the slowest nodes;
5. the CLV fits and predictions alone, timed on the built warehouse with the
   functions its Python models call (`clv_timing.py`);
6. "direct" (unless `--no-direct`): the SQL dbt ran, without dbt, one model
   after another on one connection (`direct.py`); the ratio of dbt's model
   time to it is dbt's overhead;
7. with `--peers`: lifetimes and PyMC-Marketing fitted on the same CLV inputs
   (`peers.py`), their times and parameters next to ours.

dbt runs on a copy of the project taken when the benchmark starts, so its
`target/` and `logs/` are the benchmark's own, and every scale parses the
project from scratch, as a fresh CI checkout does. Progress goes to stderr, the
Markdown tables to stdout, and the JSON file (`--json`) is written after every
step, so a run stopped or failed at a later step keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from segments import build, generate, project
from segments.benchmark import peers
from segments.benchmark.artifacts import (
    direct_plan,
    row_count_mismatches,
    run_results_summary,
    seed_column_types,
    slowest_nodes,
)
from segments.benchmark.environment import (
    machine_info,
    profile_output,
    snapshot_project,
    versions,
)
from segments.benchmark.measure import Measured, progress, run_step
from segments.benchmark.report import (
    markdown_table,
    peers_table,
    slowest_nodes_table,
    write_json,
)
from segments.errors import SegmentsError

DEFAULT_SCALES = (10_000, 100_000)
DEFAULT_SEED = 42
TARGET = "ci"
# The file name is DuckDB's catalog name, which compiled SQL spells out in full:
# the direct run's database must have the same name as the built one.
DATABASE_NAME = "bench.duckdb"
DEFAULT_PEERS_PYTHON = Path(".venv-peers/bin/python")


# --------------------------------------------------------------------------- #
# Command line
# --------------------------------------------------------------------------- #
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
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="generator seed (default: 42)"
    )
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
                _save(args, results)
        results["complete"] = True
        _save(args, results)
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


def _save(args: argparse.Namespace, results: dict[str, Any]) -> None:
    if args.json is not None:
        write_json(args.json, results)


def _work_dir(keep: Path | None) -> Path:
    """The scratch folder: a new temporary one, or `--keep DIR` if new or empty."""
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="segments-benchmark-"))
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise SegmentsError(f"--keep {keep}: must be a new or empty folder")
    keep.mkdir(parents=True, exist_ok=True)
    return keep.resolve()


# --------------------------------------------------------------------------- #
# One scale
# --------------------------------------------------------------------------- #
def benchmark_scale(
    scale: dict[str, Any],
    args: argparse.Namespace,
    work: Path,
    project_copy: Path,
    results: dict[str, Any],
) -> None:
    """Measure every step for `scale['customers']`, filling `scale` (saved after each step)."""
    customers = scale["customers"]
    label = f"{customers:,} customers"
    logs = work / "logs"
    warehouse = work / DATABASE_NAME
    direct_db = work / "direct" / DATABASE_NAME
    direct_db.parent.mkdir(parents=True)
    env = {
        **os.environ,
        "SEGMENTS_PROJECT_DIR": str(project_copy),
        "DBT_PROFILES_DIR": str(project_copy),
        "DUCKDB_PATH": str(warehouse),
    }
    python = [sys.executable, "-m"]

    def step(name: str, command: list[str]) -> Measured:
        measured = run_step(label, name, command, logs, env)
        _save(args, results)
        return measured

    raw_dir = raw_dir_for(args, work, customers)
    if (raw_dir / generate.MANIFEST_NAME).exists():
        progress(f"{label}: reusing the raw files of {raw_dir}")
        scale["generate"] = {"reused": str(raw_dir)}
    else:
        measured = step(
            "generate",
            [
                *python,
                *("segments.cli", "generate", "--customers", str(customers)),
                *("--seed", str(args.seed), "--out", str(raw_dir)),
            ],
        )
        scale["generate"] = {"wall_s": measured.wall_seconds, "peak_rss_mb": measured.peak_mb}
    manifest = json.loads((raw_dir / generate.MANIFEST_NAME).read_text())
    scale["raw_rows"] = {name: table["rows"] for name, table in manifest["tables"].items()}
    scale["orders"] = scale["raw_rows"].get("orders", 0)
    scale["raw_bytes"] = sum(path.stat().st_size for path in raw_dir.glob("*.csv"))

    measured = step("load", [*python, "segments.benchmark", "load", str(direct_db), str(raw_dir)])
    scale["load_wall_s"], scale["load_peak_rss_mb"] = measured.wall_seconds, measured.peak_mb
    if not args.direct:
        # Only the direct run reads it: give its disk back to the build (4 GB at 10M customers).
        shutil.rmtree(direct_db.parent)

    # Every scale parses from scratch: no partial_parse.msgpack from the previous one.
    shutil.rmtree(project_copy / "target", ignore_errors=True)
    command = [*python, "segments.cli", "build", "--raw-dir", str(raw_dir), "--target", TARGET]
    if args.threads:
        command += ["--threads", str(args.threads)]
    measured = step("build", command)
    scale["build_wall_s"], scale["peak_rss_mb"] = measured.wall_seconds, measured.peak_mb
    scale["load_average_1m_after_build"] = measured.load_average
    scale["warehouse_bytes"] = warehouse.stat().st_size
    landing = warehouse.with_name(warehouse.stem + ".raw")
    scale["landing_bytes"] = sum(path.stat().st_size for path in landing.glob("*"))

    artifacts = project_copy / "target" / TARGET
    for name in ("manifest.json", "run_results.json"):
        shutil.copy2(artifacts / name, work / name)
    dbt_manifest = json.loads((work / "manifest.json").read_text())
    run_results = json.loads((work / "run_results.json").read_text())
    dbt = run_results_summary(run_results)
    kinds = dbt["kinds"]
    scale["dbt_wall_s"] = dbt["elapsed_seconds"]
    scale["models_s"] = kinds["models"]["seconds"]
    scale["tests_s"] = kinds["data_tests"]["seconds"]
    scale["unit_tests_s"] = kinds["unit_tests"]["seconds"]
    scale["seeds_s"] = kinds["seeds"]["seconds"]
    scale["nodes"] = {kind: entry["count"] for kind, entry in kinds.items()}
    scale["slowest_nodes"] = slowest_nodes(run_results, {})
    _save(args, results)

    inputs_csv = work / "clv_inputs.csv"
    timings = work / "clv_timings.json"
    child = [*python, "segments.benchmark"]
    step(
        "clv",
        [*child, "clv", str(warehouse), str(work / "manifest.json"), str(inputs_csv), str(timings)],
    )
    clv = json.loads(timings.read_text())
    scale["clv_fit_s"], scale["clv_predict_s"] = clv["fit_seconds"], clv["predict_seconds"]
    scale["clv"] = clv
    progress(
        f"{label}: CLV fits {clv['fit_seconds']:.2f} s, predictions {clv['predict_seconds']:.2f} s "
        f"({clv['customers']:,} customers)"
    )

    if args.direct:
        plan = direct_plan(
            dbt_manifest, run_results, seed_column_types(warehouse, dbt_manifest), project_copy
        )
        plan_path = work / "direct_plan.json"
        settings = profile_output(project_copy, TARGET).get("settings", {})
        plan_path.write_text(json.dumps({"settings": settings, "steps": plan}), encoding="utf-8")
        timings_path = work / "direct_timings.json"
        measured = step(
            "direct", [*child, "direct", str(direct_db), str(plan_path), str(timings_path)]
        )
        scale["direct"] = direct_summary(
            json.loads(timings_path.read_text()), measured, scale["models_s"], warehouse, direct_db
        )
        scale["slowest_nodes"] = slowest_nodes(run_results, scale["direct"]["seconds_by_node"])

    if args.peers:
        found = peers.run_peers(args.peers_python, inputs_csv, work, label, args.peer_time_limit)
        scale["peers"] = peers.compare(clv, found)
    scale["complete"] = True


def raw_dir_for(args: argparse.Namespace, work: Path, customers: int) -> Path:
    """Where the raw files of this scale are (or go): --reuse DIR/<customers>-<seed>, else work."""
    if args.reuse is None:
        return work / "raw"
    return (args.reuse / f"{customers}-{args.seed}").resolve()


def direct_summary(
    timings: dict[str, Any], measured: Measured, dbt_models: float, built: Path, direct: Path
) -> dict[str, Any]:
    """The direct run against dbt's: model seconds, ratio, and whether the row counts agree."""
    by_node = {step["unique_id"]: step["seconds"] for step in timings["steps"]}
    models = sum(seconds for node, seconds in by_node.items() if node.startswith("model."))
    mismatches = row_count_mismatches(built, direct)
    if mismatches:
        progress(f"row counts differ between dbt and direct: {mismatches}")
    return {
        "models_s": round(models, 3),
        "wall_s": measured.wall_seconds,
        "peak_rss_mb": measured.peak_mb,
        "ratio_dbt_models_to_direct": round(dbt_models / models, 2) if models else None,
        "row_counts_match": not mismatches,
        "row_count_mismatches": mismatches,
        "seconds_by_node": by_node,
    }

"""One scale of the benchmark: every step for one number of customers, in order."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb

from segments.devtools import generate
from segments.devtools.benchmark import peers
from segments.devtools.benchmark.artifacts import (
    direct_plan,
    row_count_mismatches,
    run_results_summary,
    seed_column_types,
    slowest_nodes,
)
from segments.devtools.benchmark.daily import write_next_day
from segments.devtools.benchmark.environment import (
    profile_output,
)
from segments.devtools.benchmark.measure import Measured, progress, run_step
from segments.devtools.benchmark.report import write_json

DEFAULT_SCALES = (10_000, 100_000)
DEFAULT_SEED = 42
TARGET = "ci"
# The file name is DuckDB's catalog name, which compiled SQL spells out in full:
# the direct run's database must have the same name as the built one.
DATABASE_NAME = "bench.duckdb"
DEFAULT_PEERS_PYTHON = Path(".venv-peers/bin/python")
DEFAULT_BACKFILL_MONTHS = 24


def save_results(args: argparse.Namespace, results: dict[str, Any]) -> None:
    """Write the results so far to `--json` (after every step: a stopped run keeps them)."""
    if args.json is not None:
        write_json(args.json, results)


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
        save_results(args, results)
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

    measured = step(
        "load", [*python, "segments.devtools.benchmark", "load", str(direct_db), str(raw_dir)]
    )
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
    save_results(args, results)

    inputs_csv = work / "clv_inputs.csv"
    timings = work / "clv_timings.json"
    child = [*python, "segments.devtools.benchmark"]
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

    if args.daily:
        # After the direct run (its row counts are compared with the build's marts).
        next_day = work / "next_day"
        rows = write_next_day(warehouse, next_day)
        measured = step(
            "daily",
            [
                *python,
                *("segments.cli", "build", "--raw-dir", str(next_day), "--append"),
                *("--select", "tag:facts", "--exclude", "resource_type:unit_test"),
                *("--target", TARGET),
            ],
        )
        daily_results = json.loads((artifacts / "run_results.json").read_text())
        scale["daily"] = {
            "rows": rows,
            "wall_s": measured.wall_seconds,
            "peak_rss_mb": measured.peak_mb,
            "dbt_wall_s": run_results_summary(daily_results)["elapsed_seconds"],
            "share_of_build": round(measured.wall_seconds / scale["build_wall_s"], 3),
        }

    if args.backfill_months > 0:
        # After the direct run: its row counts are compared with the build's marts.
        first, last = backfill_range(warehouse, args.backfill_months)
        measured = step(
            "backfill",
            [
                *python,
                "segments.cli",
                "backfill",
                "--from",
                first,
                "--to",
                last,
                "--target",
                TARGET,
            ],
        )
        scale["backfill"] = {
            "months": args.backfill_months,
            "from": first,
            "to": last,
            "wall_s": measured.wall_seconds,
            "peak_rss_mb": measured.peak_mb,
            "warehouse_bytes": warehouse.stat().st_size,
        }

    if args.peers:
        found = peers.run_peers(args.peers_python, inputs_csv, work, label, args.peer_time_limit)
        scale["peers"] = peers.compare(clv, found)
    scale["complete"] = True


def backfill_range(warehouse: Path, months: int) -> tuple[str, str]:
    """The `months` months before the month of the built warehouse's as-of date, as YYYY-MM."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        as_of = con.execute("select max(as_of_date) from marts.customer_segments").fetchall()[0][0]
    index = as_of.year * 12 + as_of.month - 1
    first, last = index - months, index - 1
    return f"{first // 12}-{first % 12 + 1:02d}", f"{last // 12}-{last % 12 + 1:02d}"


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

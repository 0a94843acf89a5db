"""The run of `segments benchmark` over every scale."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from segments.core import project
from segments.core.errors import SegmentsError
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
    TARGET,
    benchmark_scale,
    save_results,
)


def set_memory_limit(project_copy: Path, memory_limit: str) -> None:
    """Set the ci target's DuckDB memory_limit in the benchmark's copy of profiles.yml."""
    path = project_copy / "profiles.yml"
    profiles = yaml.safe_load(path.read_text())
    for profile in profiles.values():
        profile["outputs"][TARGET].setdefault("settings", {})["memory_limit"] = memory_limit
    path.write_text(yaml.safe_dump(profiles, sort_keys=False), encoding="utf-8")


def run_benchmark(args: argparse.Namespace) -> None:
    """Run every scale of `args` (the options of `segments benchmark`); print the tables."""
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


def _work_dir(keep: Path | None) -> Path:
    """The scratch folder: a new temporary one, or `--keep DIR` if new or empty."""
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="segments-benchmark-"))
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise SegmentsError(f"--keep {keep}: must be a new or empty folder")
    keep.mkdir(parents=True, exist_ok=True)
    return keep.resolve()

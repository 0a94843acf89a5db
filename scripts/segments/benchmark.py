"""`segments benchmark`: wall time and peak memory of each step, per number of customers.

For each scale, in a scratch folder, every step runs in its own child process
so its peak resident memory (`ru_maxrss` from `os.wait4`) is its own:

1. `segments generate` (seed 42, CSV);
2. the load alone (`segments.load.load_raw` into a fresh database), which is
   also the database step 4 runs on;
3. `segments build --raw-dir ... --target ci` (load + `dbt build`);
4. "direct": the SQL dbt ran, without dbt. Every model's compiled SQL from
   `run_results.json`, in dependency order, as `create view` / `create table
   ... as`; seeds read from `seeds/` with `read_csv` (column types as dbt
   created them); the two Python models through the same functions they call
   (`segments.clv_model.fit_parameters` / `predict`).

The dbt side comes from `run_results.json`: each node's `execution_time`
summed per kind (models, seeds, data tests, unit tests). dbt runs the target's
threads (2) at once, so these sums are busy time, not elapsed time; the direct
run is one node after another on one connection with the target's DuckDB
settings. The headline ratio is dbt's model time over the direct model time.

dbt runs on a copy of the project taken when the benchmark starts, so its
`target/` and `logs/` are the benchmark's own (no other build writes into
them, and files edited meanwhile do not change the run halfway), and every
scale parses the project from scratch, as a fresh CI checkout does.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import yaml

from segments import __version__, build, generate, project
from segments.errors import SegmentsError

DEFAULT_SCALES = (10_000, 100_000)
DEFAULT_SEED = 42
TARGET = "ci"
# The file name is DuckDB's catalog name, which compiled SQL spells out in full:
# the direct run's database must have the same name as the built one.
DATABASE_NAME = "bench.duckdb"
# What dbt reads from the project root; everything else stays behind.
PROJECT_ENTRIES = (
    "dbt_project.yml",
    "profiles.yml",
    "packages.yml",
    "dependencies.yml",
    "package-lock.yml",
    "models",
    "macros",
    "seeds",
    "tests",
    "analyses",
    "snapshots",
    "dbt_packages",
)
# Tables whose row counts must agree between the dbt build and the direct run.
COMPARED_SCHEMAS = ("marts", "audit")
PYTHON_MODEL_INPUTS = {
    "clv_model_parameters": ("int_clv_inputs", "int_as_of_date"),
    "int_clv_predictions": ("int_clv_inputs", "clv_model_parameters"),
}
# run_results.json unique_id prefix -> the kind it is reported under.
RUN_RESULT_KINDS = {
    "model": "models",
    "seed": "seeds",
    "test": "data_tests",
    "unit_test": "unit_tests",
    "exposure": "exposures",
}
TAIL_LINES = 25
SLOWEST_NODES = 10
_KIB_PER_MIB = 1024


# --------------------------------------------------------------------------- #
# Command line
# --------------------------------------------------------------------------- #
def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "benchmark",
        help="time generate, load, dbt build and the same SQL without dbt, per scale",
        description=(
            "For each --customers value: generate data, load it, run `segments build "
            "--target ci` and the same compiled SQL directly with DuckDB, each in its own "
            "process; report wall time, peak memory and dbt's per-node times. A Markdown "
            "table goes to stdout, progress to stderr."
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
    parser.add_argument("--out", type=Path, help="also write the results as JSON to this file")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="work in DIR (new or empty) and keep data, databases and logs there",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = project.project_dir()
    work = _work_dir(args.keep)
    try:
        project_copy = snapshot_project(root, work / "project")
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
        for index, customers in enumerate(args.customers, start=1):
            scale_dir = work / f"{index}-{customers}"
            results["scales"].append(
                benchmark_scale(customers, args.seed, scale_dir, project_copy, args)
            )
            # Written after every scale: a run stopped during a large scale keeps the others.
            results["complete"] = index == len(args.customers)
            if args.out is not None:
                write_json(args.out, results)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            progress(f"kept {work}")
    print(markdown_table(results["scales"]))
    print()
    print(slowest_nodes_table(results["scales"][-1]))
    if args.out is not None:
        progress(f"wrote {args.out}")
    return 0


def write_json(path: Path, results: Mapping[str, Any]) -> None:
    """Write `results` to `path` as indented JSON, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def _work_dir(keep: Path | None) -> Path:
    """The scratch folder: a new temporary one, or `--keep DIR` if new or empty."""
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="segments-benchmark-"))
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise SegmentsError(f"--keep {keep}: must be a new or empty folder")
    keep.mkdir(parents=True, exist_ok=True)
    return keep.resolve()


def progress(message: str) -> None:
    """One progress line on stderr."""
    print(f"benchmark: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- #
# Measuring a child process
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Measured:
    """What one child process took: wall seconds, peak resident memory, exit code, logs."""

    wall_seconds: float
    peak_mb: float
    returncode: int
    stdout: Path
    stderr: Path
    # The machine's 1-minute load average when the step ended: other work competes.
    load_average: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return {
            "wall_seconds": round(self.wall_seconds, 3),
            "peak_mb": round(self.peak_mb, 1),
            "load_average_1m_at_end": self.load_average,
        }


def measure(
    command: Sequence[str],
    log_prefix: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Measured:
    """Run `command` to the end; its wall time and its own peak RSS in MiB.

    Output goes to `<log_prefix>.stdout` / `.stderr`. The peak is the child's
    `ru_maxrss` as `os.wait4` reports it (KiB on Linux): that child (and any
    process it waited for) only, not the maximum over every child this process ran.
    """
    log_prefix.parent.mkdir(parents=True, exist_ok=True)
    stdout = log_prefix.with_name(log_prefix.name + ".stdout")
    stderr = log_prefix.with_name(log_prefix.name + ".stderr")
    with stdout.open("wb") as out, stderr.open("wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(list(command), stdout=out, stderr=err, env=env, cwd=cwd)
        try:
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:
            child.kill()
            child.wait()
            raise
        wall = time.perf_counter() - start
    # Reaped here, not by Popen: tell it, so it never waits for the pid again.
    child.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / _KIB_PER_MIB
    return Measured(wall, peak_mb, child.returncode, stdout, stderr, _load_average())


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def tail(path: Path, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of a log file ('' when absent)."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace").rstrip()
    return "\n".join(text.splitlines()[-lines:])


def checked(step: str, measured: Measured) -> Measured:
    """`measured`, or a SegmentsError naming the step and showing the end of its output."""
    if measured.returncode == 0:
        return measured
    shown = tail(measured.stderr) or tail(measured.stdout) or "(no output)"
    raise SegmentsError(
        f"benchmark step {step!r} failed (exit code {measured.returncode}); "
        f"end of its output:\n{shown}"
    )


def run_step(
    label: str,
    step: str,
    command: Sequence[str],
    logs: Path,
    env: Mapping[str, str] | None = None,
) -> Measured:
    """Measure one step with progress lines before and after; fail on a non-zero exit."""
    progress(f"{label}: {step} ...")
    measured = checked(step, measure(command, logs / step, env=env, cwd=logs.parent))
    progress(
        f"{label}: {step} done in {measured.wall_seconds:.1f} s, peak {measured.peak_mb:,.0f} MB"
    )
    return measured


# --------------------------------------------------------------------------- #
# One scale
# --------------------------------------------------------------------------- #
def benchmark_scale(
    customers: int, seed: int, work: Path, project_copy: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Generate, load, build and run directly for `customers` customers; the numbers."""
    label = f"{customers:,} customers"
    raw_dir, logs = work / "raw", work / "logs"
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
    steps: dict[str, Measured] = {}
    steps["generate"] = run_step(
        label,
        "generate",
        [
            *python,
            *("segments.cli", "generate", "--customers", str(customers)),
            *("--seed", str(seed), "--out", str(raw_dir)),
        ],
        logs,
        env,
    )
    tables = json.loads((raw_dir / generate.MANIFEST_NAME).read_text())["tables"]
    raw_rows = {name: table["rows"] for name, table in tables.items()}
    steps["load"] = run_step(
        label, "load", [*python, __name__, "load", str(direct_db), str(raw_dir)], logs, env
    )
    # Every scale parses from scratch: no partial_parse.msgpack from the previous one.
    shutil.rmtree(project_copy / "target", ignore_errors=True)
    build_command = [*python, "segments.cli", "build", "--raw-dir", str(raw_dir)]
    build_command += ["--target", TARGET]
    if args.threads:
        build_command += ["--threads", str(args.threads)]
    steps["build"] = run_step(label, "build", build_command, logs, env)
    artifacts = project_copy / "target" / TARGET
    manifest = json.loads((artifacts / "manifest.json").read_text())
    run_results = json.loads((artifacts / "run_results.json").read_text())
    for name in ("manifest.json", "run_results.json"):
        shutil.copy2(artifacts / name, work / name)
    plan = direct_plan(manifest, run_results, seed_column_types(warehouse, manifest), project_copy)
    plan_path = work / "direct_plan.json"
    plan_path.write_text(
        json.dumps(
            {"settings": profile_output(project_copy, TARGET).get("settings", {}), "steps": plan}
        ),
        encoding="utf-8",
    )
    timings_path = work / "direct_timings.json"
    steps["direct"] = run_step(
        label,
        "direct",
        [*python, __name__, "direct", str(direct_db), str(plan_path), str(timings_path)],
        logs,
        env,
    )
    direct = json.loads(timings_path.read_text())
    dbt = run_results_summary(run_results)
    mismatches = row_count_mismatches(warehouse, direct_db)
    if mismatches:
        progress(f"{label}: row counts differ between dbt and direct: {mismatches}")
    result = scale_result(customers, raw_rows, steps, dbt, direct, run_results, mismatches)
    progress(
        f"{label}: dbt models {dbt['kinds']['models']['seconds']:.1f} s (sum of execution_time), "
        f"direct {result['direct_sql']['models_seconds']:.1f} s, "
        f"ratio {_ratio_text(result['ratio_dbt_models_to_direct'])}"
    )
    return result


def scale_result(
    customers: int,
    raw_rows: dict[str, int],
    steps: dict[str, Measured],
    dbt: dict[str, Any],
    direct: dict[str, Any],
    run_results: dict[str, Any],
    mismatches: list[str],
) -> dict[str, Any]:
    """The JSON record of one scale, ratios included."""
    direct_by_node = {step["unique_id"]: step["seconds"] for step in direct["steps"]}
    direct_models = sum(
        seconds for node, seconds in direct_by_node.items() if node.startswith("model.")
    )
    dbt_models = dbt["kinds"]["models"]["seconds"]
    load_plus_direct = steps["load"].wall_seconds + steps["direct"].wall_seconds
    return {
        "customers": customers,
        "orders": raw_rows.get("orders", 0),
        "raw_rows": raw_rows,
        "steps": {name: measured.as_dict() for name, measured in steps.items()},
        "dbt": dbt,
        "direct_sql": {
            "models_seconds": round(direct_models, 3),
            "seeds_seconds": round(
                sum(s for node, s in direct_by_node.items() if node.startswith("seed.")), 3
            ),
            "total_seconds": round(direct["total_seconds"], 3),
        },
        "ratio_dbt_models_to_direct": _ratio(dbt_models, direct_models),
        "ratio_build_to_load_plus_direct": _ratio(steps["build"].wall_seconds, load_plus_direct),
        "slowest_nodes": slowest_nodes(run_results, direct_by_node),
        "row_counts_match": not mismatches,
        "row_count_mismatches": mismatches,
    }


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 2) if denominator > 0 else None


# --------------------------------------------------------------------------- #
# The project copy, the profile, the machine
# --------------------------------------------------------------------------- #
def snapshot_project(root: Path, dest: Path) -> Path:
    """Copy what dbt reads from the project at `root` into `dest`."""
    dest.mkdir(parents=True)
    for name in PROJECT_ENTRIES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, dest / name)
    return dest


def profile_output(project_root: Path, target: str) -> dict[str, Any]:
    """The `target` output of the project's profiles.yml (threads, DuckDB settings)."""
    profile_name = yaml.safe_load((project_root / "dbt_project.yml").read_text())["profile"]
    profiles = yaml.safe_load((project_root / "profiles.yml").read_text())
    try:
        return dict(profiles[profile_name]["outputs"][target])
    except (KeyError, TypeError):
        raise SegmentsError(f"profiles.yml has no target {target!r} for {profile_name}") from None


def machine_info() -> dict[str, Any]:
    """Where the numbers were measured."""
    cpu_model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    try:
        memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory_gib = None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": cpu_model or platform.processor(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": round(memory_gib, 1) if memory_gib else None,
    }


def versions() -> dict[str, str]:
    """Versions of Python and the packages that do the work."""
    found = {"python": platform.python_version(), "segments": __version__}
    for package in ("duckdb", "dbt-core", "dbt-duckdb", "numpy", "pandas", "scipy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


# --------------------------------------------------------------------------- #
# dbt's artifacts
# --------------------------------------------------------------------------- #
def topological_order(nodes: Mapping[str, Mapping[str, Any]], kinds: Iterable[str]) -> list[str]:
    """Unique ids of the nodes of `kinds`, each after every node of `kinds` it depends on.

    Dependencies outside the selection (sources, macros, other kinds) are
    ignored; among the nodes ready at once the smallest unique id goes first,
    so the order is the same on every run.
    """
    wanted = set(kinds)
    selected = {uid for uid, node in nodes.items() if node.get("resource_type") in wanted}
    parents = {
        uid: {dep for dep in nodes[uid].get("depends_on", {}).get("nodes", []) if dep in selected}
        for uid in selected
    }
    children: dict[str, list[str]] = {uid: [] for uid in selected}
    for uid, deps in parents.items():
        for dep in deps:
            children[dep].append(uid)
    waiting = {uid: len(deps) for uid, deps in parents.items()}
    ready = [uid for uid, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        uid = heapq.heappop(ready)
        order.append(uid)
        for child in children[uid]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, child)
    if len(order) != len(selected):
        stuck = sorted(uid for uid, count in waiting.items() if count > 0)
        raise SegmentsError(f"manifest has a dependency cycle among: {', '.join(stuck[:10])}")
    return order


def seed_column_types(database: Path, manifest: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Column types of every seed table as dbt created it, by seed unique id."""
    seeds = {
        uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "seed"
    }
    con = duckdb.connect(str(database), read_only=True)
    try:
        return {
            uid: dict(
                con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [node["schema"], node["alias"]],
                ).fetchall()
            )
            for uid, node in seeds.items()
        }
    finally:
        con.close()


def direct_plan(
    manifest: Mapping[str, Any],
    run_results: Mapping[str, Any],
    seed_types: Mapping[str, Mapping[str, str]],
    project_root: Path,
) -> list[dict[str, Any]]:
    """The steps that rebuild every seed and model without dbt, in dependency order.

    SQL is what dbt ran (`run_results.json`), else what it compiled (manifest);
    seed files are read from `project_root`, the project dbt built.
    """
    nodes = manifest["nodes"]
    executed = {
        result["unique_id"]: result.get("compiled_code") for result in run_results["results"]
    }
    steps: list[dict[str, Any]] = []
    for uid in topological_order(nodes, ("seed", "model")):
        node = nodes[uid]
        step = {
            "unique_id": uid,
            "name": node["name"],
            "database": node["database"],
            "schema": node["schema"],
            "relation": node["relation_name"],
        }
        materialized = node["config"].get("materialized")
        if node["resource_type"] == "seed":
            step |= {
                "kind": "seed",
                "path": str(project_root / node["original_file_path"]),
                "types": dict(seed_types.get(uid, {})),
            }
        elif materialized == "ephemeral":
            continue  # dbt pastes it into its dependants' SQL as a CTE
        elif node.get("language") == "python":
            if node["name"] not in PYTHON_MODEL_INPUTS:
                raise SegmentsError(f"no direct equivalent for the Python model {node['name']}")
            step |= {
                "kind": "python",
                "config": {k: v for k, v in node["config"].items() if k.startswith("clv_")},
                "refs": {
                    nodes[dep]["name"]: nodes[dep]["relation_name"]
                    for dep in node["depends_on"]["nodes"]
                    if dep in nodes
                },
            }
        elif materialized in ("view", "table", "incremental"):
            sql = executed.get(uid) or node.get("compiled_code")
            if not sql:
                raise SegmentsError(f"{uid}: no compiled SQL in run_results.json or manifest")
            step |= {"kind": "view" if materialized == "view" else "table", "sql": sql}
        else:
            raise SegmentsError(f"{uid}: materialization {materialized!r} is not benchmarked")
        steps.append(step)
    return steps


def run_results_summary(run_results: Mapping[str, Any]) -> dict[str, Any]:
    """dbt's own timing: elapsed time, and per kind the node count and summed execution_time."""
    kinds = {kind: {"count": 0, "seconds": 0.0} for kind in RUN_RESULT_KINDS.values()}
    statuses: dict[str, int] = {}
    for result in run_results["results"]:
        kind = RUN_RESULT_KINDS.get(result["unique_id"].split(".", 1)[0], "other")
        entry = kinds.setdefault(kind, {"count": 0, "seconds": 0.0})
        entry["count"] += 1
        entry["seconds"] += float(result.get("execution_time") or 0.0)
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    for entry in kinds.values():
        entry["seconds"] = round(entry["seconds"], 3)
    return {
        "elapsed_seconds": round(float(run_results.get("elapsed_time") or 0.0), 3),
        "kinds": kinds,
        "statuses": statuses,
    }


def slowest_nodes(
    run_results: Mapping[str, Any],
    direct_seconds: Mapping[str, float],
    count: int = SLOWEST_NODES,
) -> list[dict[str, Any]]:
    """The `count` nodes dbt spent longest on, with the direct time of the same node."""
    ranked = sorted(
        run_results["results"], key=lambda result: -float(result.get("execution_time") or 0.0)
    )
    return [
        {
            "unique_id": result["unique_id"],
            "dbt_seconds": round(float(result.get("execution_time") or 0.0), 3),
            "direct_seconds": (
                round(direct_seconds[result["unique_id"]], 3)
                if result["unique_id"] in direct_seconds
                else None
            ),
        }
        for result in ranked[:count]
    ]


def row_count_mismatches(built: Path, direct: Path) -> list[str]:
    """Tables of COMPARED_SCHEMAS whose row counts differ (or exist on one side only)."""
    counts = []
    for database in (built, direct):
        con = duckdb.connect(str(database), read_only=True)
        try:
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() where schema_name in ?",
                [list(COMPARED_SCHEMAS)],
            ).fetchall()
            counts.append(
                {
                    f"{schema}.{name}": con.execute(
                        f'select count(*) from "{schema}"."{name}"'
                    ).fetchone()[0]
                    for schema, name in tables
                }
            )
        finally:
            con.close()
    by_dbt, by_direct = counts
    return [
        f"{table}: dbt {by_dbt.get(table)} vs direct {by_direct.get(table)}"
        for table in sorted(by_dbt.keys() | by_direct.keys())
        if by_dbt.get(table) != by_direct.get(table)
    ]


# --------------------------------------------------------------------------- #
# Output
# --------------------------------------------------------------------------- #
def _seconds_and_mb(step: Mapping[str, float]) -> str:
    return f"{step['wall_seconds']:,.1f} s / {step['peak_mb']:,.0f} MB"


def _kind(scale: Mapping[str, Any], kind: str) -> str:
    entry = scale["dbt"]["kinds"].get(kind, {"count": 0, "seconds": 0.0})
    return f"{entry['seconds']:,.1f} s ({entry['count']})"


def _build_load_average(scale: Mapping[str, Any]) -> str:
    value = scale["steps"]["build"].get("load_average_1m_at_end")
    return "n/a" if value is None else f"{value:.1f}"


def _ratio_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def markdown_table(scales: Sequence[Mapping[str, Any]]) -> str:
    """One column per scale, one row per measurement; every row says what it measures."""

    def step(name: str) -> Callable[[Mapping[str, Any]], str]:
        return lambda s: _seconds_and_mb(s["steps"][name])

    def kind(name: str) -> Callable[[Mapping[str, Any]], str]:
        return lambda s: _kind(s, name)

    rows: list[tuple[str, Callable[[Mapping[str, Any]], str]]] = [
        ("orders generated (raw rows, dirty included)", lambda s: f"{s['orders']:,}"),
        ("generate: wall / peak RSS", step("generate")),
        ("load alone (own process): wall / peak", step("load")),
        ("`segments build` (load + dbt build): wall / peak", step("build")),
        ("dbt elapsed (run_results.json)", lambda s: f"{s['dbt']['elapsed_seconds']:,.1f} s"),
        ("dbt models: sum of execution_time (nodes)", kind("models")),
        ("dbt seeds: sum of execution_time (nodes)", kind("seeds")),
        ("dbt data tests: sum of execution_time (nodes)", kind("data_tests")),
        ("dbt unit tests: sum of execution_time (nodes)", kind("unit_tests")),
        (
            "direct SQL: models, one after another",
            lambda s: f"{s['direct_sql']['models_seconds']:,.1f} s",
        ),
        ("direct process (seeds + models): wall / peak", step("direct")),
        (
            "**ratio dbt models / direct models**",
            lambda s: _ratio_text(s["ratio_dbt_models_to_direct"]),
        ),
        (
            "ratio build wall / (load + direct) wall",
            lambda s: _ratio_text(s["ratio_build_to_load_plus_direct"]),
        ),
        ("marts + audit row counts equal", lambda s: "yes" if s["row_counts_match"] else "**no**"),
        ("machine load average (1 min) after the build", _build_load_average),
    ]
    header = "| measurement | " + " | ".join(f"{s['customers']:,} customers" for s in scales)
    lines = [header + " |", "|---|" + "---:|" * len(scales)]
    lines += [f"| {name} | " + " | ".join(cell(s) for s in scales) + " |" for name, cell in rows]
    return "\n".join(lines)


def slowest_nodes_table(scale: Mapping[str, Any], count: int = 5) -> str:
    """The slowest dbt nodes of one scale next to the same node run directly."""
    lines = [
        f"Slowest dbt nodes at {scale['customers']:,} customers (execution_time):",
        "",
        "| node | dbt s | direct s |",
        "|---|---:|---:|",
    ]
    for node in scale["slowest_nodes"][:count]:
        direct = "-" if node["direct_seconds"] is None else f"{node['direct_seconds']:.2f}"
        lines.append(f"| {node['unique_id']} | {node['dbt_seconds']:.2f} | {direct} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# Child processes: `python -m segments.benchmark load|direct ...`
# --------------------------------------------------------------------------- #
def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sql_body(sql: str) -> str:
    return sql.strip().rstrip(";").rstrip()


def _run_python_model(con: duckdb.DuckDBPyConnection, step: Mapping[str, Any]) -> None:
    """The two CLV Python models, calling what the models call, on DataFrames from DuckDB."""
    import pandas as pd

    from segments.clv_model import ClvConfig, fit_parameters, predict

    refs, settings = step["refs"], step["config"]
    config = ClvConfig.from_config(
        time_unit_days=settings.get("clv_time_unit_days"),
        horizon_periods=settings.get("clv_horizon_periods"),
        annual_discount_rate=settings.get("clv_annual_discount_rate"),
        profit_margin=settings.get("clv_profit_margin"),
    )
    inputs = con.sql(f"select * from {refs['int_clv_inputs']}").df()
    if step["name"] == "clv_model_parameters":
        as_of = con.sql(f"select * from {refs['int_as_of_date']}").df()["as_of_date"].iloc[0]
        as_of = None if pd.isna(as_of) else pd.Timestamp(as_of).date()
        frame = fit_parameters(inputs, as_of, config)
    else:
        parameters = con.sql(f"select * from {refs['clv_model_parameters']}").df().iloc[0]
        frame = predict(inputs, parameters, config)
    con.register("benchmark_model_frame", frame)
    try:
        con.execute(
            f"create or replace table {step['relation']} as select * from benchmark_model_frame"
        )
    finally:
        con.unregister("benchmark_model_frame")


def execute_step(con: duckdb.DuckDBPyConnection, step: Mapping[str, Any]) -> None:
    """Create one seed, view, table or Python model's table."""
    con.execute(f"create schema if not exists {_quote(step['database'])}.{_quote(step['schema'])}")
    kind, relation = step["kind"], step["relation"]
    if kind == "seed":
        path = str(step["path"]).replace("'", "''")
        types = ", ".join(
            f"'{name.replace(chr(39), chr(39) * 2)}': '{data_type}'"
            for name, data_type in step["types"].items()
        )
        con.execute(
            f"create or replace table {relation} as select * from "
            f"read_csv('{path}', header = true, types = {{{types}}})"
        )
    elif kind == "python":
        _run_python_model(con, step)
    else:
        con.execute(f"create or replace {kind} {relation} as\n{_sql_body(step['sql'])}")


def run_direct(database: Path, plan: Mapping[str, Any]) -> dict[str, Any]:
    """Run a direct plan on `database`; seconds per step and in total."""
    start = time.perf_counter()
    con = duckdb.connect(str(database))
    timings = []
    try:
        for name, value in plan.get("settings", {}).items():
            con.execute(f"set {name} = '{value}'")
        for step in plan["steps"]:
            began = time.perf_counter()
            try:
                execute_step(con, step)
            except duckdb.Error as error:
                raise SegmentsError(f"direct run of {step['unique_id']} failed: {error}") from error
            timings.append(
                {
                    "unique_id": step["unique_id"],
                    "kind": step["kind"],
                    "seconds": time.perf_counter() - began,
                }
            )
        con.execute("checkpoint")
    finally:
        con.close()
    return {"steps": timings, "total_seconds": time.perf_counter() - start}


def _child_main(argv: Sequence[str]) -> int:
    """`load DATABASE RAW_DIR` or `direct DATABASE PLAN TIMINGS_OUT`, for the benchmark."""
    from segments import load

    try:
        if len(argv) == 3 and argv[0] == "load":
            files = load.find_raw_files(Path(argv[2]))
            load.load_raw(Path(argv[1]), files, project.column_mapping())
        elif len(argv) == 4 and argv[0] == "direct":
            plan = json.loads(Path(argv[2]).read_text())
            timings = run_direct(Path(argv[1]), plan)
            Path(argv[3]).write_text(json.dumps(timings), encoding="utf-8")
        else:
            print(f"usage: python -m {__name__} load DB RAW_DIR | direct DB PLAN OUT")
            return 2
    except SegmentsError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))

"""dbt's artifacts, read for the benchmark: node order, run times, the direct plan."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from segments.core.errors import SegmentsError

# Tables whose row counts must agree between the dbt build and the direct run.
COMPARED_SCHEMAS = ("marts", "audit")
# run_results.json unique_id prefix -> the kind it is reported under.
RUN_RESULT_KINDS = {
    "model": "models",
    "seed": "seeds",
    "test": "data_tests",
    "unit_test": "unit_tests",
    "exposure": "exposures",
}
SLOWEST_NODES = 10


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
            step |= {
                "kind": "python",
                "code": node.get("raw_code", ""),
                "config": dict(node["config"]),
                "refs": {
                    nodes[dep]["name"]: nodes[dep]["relation_name"]
                    for dep in node["depends_on"]["nodes"]
                    if dep in nodes
                },
            }
        elif materialized in ("view", "table", "incremental", "period_replace"):  # tables at first
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

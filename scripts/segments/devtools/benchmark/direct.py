"""The direct run: the SQL dbt ran, without dbt, one model after another on one connection."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from segments.core import pii, sql
from segments.core.errors import SegmentsError


def _sql_body(sql: str) -> str:
    return sql.strip().rstrip(";").rstrip()


class _Config(dict):
    """`dbt.config` of a Python model: `dbt.config(...)` sets nothing, `.get` reads."""

    def __call__(self, **_: Any) -> None:
        return None


class _Dbt:
    """The part of dbt's Python-model API the models use: `ref` and `config`."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, refs: Mapping[str, str], config: Mapping[str, Any]
    ) -> None:
        self._con, self._refs = con, refs
        self.config = _Config(config)

    def ref(self, name: str) -> duckdb.DuckDBPyRelation:
        return self._con.sql(f"select * from {self._refs[name]}")


def _run_python_model(con: duckdb.DuckDBPyConnection, step: Mapping[str, Any]) -> None:
    """A Python model's own `model(dbt, session)`, on the relations its refs name."""
    namespace: dict[str, Any] = {}
    exec(compile(step["code"], f"<model {step['name']}>", "exec"), namespace)
    result = namespace["model"](_Dbt(con, step["refs"], step["config"]), con)
    frame = result.df() if isinstance(result, duckdb.DuckDBPyRelation) else result
    con.register("benchmark_model_frame", frame)
    try:
        con.execute(
            f"create or replace table {step['relation']} as select * from benchmark_model_frame"
        )
    finally:
        con.unregister("benchmark_model_frame")


def execute_step(con: duckdb.DuckDBPyConnection, step: Mapping[str, Any]) -> None:
    """Create one seed, view, table or Python model's table."""
    schema = f"{sql.identifier(step['database'])}.{sql.identifier(step['schema'])}"
    con.execute(f"create schema if not exists {schema}")
    kind, relation = step["kind"], step["relation"]
    if kind == "seed":
        path = sql.literal(str(step["path"]))
        types = ", ".join(
            f"{sql.literal(name)}: {sql.literal(data_type)}"
            for name, data_type in step["types"].items()
        )
        con.execute(
            f"create or replace table {relation} as select * from "
            f"read_csv({path}, header = true, types = {{{types}}})"
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
        pii.set_salt(con)  # as the project's dbt-duckdb plugin does for dbt
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

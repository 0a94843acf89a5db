"""The dbt Python models on Spark: the same model files, run here.

dbt-spark runs Python models only on Databricks or Dataproc. In a local session
`segments build --target spark` runs each model's own `model(dbt, session)`
itself: `dbt.ref()` gives the referenced Spark table as a DuckDB relation (read
through Parquet), `dbt.config.get()` the model's configuration from the
manifest, `session` is a DuckDB connection, exactly the objects dbt-duckdb hands
the model. What the model returns is written as the model's Spark table. So the
maths (segments.analytics.clv_model, segments.analytics.clusters) and the models' own glue are the
code a DuckDB build runs.
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Any

import duckdb

from segments.core import sql


class _Config:
    """`dbt.config`: called by the model (materialized=...), read with `.get`."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __call__(self, **_: Any) -> None:
        return None

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)


class _Dbt:
    """The `dbt` object of a Python model: `ref` and `config`."""

    def __init__(self, config: dict[str, Any], refs: dict[str, Any]) -> None:
        self.config = _Config(config)
        self._refs = refs

    def ref(self, name: str) -> Any:
        return self._refs[name]


def spark_to_duckdb(spark: Any, relation: str, con: duckdb.DuckDBPyConnection, folder: Path) -> Any:
    """Spark table `relation` as a DuckDB relation over its rows written as Parquet."""
    target = folder / relation.replace(".", "__")
    spark.table(relation).write.mode("overwrite").parquet(target.as_uri())
    return con.sql(f"select * from read_parquet({sql.literal(str(target / '*.parquet'))})")


def run_model(spark: Any, node: Any, manifest: Any, folder: Path) -> None:
    """Run Python model `node` on its Spark inputs; write its result as its Spark table."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    con = duckdb.connect()
    try:
        refs = {}
        for unique_id in node.depends_on.nodes:
            parent = manifest.nodes[unique_id]
            table = f"{parent.schema}.{parent.alias}"
            refs[parent.name] = spark_to_duckdb(spark, table, con, folder / "in")
        namespace: dict[str, Any] = {"__name__": f"dbt_model_{node.name}"}
        exec(compile(node.raw_code, node.original_file_path, "exec"), namespace)
        result = namespace["model"](_Dbt(node.config.to_dict(), refs), con)
        output = folder / "out.parquet"
        relation = result if isinstance(result, duckdb.DuckDBPyRelation) else con.from_df(result)
        relation.write_parquet(str(output))
        # The model's functions refer to their module's namespace (a cycle): cleared, so
        # the DuckDB objects are freed now, before dbt freezes what is alive.
        namespace.clear()
        del refs, result, relation
    finally:
        con.close()
        gc.collect()
    spark.sql(f"create database if not exists {node.schema}")
    spark.read.parquet(output.as_uri()).write.mode("overwrite").format("parquet").saveAsTable(
        f"{node.schema}.{node.alias}"
    )

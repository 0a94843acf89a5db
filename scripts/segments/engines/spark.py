"""`segments build --target spark`: the same project on a local Spark (dbt-spark, session).

Steps, in this process (dbt runs in-process, so one Spark session serves them all):

1. The raw files are checked and landed by the DuckDB loader, exactly as for a
   DuckDB build (same validation, same messages), into a scratch DuckDB file
   under the Spark folder; each raw table, with its row numbers, is written as
   Parquet and registered as the Spark table `raw.<table>`.
2. `dbt build` of every node except the Python models and what depends on them.
3. The Python models' functions (segments.analytics.clv_model, segments.analytics.clusters) run
   here on their inputs read from Spark, and their results are written as the
   same Spark tables dbt would write: dbt-spark runs Python models only on
   Databricks or Dataproc, not in a session.
4. `dbt build` of the rest: the Python models' tests and every node downstream.

Everything lives under SEGMENTS_SPARK_DIR (default `spark-warehouse/` in the
project): Spark's tables, the Derby metastore and the landing files.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import yaml

from segments.core import pii, project, settings, sql
from segments.core.errors import SegmentsError
from segments.engines import spark_python
from segments.engines.dbt import SEED_TESTS, parse_project, run_dbt
from segments.warehouse import load, seed_checks

TARGET = "spark"
DIR_VARIABLE = "SEGMENTS_SPARK_DIR"
RAW_DATABASE = "raw"


def spark_dir() -> Path:
    """The folder of the Spark tables and metastore (SEGMENTS_SPARK_DIR), made absolute.

    The absolute path is put back into the environment, where profiles.yml reads it.
    """
    configured = Path(os.environ.get(DIR_VARIABLE) or "spark-warehouse")
    path = configured if configured.is_absolute() else project.project_dir() / configured
    path = path.resolve()
    os.environ[DIR_VARIABLE] = str(path)
    return path


def target_output(target: str) -> dict[str, Any]:
    """Target `target` of profiles.yml (its settings, not rendered), or a clear error."""
    profiles = yaml.safe_load((project.project_dir() / "profiles.yml").read_text())
    (profile,) = profiles.values()
    output = profile["outputs"].get(target)
    if output is None:
        raise SegmentsError(f"profiles.yml has no {target!r} target")
    return dict(output)


def is_spark(target: str) -> bool:
    """True for a target of type spark (dbt-spark) in profiles.yml."""
    return target_output(target).get("type") == "spark"


def session_settings(target: str = TARGET) -> dict[str, str]:
    """The target's server_side_parameters of profiles.yml, rendered."""
    output = target_output(target)
    environment = jinja2.Environment()
    environment.globals["env_var"] = lambda name, default=None: os.environ.get(name, default)
    return {
        key: environment.from_string(str(value)).render()
        for key, value in output.get("server_side_parameters", {}).items()
    }


def session(target: str = TARGET) -> Any:
    """The local Spark session dbt-spark will also use (getOrCreate: one per process)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SegmentsError(
            "pyspark is not installed: run `make test-spark` once (it creates .venv-spark) and "
            "use .venv-spark/bin/segments for --target spark"
        ) from None
    builder = SparkSession.builder.enableHiveSupport().appName("segments")
    for key, value in (session_settings(target) | pii.spark_settings()).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def land_raw(
    files: dict[str, Path],
    mapping: dict[str, dict[str, str]],
    max_bad_share: float,
    folder: Path,
    date_formats: list[str] | None = None,
) -> dict[str, Path]:
    """Check and land `files` with the DuckDB loader: a Parquet folder per raw table."""
    scratch = folder / "landing.duckdb"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    loaded = load.load_raw(scratch, files, mapping, max_bad_share, date_formats=date_formats)
    for table in loaded:
        print(f"loaded {table.table:<17} {table.rows:>10,} rows from {table.source}")
    tables: dict[str, Path] = {}
    with duckdb.connect(str(scratch), read_only=True) as con:
        for table in loaded:
            target = folder / table.table
            target.mkdir()
            con.execute(
                f"copy (select * from {load.RAW_SCHEMA}.{table.table}) "
                f"to {sql.literal(str(target / 'part-0.parquet'))} (format parquet)"
            )
            tables[table.table] = target
    return tables


def register_raw(spark: Any, tables: dict[str, Path]) -> None:
    """Each landed table as the Spark table raw.<table>; raw tables without a file dropped."""
    spark.sql(f"create database if not exists {RAW_DATABASE}")
    existing = {row.tableName for row in spark.sql(f"show tables in {RAW_DATABASE}").collect()}
    for name in existing - set(tables):
        spark.sql(f"drop table if exists {RAW_DATABASE}.{name}")
    for name, folder in sorted(tables.items()):
        spark.sql(f"drop table if exists {RAW_DATABASE}.{name}")
        spark.sql(f"create table {RAW_DATABASE}.{name} using parquet location '{folder.as_uri()}'")


def python_models(manifest: Any) -> list[Any]:
    """The manifest's Python models, in dependency order."""
    nodes = [
        node
        for node in manifest.nodes.values()
        if node.resource_type == "model" and node.language == "python"
    ]
    names = {node.unique_id for node in nodes}
    ordered: list[Any] = []
    while nodes:
        ready = [
            node
            for node in nodes
            if not (set(node.depends_on.nodes) & names) - {done.unique_id for done in ordered}
        ]
        ordered += ready
        nodes = [node for node in nodes if node not in ready]
    return ordered


def build(
    files: dict[str, Path] | None,
    mapping: dict[str, dict[str, str]],
    dbt_vars: dict[str, Any],
    max_bad_share: float = load.DEFAULT_MAX_BAD_SHARE,
    target: str = TARGET,
) -> dict[str, int]:
    """Load `files` (if any) into Spark and build every model and test there."""
    folder = spark_dir()
    # The settings and files are checked before Spark starts: a refusal costs no JVM.
    dbt_vars = settings.check_vars(dbt_vars)
    seed_checks.check_seeds()
    date_formats = project.effective_vars(dbt_vars)["date_formats"]
    landed = (
        land_raw(files, mapping, max_bad_share, folder / "landing", date_formats) if files else None
    )
    spark = session(target)
    if landed is not None:
        register_raw(spark, landed)
    options = ["--target", target]
    if dbt_vars:
        options += ["--vars", json.dumps(dbt_vars)]
    placeholder = folder / "unused.duckdb"  # run_dbt names a DuckDB file; Spark ignores it
    manifest = parse_project(options, placeholder, target)
    python = [node.name for node in python_models(manifest)]
    downstream = [f"{name}+" for name in python]
    # The unit tests of incremental runs (tag after_first_build) read the model's own
    # table as it was before a run; on Spark the incremental models are full tables.
    incremental_tests = "tag:after_first_build"
    # (and the seeds' data tests ran before Spark started, as for DuckDB)
    results = run_dbt(
        ["build", *options, "--exclude", *downstream, incremental_tests, SEED_TESTS],
        placeholder,
        target,
        manifest,
    )
    for node in python_models(manifest):
        spark_python.run_model(spark, node, manifest, folder / "python")
        print(f"python model {node.name}: written to {node.schema}.{node.alias}")
    rest = run_dbt(
        [
            *("build", *options, "--select", *downstream),
            *("--exclude", *python, incremental_tests, SEED_TESTS),
        ],
        placeholder,
        target,
        manifest,
    )
    for status, count in rest.items():
        results[status] = results.get(status, 0) + count
    return results

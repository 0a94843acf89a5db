"""`segments benchmark`: the measuring helpers, not a benchmark run (that takes minutes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.core.errors import SegmentsError
from segments.devtools.benchmark import artifacts, direct, measure, peers, report
from segments.devtools.benchmark import runner as benchmark_runner


def node(resource_type: str, *parents: str, **extra: object) -> dict:
    return {"resource_type": resource_type, "depends_on": {"nodes": list(parents)}, **extra}


MINI_MANIFEST_NODES = {
    "model.p.mart": node("model", "model.p.int_b", "model.p.int_a", "seed.p.map"),
    "model.p.int_b": node("model", "model.p.stg_orders"),
    "model.p.int_a": node("model", "model.p.stg_orders", "model.p.stg_customers"),
    "model.p.stg_orders": node("model", "source.p.raw.orders"),
    "model.p.stg_customers": node("model", "source.p.raw.customers"),
    "seed.p.map": node("seed"),
    "test.p.unique_mart_id": node("test", "model.p.mart"),
}


def scale(customers: int, ratio: float | None, match: bool = True) -> dict:
    return {
        "customers": customers,
        "orders": customers * 8,
        "raw_bytes": customers * 2_000,
        "generate": {"wall_s": 1.26, "peak_rss_mb": 300.4},
        "load_wall_s": 2.0,
        "load_peak_rss_mb": 150.0,
        "build_wall_s": 12.5,
        "peak_rss_mb": 900.0,
        "dbt_wall_s": 8.0,
        "models_s": 20.0,
        "tests_s": 30.0,
        "unit_tests_s": 5.0,
        "nodes": {"models": 49, "data_tests": 170, "unit_tests": 12},
        "clv_fit_s": 0.25,
        "clv_predict_s": 0.5,
        "warehouse_bytes": customers * 1_000,
        "landing_bytes": customers * 400,
        "direct": {
            "models_s": 10.0,
            "ratio_dbt_models_to_direct": ratio,
            "row_counts_match": match,
        },
        "load_average_1m_after_build": 1.5,
        "slowest_nodes": [
            {"unique_id": "model.p.mart", "dbt_seconds": 9.5, "direct_seconds": 9.0},
            {"unique_id": "test.p.unique_mart_id", "dbt_seconds": 3.0, "direct_seconds": None},
        ],
    }


def test_topological_order_puts_every_node_after_its_parents() -> None:
    # GIVEN a hand-made manifest: two staging models, two intermediates, a seed, a mart, a test
    # WHEN models and seeds are ordered
    order = artifacts.topological_order(MINI_MANIFEST_NODES, ("model", "seed"))
    # THEN every model and seed is there once, tests and sources are not
    assert sorted(order) == sorted(uid for uid in MINI_MANIFEST_NODES if not uid.startswith("test"))
    # AND each comes after what it depends on, ties broken by unique id
    assert order == [
        "model.p.stg_customers",
        "model.p.stg_orders",
        "model.p.int_a",
        "model.p.int_b",
        "seed.p.map",
        "model.p.mart",
    ]


def test_topological_order_refuses_a_cycle() -> None:
    # GIVEN two models that depend on each other
    nodes = {"model.p.a": node("model", "model.p.b"), "model.p.b": node("model", "model.p.a")}
    # WHEN / THEN ordering them is a clear error naming them
    with pytest.raises(SegmentsError, match=r"cycle among: model\.p\.a, model\.p\.b"):
        artifacts.topological_order(nodes, ("model",))


def test_direct_plan_uses_the_sql_dbt_ran_and_the_seed_types_dbt_created(tmp_path: Path) -> None:
    # GIVEN a manifest with a seed, a view, tables and a Python model, and dbt's run results
    def model(name: str, materialized: str, *parents: str, **extra: object) -> dict:
        return node(
            "model",
            *parents,
            name=name,
            database="bench",
            schema="marts",
            relation_name=f'"bench"."marts"."{name}"',
            config={"materialized": materialized, "clv_time_unit_days": 7},
            language=extra.pop("language", "sql"),
            compiled_code=f"select 1 as from_manifest -- {name}",
            **extra,
        )

    nodes = {
        "seed.p.map": node(
            "seed",
            name="map",
            database="bench",
            schema="config",
            relation_name='"bench"."config"."map"',
            config={"materialized": "seed"},
            original_file_path="seeds/map.csv",
        ),
        "model.p.stg": model("stg", "view", "seed.p.map"),
        "model.p.int_clv_inputs": model("int_clv_inputs", "table", "model.p.stg"),
        "model.p.int_as_of_date": model("int_as_of_date", "ephemeral"),
        "model.p.int_clv_model_parameters": model(
            "int_clv_model_parameters",
            "table",
            "model.p.int_clv_inputs",
            "model.p.int_as_of_date",
            language="python",
            raw_code="def model(dbt, session): ...",
        ),
        "model.p.history": model("history", "period_replace", "model.p.int_clv_inputs"),
    }
    run_results = {"results": [{"unique_id": "model.p.stg", "compiled_code": "select 2"}]}
    # WHEN the direct plan is made
    plan = artifacts.direct_plan(
        {"nodes": nodes}, run_results, {"seed.p.map": {"code": "VARCHAR"}}, tmp_path
    )
    by_name = {step["name"]: step for step in plan}
    # THEN steps follow dependencies, and an ephemeral model has no step of its own
    assert [step["name"] for step in plan] == [
        "map",
        "stg",
        "int_clv_inputs",
        "history",
        "int_clv_model_parameters",
    ]
    # AND the SQL is what dbt ran when it ran it, else what it compiled
    assert (by_name["stg"]["kind"], by_name["stg"]["sql"]) == ("view", "select 2")
    assert by_name["int_clv_inputs"]["kind"] == "table"
    # (a first build creates an incremental or period_replace model as a table)
    assert by_name["history"]["kind"] == "table"
    assert "from_manifest" in by_name["int_clv_inputs"]["sql"]
    # AND the seed is read from the project dbt built, with dbt's column types
    assert by_name["map"]["path"] == str(tmp_path / "seeds" / "map.csv")
    assert by_name["map"]["types"] == {"code": "VARCHAR"}
    # AND the Python model knows its code, its inputs' relations and its config
    assert by_name["int_clv_model_parameters"]["refs"] == {
        "int_clv_inputs": '"bench"."marts"."int_clv_inputs"',
        "int_as_of_date": '"bench"."marts"."int_as_of_date"',
    }
    assert by_name["int_clv_model_parameters"]["config"]["clv_time_unit_days"] == 7
    assert by_name["int_clv_model_parameters"]["code"] == "def model(dbt, session): ..."


def test_execute_step_creates_seeds_views_tables_and_python_models(tmp_path: Path) -> None:
    # GIVEN a seed file and a database named like the relations in the plan
    seed = tmp_path / "map.csv"
    seed.write_text("code,weight\n007,0.5\n", encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "bench.duckdb"))
    base = {"database": "bench"}
    steps = [
        base
        | {
            "kind": "seed",
            "schema": "config",
            "relation": '"bench"."config"."map"',
            "path": str(seed),
            "types": {"code": "VARCHAR", "weight": "DOUBLE"},
        },
        base
        | {
            "kind": "view",
            "schema": "staging",
            "relation": '"bench"."staging"."stg"',
            "sql": 'select code, weight * 2 as doubled from "bench"."config"."map";\n',
        },
        base
        | {
            "kind": "table",
            "schema": "marts",
            "relation": '"bench"."marts"."mart"',
            "sql": 'select * from "bench"."staging"."stg"',
        },
        base
        | {
            "kind": "python",
            "name": "py",
            "schema": "marts",
            "relation": '"bench"."marts"."py"',
            "code": (
                "def model(dbt, session):\n"
                "    dbt.config(materialized='table')\n"
                "    factor = dbt.config.get('factor')\n"
                "    return dbt.ref('mart').project(f'code, doubled * {factor} as scaled')\n"
            ),
            "refs": {"mart": '"bench"."marts"."mart"'},
            "config": {"materialized": "table", "factor": 3},
        },
    ]
    # WHEN each step is executed
    for step in steps:
        direct.execute_step(con, step)
    # THEN the seed kept the text type dbt gave it (leading zero) and the chain is built
    assert con.execute("select * from marts.mart").fetchall() == [("007", 1.0)]
    # AND the Python model ran its own code on its ref, with its config
    assert con.execute("select * from marts.py").fetchall() == [("007", 3.0)]
    kinds = con.execute(
        "select table_schema, table_type from information_schema.tables order by 1, 2"
    ).fetchall()
    assert kinds == [
        ("config", "BASE TABLE"),
        ("marts", "BASE TABLE"),
        ("marts", "BASE TABLE"),
        ("staging", "VIEW"),
    ]
    con.close()


def test_run_results_summary_splits_models_seeds_data_and_unit_tests() -> None:
    # GIVEN run results of two models, a seed, a data test and a unit test
    results = [
        {"unique_id": "model.p.a", "execution_time": 1.5, "status": "success"},
        {"unique_id": "model.p.b", "execution_time": 2.25, "status": "success"},
        {"unique_id": "seed.p.map", "execution_time": 0.5, "status": "success"},
        {"unique_id": "test.p.unique_a_id.123", "execution_time": 0.75, "status": "pass"},
        {"unique_id": "unit_test.p.a.rule", "execution_time": 0.25, "status": "pass"},
    ]
    # WHEN they are summarised
    summary = artifacts.run_results_summary({"elapsed_time": 4.0, "results": results})
    # THEN each kind has its count and summed execution time
    assert summary["kinds"] == {
        "models": {"count": 2, "seconds": 3.75},
        "seeds": {"count": 1, "seconds": 0.5},
        "data_tests": {"count": 1, "seconds": 0.75},
        "unit_tests": {"count": 1, "seconds": 0.25},
        "exposures": {"count": 0, "seconds": 0.0},
    }
    assert summary["elapsed_seconds"] == 4.0
    assert summary["statuses"] == {"success": 3, "pass": 2}


def test_markdown_table_has_one_column_per_scale_and_labelled_rows() -> None:
    # GIVEN results for two scales, the second without a ratio, with a row-count mismatch
    # and with its raw files reused
    scales = [scale(10_000, 2.0), scale(100_000, None, match=False) | {"generate": {"reused": "d"}}]
    # WHEN formatted
    table = report.markdown_table(scales).splitlines()
    # THEN the header names each scale and every row has a cell per scale
    assert table[0] == "| measurement | 10,000 customers | 100,000 customers |"
    assert table[1] == "|---|---:|---:|"
    assert all(line.count("|") == 4 for line in table)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table[2:]}
    assert rows["orders (raw rows, dirty included)"].endswith("| 80,000 | 800,000 |")
    assert rows["generate: wall / peak RSS"].endswith("| 1.3 s / 300 MB | reused |")
    assert rows["**`segments build` (load + dbt build): wall / peak**"].endswith(
        "| 12.5 s / 900 MB | 12.5 s / 900 MB |"
    )
    assert rows["dbt data tests: sum of execution_time (nodes)"].endswith(
        "| 30.0 s (170) | 30.0 s (170) |"
    )
    assert rows["CLV: both fits (BG/NBD + Gamma-Gamma)"].endswith("| 0.25 s | 0.25 s |")
    assert rows["warehouse file"].endswith("| 10 MB | 100 MB |")
    assert rows["ratio dbt models / direct models"].endswith("| 2.00x | n/a |")
    assert rows["marts + audit row counts equal (dbt vs direct)"].endswith("| yes | **no** |")


def test_a_scale_without_direct_run_shows_dashes() -> None:
    table = report.markdown_table([scale(10_000, 1.0) | {"direct": None}])
    assert "| direct SQL: models one after another | - |" in table


def test_slowest_nodes_table_shows_dbt_and_direct_seconds() -> None:
    # GIVEN one scale's slowest nodes, one of them a test with no direct counterpart
    # WHEN formatted
    table = report.slowest_nodes_table(scale(100_000, 1.0)).splitlines()
    # THEN each node has its dbt time and its direct time or a dash
    assert table[-2:] == ["| model.p.mart | 9.50 | 9.00 |", "| test.p.unique_mart_id | 3.00 | - |"]


def test_peers_are_compared_on_time_and_parameters() -> None:
    # GIVEN our fit (1 s) and two peers: one fitted in 6 s, 1% off on alpha, one failed
    ours = {
        "fit_seconds": 1.0,
        "parameters": {
            "bgnbd": {"r": 0.5, "alpha": 2.0, "a": 1.0, "b": 40.0},
            "gamma_gamma": {"p": 2.0, "q": 3.0, "gamma": 70.0},
        },
    }
    fitted = {
        "peer": "lifetimes",
        "status": "fitted",
        "bgnbd_seconds": 5.0,
        "gamma_gamma_seconds": 1.0,
        "bgnbd": {"r": 0.5, "alpha": 2.02, "a": 1.0, "b": 40.0},
        "gamma_gamma": {"p": 2.0, "q": 3.0, "gamma": 70.0},
    }
    failed = {"peer": "pymc-marketing", "status": "no fit within 60 s"}
    # WHEN compared
    compared = peers.compare(ours, [fitted, failed])
    # THEN the fitted peer has its time, its ratio to ours and its largest difference
    assert compared[0]["fit_seconds"] == 6.0
    assert compared[0]["times_ours"] == 6.0
    assert compared[0]["max_relative_parameter_difference"] == pytest.approx(0.01)
    # AND the failed one keeps its status, shown as such in the table
    assert "fit_seconds" not in compared[1]
    table = report.peers_table({"customers": 1_000, "clv_fit_s": 1.0, "peers": compared})
    assert "| lifetimes | 6.00 s | 6.00x | 1.0e-02 | fitted |" in table
    assert "| pymc-marketing | - | - | - | no fit within 60 s |" in table


def test_missing_peer_virtualenv_is_reported_not_hidden(tmp_path: Path) -> None:
    # GIVEN no peers' virtualenv WHEN the peers are run THEN each says how to get it
    found = peers.run_peers(tmp_path / "nope" / "python", tmp_path / "in.csv", tmp_path, "x", 5)
    assert [peer["peer"] for peer in found] == ["lifetimes", "pymc-marketing"]
    assert all("make bench-peers" in peer["status"] for peer in found)


def test_measure_reports_the_peak_memory_of_the_child_alone(tmp_path: Path) -> None:
    # GIVEN a tiny child process that fills about 50 MB
    command = [sys.executable, "-c", "data = b'x' * (50 * 1024 * 1024); print(len(data))"]
    # WHEN it is measured
    measured = measure.measure(command, tmp_path / "logs" / "alloc")
    # THEN its peak resident memory is above 40 MB, and its output went to the log
    assert measured.returncode == 0
    assert measured.peak_mb > 40
    assert measured.wall_seconds > 0
    assert measured.stdout.read_text().strip() == str(50 * 1024 * 1024)


def test_a_failed_step_is_an_error_showing_the_end_of_its_stderr(tmp_path: Path) -> None:
    # GIVEN a child that writes to stderr and fails
    command = [sys.executable, "-c", "import sys; sys.exit('dbt said: model x broke')"]
    measured = measure.measure(command, tmp_path / "fail")
    # WHEN / THEN checking it names the step, the exit code and the message
    with pytest.raises(SegmentsError, match=r"'build' failed \(exit code 1\)[\s\S]*model x broke"):
        measure.checked("build", measured)


def test_keep_dir_must_be_new_or_empty(tmp_path: Path) -> None:
    # GIVEN a folder that already holds something
    (tmp_path / "old.txt").write_text("x", encoding="utf-8")
    # WHEN / THEN --keep refuses it rather than mixing runs
    with pytest.raises(SegmentsError, match="new or empty"):
        benchmark_runner._work_dir(tmp_path)


def test_benchmark_help_exits_zero() -> None:
    # GIVEN the installed command line
    # WHEN asked for help, in-process and as a module
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["benchmark", "--help"])
    completed = subprocess.run(
        [sys.executable, "-m", "segments.cli", "benchmark", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    # THEN both exit 0 and describe the options
    assert exit_info.value.code == 0
    assert completed.returncode == 0
    assert "--customers" in completed.stdout and "--keep" in completed.stdout


def test_memory_limit_is_set_in_the_copy_only(tmp_path: Path) -> None:
    # GIVEN a copy of the project's profile files
    from segments.core import project
    from segments.devtools.benchmark.environment import profile_output

    root = project.project_dir()
    for name in ("profiles.yml", "dbt_project.yml"):
        (tmp_path / name).write_text((root / name).read_text())
    # WHEN the benchmark raises the ci target's memory limit in the copy
    benchmark_runner.set_memory_limit(tmp_path, "8GB")
    # THEN the copy's ci target has it, its other settings and the dev target are
    # unchanged, and the project's own file is untouched
    before, after = profile_output(root, "ci"), profile_output(tmp_path, "ci")
    assert after["settings"] == {**before["settings"], "memory_limit": "8GB"}
    assert after["path"] == before["path"]
    assert profile_output(tmp_path, "dev") == profile_output(root, "dev")
    assert profile_output(root, "ci")["settings"]["memory_limit"] == "4GB"

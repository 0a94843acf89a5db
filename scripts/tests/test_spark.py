"""The same raw files built on DuckDB and on a local Spark give the same marts.

Runs in .venv-spark (`make test-spark`); skipped where pyspark is not installed.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segments.core import pii, project
from segments.core.errors import SegmentsError
from segments.devtools import generate
from segments.engines import dbt, spark, spark_python
from segments.pipeline import build
from segments.warehouse import raw_files
from tests.conftest import SALT_MARK

pytest.importorskip("pyspark", reason="pyspark is not installed: `make test-spark` runs this")

SCHEMES = (
    "rfm_segment",
    "abc_class",
    "is_key_account",
    "value_tier",
    "value_class",
    "composite_tier",
    "strategy_quadrant",
    "credit_rating",
    "lifecycle_stage",
    "cluster_id",
    "cluster_label",
    "custom_category",
)
CLV_COLUMNS = ("expected_purchases", "probability_alive", "predicted_clv", "churn_probability")
CLV_PARAMETERS = (
    "bgnbd_r",
    "bgnbd_alpha",
    "bgnbd_a",
    "bgnbd_b",
    "gamma_gamma_p",
    "gamma_gamma_q",
    "gamma_gamma_gamma",
)


@pytest.fixture(scope="module")
def engines(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch_module
) -> duckdb.DuckDBPyConnection:
    """GIVEN one set of raw files built on DuckDB and on Spark: a connection holding both,
    the DuckDB warehouse attached as `duck` and Spark's marts copied into schema `spark`."""
    root = tmp_path_factory.mktemp("spark")
    raw_dir = root / "raw"
    generate.generate(customers=300, seed=7, out=raw_dir)
    add_real_world_shapes(raw_dir)
    # (one raw table as Parquet, the others CSV: both formats load on both engines)
    orders_csv = raw_dir / "orders.csv"
    duckdb.execute(
        f"copy (select * from read_csv('{orders_csv}', all_varchar = true)) "
        f"to '{raw_dir / 'orders.parquet'}' (format parquet)"
    )
    orders_csv.unlink()
    files = raw_files.find(raw_dir)
    warehouse = root / "warehouse.duckdb"
    build.build(build.BuildOptions(warehouse, "ci", files, project.column_mapping(), {}))
    monkeypatch_module.setenv(spark.DIR_VARIABLE, str(root / "engine"))
    results = spark.build(files, project.column_mapping(), {})
    assert results.get("error", 0) == 0 and results.get("fail", 0) == 0, results
    con = duckdb.connect()
    con.execute(f"attach '{warehouse}' as duck (read_only)")
    session = spark.session()
    con.execute("create schema spark")
    for name in marts(con):
        rows = spark_python.spark_to_duckdb(session, f"marts.{name}", con, root / "copies")
        rows.create(f"spark.{name}")
    quarantine = spark_python.spark_to_duckdb(
        session, "audit.quarantined_rows", con, root / "copies"
    )
    quarantine.create("spark.quarantined_rows")
    return con


def add_real_world_shapes(raw_dir: Path) -> None:
    """Rows the generator does not write (issue 24), and customers as a folder of parts."""
    with (raw_dir / "order_items.csv").open(encoding="utf-8") as items:
        next(items)
        order_id, _, product_id, *_ = next(items).split(",")
    lines = [
        f"{order_id},{number},{product_id},,{quantity},10.00,\n"
        for number, quantity in ((901, "2.5"), (902, "1e3"), (903, "10000000"), (904, "3.0"))
    ]
    with (raw_dir / "order_items.csv").open("a", encoding="utf-8") as items:
        items.writelines(lines)
    with (raw_dir / "tickets.csv").open(encoding="utf-8") as tickets:
        next(tickets)
        customer_id = next(tickets).split(",")[1]
    with (raw_dir / "tickets.csv").open("a", encoding="utf-8") as tickets:
        tickets.write(f"TX1,{customer_id},2024-03-01T10:00:00Z,,billing,2.5\n")
    with (raw_dir / "invoices.csv").open("a", encoding="utf-8") as invoices:
        invoices.write(f"IX1,{customer_id},,,2024-04-01,,100.00,USD\n")
        invoices.write(f"IX2,{customer_id},,2024-03-01,2024-04-01,,100.00,ZZZ\n")
    customers = (raw_dir / "customers.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (raw_dir / "customers.csv").unlink()
    folder = raw_dir / "customers.csv"
    folder.mkdir()
    half = len(customers) // 2
    (folder / "part-00000.csv").write_text("".join(customers[:half]), encoding="utf-8")
    (folder / "part-00001.csv").write_text(
        customers[0] + "".join(customers[half:]), encoding="utf-8"
    )
    (folder / "_SUCCESS").touch()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'duck' and table_schema = 'marts' order by 1"
        ).fetchall()
    ]


def test_every_mart_has_the_same_rows_on_both_engines(engines: duckdb.DuckDBPyConnection) -> None:
    # WHEN each mart's rows are counted on DuckDB and on Spark THEN the counts are equal
    counts = {
        name: engines.execute(
            f"select (select count(*) from duck.marts.{name}), (select count(*) from spark.{name})"
        ).fetchall()[0]
        for name in marts(engines)
    }
    assert len(counts) >= 10
    assert {name: pair for name, pair in counts.items() if pair[0] != pair[1]} == {}
    assert counts["customer_segments"][0] > 0


def test_every_customer_has_the_same_tier_in_every_scheme(
    engines: duckdb.DuckDBPyConnection,
) -> None:
    # WHEN each customer's tiers are compared scheme by scheme
    listed = ", ".join(SCHEMES)
    only_duckdb = engines.execute(
        f"select customer_id, {listed} from duck.marts.customer_segments "
        f"except all select customer_id, {listed} from spark.customer_segments"
    ).fetchall()
    only_spark = engines.execute(
        f"select customer_id, {listed} from spark.customer_segments "
        f"except all select customer_id, {listed} from duck.marts.customer_segments"
    ).fetchall()
    # THEN no customer differs
    assert (only_duckdb, only_spark) == ([], [])


def test_the_quarantine_is_the_same_on_both_engines(engines: duckdb.DuckDBPyConnection) -> None:
    # WHEN every quarantined row is compared, its key, reason and disposition
    columns = "source_table, raw_key, reason_code, disposition"
    only_duckdb = engines.execute(
        f"select {columns} from duck.audit.quarantined_rows "
        f"except all select {columns} from spark.quarantined_rows"
    ).fetchall()
    only_spark = engines.execute(
        f"select {columns} from spark.quarantined_rows "
        f"except all select {columns} from duck.audit.quarantined_rows"
    ).fetchall()
    reasons = {
        row[0]
        for row in engines.execute("select reason_code from spark.quarantined_rows").fetchall()
    }
    # THEN the same rows are quarantined for the same reasons, the new classes among them
    assert (only_duckdb, only_spark) == ([], [])
    assert {"out_of_range", "invalid_number", "refund_exceeds_order", "unknown_currency"} <= reasons


def assert_pairs_close(rows: list[tuple[Any, ...]]) -> None:
    """Each row holds (DuckDB, Spark) value pairs: equal within 1e-6 relative, or both null."""
    for row in rows:
        for duck_value, spark_value in zip(row[::2], row[1::2], strict=True):
            if duck_value is None or spark_value is None:
                assert duck_value is spark_value is None, row
            else:
                assert math.isclose(duck_value, spark_value, rel_tol=1e-6, abs_tol=1e-12), row


def test_clv_agrees_within_a_millionth(engines: duckdb.DuckDBPyConnection) -> None:
    # WHEN the CLV parameters and every customer's predictions are compared
    parameters = engines.execute(
        "select "
        + ", ".join(f"d.{name}, s.{name}" for name in CLV_PARAMETERS)
        + " from duck.marts.clv_model_parameters as d, spark.clv_model_parameters as s"
    ).fetchall()
    predictions = engines.execute(
        "select d.customer_id, "
        + ", ".join(f"d.{name}, s.{name}" for name in CLV_COLUMNS)
        + " from duck.marts.customer_clv as d"
        " full outer join spark.customer_clv as s on d.customer_id = s.customer_id"
    ).fetchall()
    # THEN each value is within 1e-6 relative (both null where not predicted)
    assert len(parameters) == 1 and len(predictions) > 100
    assert_pairs_close([*parameters, *(row[1:] for row in predictions)])
    # and the next order date is given to the same customers, on the same day (a day
    # apart at most: a median wait within 1e-6 of a whole day may round up either way)
    next_orders = engines.execute(
        "select d.customer_id, d.expected_next_order_status, s.expected_next_order_status,"
        " abs(date_diff('day', d.expected_next_order_date, s.expected_next_order_date))"
        " from duck.marts.customer_clv as d"
        " full outer join spark.customer_clv as s on d.customer_id = s.customer_id"
    ).fetchall()
    for customer_id, duck_status, spark_status, days_apart in next_orders:
        assert (duck_status == "predicted") == (spark_status == "predicted"), customer_id
        assert days_apart is None or days_apart <= 1, customer_id


def test_hashes_are_the_same_and_the_salt_is_in_no_spark_file(
    engines: duckdb.DuckDBPyConnection,
) -> None:
    # GIVEN both builds hashed with the tests' salt (both kinds of quote in it)
    assert pii.salt().startswith(SALT_MARK) and "'" in pii.salt()
    # WHEN the customers' email hashes of both engines are compared
    differing = engines.execute(
        """
        select count(*), count(*) filter (where duck.email_hash is distinct from spark.email_hash)
        from duck.marts.customers as duck
        inner join spark.customers as spark on duck.customer_id = spark.customer_id
        """
    ).fetchone()
    # THEN they are equal, and no file Spark or dbt wrote (tables, metastore, logs) holds it
    assert differing[0] > 100 and differing[1] == 0
    folders = (Path(os.environ[spark.DIR_VARIABLE]), dbt.target_path(spark.TARGET))
    files = [path for folder in folders for path in folder.rglob("*") if path.is_file()]
    assert len(files) > 50
    assert [str(path) for path in files if SALT_MARK.encode() in path.read_bytes()] == []


def test_spark_tables_live_under_the_spark_folder(engines: duckdb.DuckDBPyConnection) -> None:
    # THEN the metastore and the tables are in SEGMENTS_SPARK_DIR, not in the project
    folder = Path(spark.spark_dir())
    assert (folder / "tables" / "marts.db").is_dir()
    assert (folder / "metastore_db").is_dir()


def test_a_bad_file_is_refused_before_spark_with_the_duckdb_message(tmp_path: Path) -> None:
    # GIVEN an orders file without its required customer column
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    (raw_dir / "orders.csv").write_text("order_id,ordered_at\no1,2025-01-02\n")
    files = raw_files.find(raw_dir)
    # WHEN it is built on DuckDB and on Spark THEN both refuse it with the same message
    with pytest.raises(SegmentsError) as on_duckdb:
        build.build(
            build.BuildOptions(tmp_path / "w.duckdb", "ci", files, project.column_mapping(), {})
        )
    with pytest.raises(SegmentsError) as on_spark:
        spark.build(files, project.column_mapping(), {})
    assert "customer_id" in str(on_duckdb.value)
    assert str(on_spark.value) == str(on_duckdb.value)


BACKTEST_FIGURES = (
    "customers",
    "actual_purchases",
    "predicted_purchases",
    "purchases_mae",
    "naive_purchases_mae",
    "value_mae",
    "churn_brier_score",
    "churn_auc",
    "bgnbd_r",
    "bgnbd_alpha",
    "bgnbd_a",
    "bgnbd_b",
)


def test_the_clv_backtest_agrees_within_a_millionth(engines: duckdb.DuckDBPyConnection) -> None:
    # WHEN the backtest's summary and buckets of both engines are compared
    summary = engines.execute(
        "select d.status, s.status, "
        + ", ".join(f"d.{name}, s.{name}" for name in BACKTEST_FIGURES)
        + " from duck.marts.clv_backtest_summary as d, spark.clv_backtest_summary as s"
    ).fetchall()
    buckets = engines.execute(
        "select d.customers, s.customers, d.predicted_purchases_mean, s.predicted_purchases_mean"
        " from duck.marts.clv_backtest as d"
        " full outer join spark.clv_backtest as s on d.frequency_bucket = s.frequency_bucket"
    ).fetchall()
    # THEN the status is the same and each figure within 1e-6 relative
    assert len(summary) == 1 and summary[0][0] == summary[0][1]
    assert_pairs_close([summary[0][2:], *buckets])

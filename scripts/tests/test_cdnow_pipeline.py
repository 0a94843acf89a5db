"""The dbt pipeline itself reproduces the published CDNOW fit (not just segments.analytics.clv)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from segments.commands import common
from segments.core import project
from segments.devtools import load_cdnow
from segments.pipeline import backfill, build
from segments.warehouse import raw_files


@pytest.fixture(scope="module")
def cdnow_sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # GIVEN the CDNOW sample loaded as raw files and built as of the end of
    # Fader & Hardie's 39-week calibration period (1997-09-30), zero-amount
    # purchases kept as they keep them, predicting their 39-week hold-out
    root = tmp_path_factory.mktemp("cdnow")
    load_cdnow.convert(root / "raw", sample=True)
    warehouse = root / "warehouse.duckdb"
    dbt_vars = common.parse_vars(load_cdnow.CDNOW_VARS) | {
        "as_of_date": "1997-09-30",
        "clv_horizon_periods": 39,
    }
    files = raw_files.find(root / "raw")
    build.build(build.BuildOptions(warehouse, "ci", files, project.column_mapping(), dbt_vars))
    return warehouse


def test_clv_model_parameters_match_fader_hardie_lee(cdnow_sample_warehouse: Path) -> None:
    con = duckdb.connect(str(cdnow_sample_warehouse), read_only=True)
    row = con.execute(
        "select bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_log_likelihood, bgnbd_customers, "
        "gamma_gamma_p, gamma_gamma_q, gamma_gamma_gamma from marts.clv_model_parameters"
    ).fetchone()
    r, alpha, a, b, log_likelihood, customers, p, q, gamma = row
    # THEN the stored parameters are the published ones (FHL 2005; FHL 2005 JMR)
    assert customers == 2357
    assert (round(r, 3), round(alpha, 3), round(a, 3), round(b, 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(log_likelihood, 1) == -9582.4
    assert (round(p, 2), round(q, 2), round(gamma, 2)) == (6.25, 3.74, 15.44)


def test_customer_clv_carries_the_published_conditional_expectation(
    cdnow_sample_warehouse: Path,
) -> None:
    # FHL 2005, section 5: a customer with x=2, t_x=30.43, T=38.86 is
    # expected to make 1.226 purchases in the next 39 weeks.
    con = duckdb.connect(str(cdnow_sample_warehouse), read_only=True)
    rows = con.execute(
        "select expected_purchases, probability_alive from marts.customer_clv "
        "where repeat_transactions = 2 and round(recency_periods, 2) = 30.43 "
        "and round(age_periods, 2) = 38.86"
    ).fetchall()
    assert rows, "the FHL example customer is in the sample"
    for expected_purchases, probability_alive in rows:
        assert round(expected_purchases, 3) == 1.226
        assert 0 < probability_alive < 1


def test_the_history_of_cdnow_counts_each_months_buyers(
    cdnow_sample_warehouse: Path, tmp_path: Path
) -> None:
    # GIVEN the CDNOW sample warehouse (built as of 1997-09-30), copied
    warehouse = tmp_path / cdnow_sample_warehouse.name
    shutil.copy(cdnow_sample_warehouse, warehouse)
    dbt_vars = common.parse_vars(load_cdnow.CDNOW_VARS) | {"clv_horizon_periods": 39}
    # WHEN its months January to August 1997 are backfilled
    starts = backfill.period_starts("1997-01", "1997-08", "month")
    backfill.backfill(warehouse, "ci", starts, "month", 12, False, dbt_vars)
    raw_orders = cdnow_sample_warehouse.with_name("raw") / "orders.csv"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        history = con.execute(
            "select period_start, as_of_date, count(*) filter (where has_purchased), count(*) "
            "from marts.customer_segment_history group by all order by 1"
        ).fetchall()
        # each month's buyers, counted from the raw file
        buyers = con.execute(
            "select last_day(until), count(distinct customer_id) from ("
            "  select customer_id, cast(date_trunc('month', cast(ordered_at as date)) as date) "
            "  as month from read_csv(?, all_varchar = true)) as bought, "
            "  (select distinct cast(date_trunc('month', cast(ordered_at as date)) as date) "
            "   as until from read_csv(?, all_varchar = true)) as months "
            "where month <= until group by until order by until",
            [str(raw_orders), str(raw_orders)],
        ).fetchall()
        abc = con.execute(
            "select count(distinct period_start) from marts.segment_summary "
            "where scheme = 'abc_class'"
        ).fetchall()[0][0]
    # THEN every month to September is there, as of its last day, every CRM
    # customer in each (CDNOW's list has no signup dates), as buyers exactly
    # those who had bought by then (the whole cohort from March on)
    assert [(as_of, bought) for _, as_of, bought, _ in history] == [
        (month_end, count) for month_end, count in buyers if month_end <= date(1997, 9, 30)
    ]
    assert {customers for *_, customers in history} == {2357}
    assert history[-1][2] == 2357
    assert abc == 9

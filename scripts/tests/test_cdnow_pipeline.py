"""The dbt pipeline itself reproduces the published CDNOW fit (not just segments.clv)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from segments import build, load, load_cdnow, project


@pytest.fixture(scope="module")
def cdnow_sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # GIVEN the CDNOW sample loaded as raw files and built as of the end of
    # Fader & Hardie's 39-week calibration period (1997-09-30), zero-amount
    # purchases kept as they keep them, predicting their 39-week hold-out
    root = tmp_path_factory.mktemp("cdnow")
    load_cdnow.convert(root / "raw", sample=True)
    warehouse = root / "warehouse.duckdb"
    dbt_vars = build.parse_vars(load_cdnow.CDNOW_VARS) | {
        "as_of_date": "1997-09-30",
        "clv_horizon_periods": 39,
    }
    files = load.find_raw_files(root / "raw")
    build.build(warehouse, "ci", files, project.column_mapping(), dbt_vars)
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

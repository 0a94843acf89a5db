"""Reliability, bad settings and mass quarantines: a mapping or var key
that does not exist is an error naming it and the closest valid key, never
ignored; a build that quarantines most of a table says so loudly, and with
`--strict` refuses to replace the warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from segments import cli
from tests.conftest import DemoWarehouse, write
from tests.reliability import (
    SMALL_ORDERS,
    TALLY,
    content_digest,
    copy_warehouse,
    file_sha256,
    query,
)

# Orders in euros with no fx_rates file: two of three cannot be converted.
EURO_ORDERS = SMALL_ORDERS.replace("USD\nF2", "EUR\nF2").replace("returned,USD", "returned,EUR")


def build(raw_dir: Path, *options: str) -> int:
    return cli.main(["build", "--raw-dir", str(raw_dir), "--target", "ci", *options])


@pytest.mark.parametrize(
    ("mapping", "options", "message"),
    [
        pytest.param(
            "order:\n  order_id: OrderNumber\n",
            (),
            "unknown raw table 'order'; did you mean 'orders'?",
            id="unknown-table-in-column-map",
        ),
        pytest.param(
            "orders:\n  staus: Status\n",
            (),
            "orders has no column 'staus'; did you mean 'status'?",
            id="unknown-column-in-column-map",
        ),
        pytest.param(
            None,
            ("--vars", "{rfm_bin: 4}"),
            "--vars: unknown var 'rfm_bin'; did you mean 'rfm_bins'?",
            id="unknown-var",
        ),
        pytest.param(
            None,
            ("--vars", "{raw_columns: {orders: {amout: Total}}}"),
            "--vars raw_columns: orders has no column 'amout'; did you mean 'amount'?",
            id="unknown-column-in-vars-raw-columns",
        ),
    ],
)
def test_an_unknown_setting_key_is_an_error_naming_the_closest_valid_one(
    mapping: str | None,
    options: tuple[str, ...],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN clean orders and a setting with a misspelt key
    write(tmp_path / "raw" / "orders.csv", SMALL_ORDERS)
    if mapping is not None:
        options = (*options, "--column-map", str(write(tmp_path / "map.yml", mapping)))
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    # WHEN segments build runs
    code = build(tmp_path / "raw", *options)
    # THEN it stops before building, naming the key and the closest valid one
    err = capsys.readouterr().err
    assert code == 1 and message in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "warehouse.duckdb").exists()
    TALLY.settings_refused += 1


def test_a_mass_quarantine_warns_after_the_build_and_strict_refuses_it(
    demo_warehouse: DemoWarehouse,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a built warehouse and orders in euros without an fx_rates file
    warehouse = copy_warehouse(demo_warehouse.path, tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    raw_dir = tmp_path / "raw"
    write(raw_dir / "orders.csv", EURO_ORDERS)
    before, digest = file_sha256(warehouse), content_digest(warehouse)
    # WHEN built with --strict THEN it fails with exit code 5 and changes nothing
    assert build(raw_dir, "--strict") == 5
    err = capsys.readouterr().err
    assert "shop.orders lost 67% of its rows (2 quarantined, mostly unknown_currency)" in err, err
    assert "Nothing was changed (--strict)" in err
    assert file_sha256(warehouse) == before
    # WHEN built without --strict THEN it succeeds, with the summary and a loud warning
    assert build(raw_dir) == 0
    out = capsys.readouterr().out
    assert "shop.orders" in out and "3 loaded" in out and "1 clean 2 quarantined (66.7%)" in out
    lost = "shop.orders lost 67% of its rows (2 quarantined, mostly unknown_currency)"
    assert f"WARNING: {lost}" in out
    assert content_digest(warehouse) != digest
    TALLY.settings_refused += 1


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # before any order: no order counts, so no buyer and empty marts
        pytest.param("2000-01-01", (0, 0, 0, 0), id="before-the-data"),
        # twenty years after the last order: every buyer is there with no revenue
        # in the scoring window, class C, not a key account
        pytest.param("2044-06-30", (3, 2, 0, 0), id="long-after-the-data"),
    ],
)
def test_an_as_of_date_outside_the_data_builds_empty_or_zero_revenue_marts(
    as_of: str,
    expected: tuple[int, int, int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN three orders of two customers in 2024
    write(tmp_path / "raw" / "orders.csv", SMALL_ORDERS)
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    # WHEN built as of a date far from them THEN the build succeeds
    assert build(tmp_path / "raw", "--as-of", as_of) == 0
    # AND the marts are empty, or hold the buyers with no window revenue
    (found,) = query(
        warehouse,
        "select (select count(*) from marts.orders), "
        "count(*) filter (where has_purchased), "
        "count(*) filter (where window_revenue > 0 or abc_class <> 'C'), "
        "count(*) filter (where is_key_account) from marts.customer_segments",
    )
    assert found == expected
    TALLY.faults_survived += 1

"""The DuckDB versions of the order-line and duplicate macros give the rows the
portable (default__) versions give: lines_aggregated_to_orders (bit-string
category sets, with more categories than a 64-bit mask holds) and
rank_duplicates (shared keys found by their hash, collisions included)."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pandas
import pytest

from segments.engines.dbt import compile_inline

SPLIT = "-- next --"
CATEGORIES = [f"category {number:03d}" for number in range(150)]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    # GIVEN order lines over 150 categories (orders of one line, of many lines
    # in one category, of many categories), and keyed rows with repeats
    rng = random.Random(11)
    lines = [("o-wide", category, 1, 1.0) for category in CATEGORIES]
    for order in range(3_000):
        for _ in range(rng.choice([1, 1, 2, 3, 8, 40])):
            category = rng.choice(CATEGORIES[: rng.choice([3, 70, 150])])
            lines.append((f"o{order}", category, rng.randint(1, 5), rng.randint(0, 99_999) / 100))
    keyed = [
        (f"k{rng.randint(0, 400)}", rng.randint(1, 3), row, rng.random() < 0.1)
        for row in range(1, 2_001)
    ]
    con = duckdb.connect()
    con.execute(
        "create table lines (order_id varchar, category varchar, quantity bigint, "
        "line_cost_reporting decimal(18, 2))"
    )
    con.register("lines_frame", pandas.DataFrame(lines))
    con.execute("insert into lines select * from lines_frame")
    con.execute("create table categories as select distinct category from lines")
    con.execute(
        "create table keyed (order_id varchar, line_number bigint, _source_row bigint, "
        "is_bad boolean)"
    )
    con.register("keyed_frame", pandas.DataFrame(keyed))
    con.execute("insert into keyed select * from keyed_frame")
    con.execute(
        "create view rows as select *, case when is_bad then 'invalid_number' end "
        "as quarantine_reason from keyed"
    )
    return con


@pytest.fixture(scope="module")
def queries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    # WHEN each macro is compiled in its DuckDB and its portable version
    calls = {
        f"{version}{macro}": f"customer_classification.{prefix}{macro}({arguments})"
        for macro, arguments in {
            "lines_aggregated_to_orders": "'lines', 'categories'",
            "rank_duplicates": "'rows', ['order_id', 'line_number']",
        }.items()
        for version, prefix in {"fast ": "duckdb__", "portable ": "default__"}.items()
    }
    database = tmp_path_factory.mktemp("aggregate") / "aggregate.duckdb"
    sql = compile_inline(
        f"\n{SPLIT}\n".join("{{ " + call + " }}" for call in calls.values()),
        Path(database),
        target="ci",
    )
    return dict(zip(calls, sql.split(SPLIT), strict=True))


@pytest.mark.parametrize("macro", ["lines_aggregated_to_orders", "rank_duplicates"])
def test_fast_path_gives_the_rows_of_the_portable_macro(
    con: duckdb.DuckDBPyConnection, queries: dict[str, str], macro: str
) -> None:
    # THEN both give the same rows, with the same column types
    fast = con.execute(queries[f"fast {macro}"])
    fast_types = [column[1] for column in fast.description]
    fast_rows = sorted(fast.fetchall())
    portable = con.execute(queries[f"portable {macro}"])
    assert fast_rows == sorted(portable.fetchall())
    assert fast_types == [column[1] for column in portable.description]


def test_the_lines_need_more_than_64_bits(con: duckdb.DuckDBPyConnection) -> None:
    # THEN the fixture holds an order with more categories than a bigint has bits
    widest = con.execute(
        "select max(categories) from (select count(distinct category) as categories "
        "from lines group by order_id)"
    ).fetchone()[0]
    assert widest > 64


def test_the_keys_repeat(con: duckdb.DuckDBPyConnection, queries: dict[str, str]) -> None:
    # THEN some keys are shared, so the ranks are not all 1
    ranks = [row[1] for row in con.execute(queries["fast rank_duplicates"]).fetchall()]
    assert max(ranks) >= 3

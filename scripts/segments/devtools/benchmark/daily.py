"""The benchmark's daily load: the next day of orders, lines and events, for `--append`.

The orders, lines and events of the warehouse's last order day (`marts.orders`),
sent again one day later under new ids: a day of the same size and shape as the data's own, so that
`segments build --append` measures what an incremental daily run costs.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from segments.core import sql

SUFFIX = "-next"
# raw table -> (its key, its timestamp); order_items follow their orders.
DAILY = {"orders": ("order_id", "ordered_at"), "events": ("event_id", "occurred_at")}


def write_next_day(warehouse: Path, out: Path) -> dict[str, int]:
    """Write orders.csv, order_items.csv and events.csv of the next day into `out`: rows each."""
    out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        last = con.execute("select max(ordered_date) from marts.orders").fetchall()[0][0]
        for table, (key, stamp) in DAILY.items():
            day = f"cast(try_cast({stamp} as timestamptz) as date)"
            con.execute(
                f"create temp table next_{table} as "
                f"select * exclude (_source_row, _has_invalid_encoding) "
                f"replace ({key} || '{SUFFIX}' as {key}, "
                f"strftime(try_cast({stamp} as timestamptz) + interval 1 day, "
                f"'%Y-%m-%dT%H:%M:%SZ') as {stamp}) "
                f"from raw.{table} where {day} = ?",
                [last],
            )
        con.execute(
            f"create temp table next_order_items as "
            f"select * exclude (_source_row, _has_invalid_encoding) "
            f"replace (order_id || '{SUFFIX}' as order_id) from raw.order_items "
            f"where order_id || '{SUFFIX}' in (select order_id from next_orders)"
        )
        for table in (*DAILY, "order_items"):
            path = out / f"{table}.csv"
            con.execute(f"copy next_{table} to {sql.literal(str(path))} (header, format csv)")
            rows[table] = con.execute(f"select count(*) from next_{table}").fetchall()[0][0]
    return rows

"""`segments generate`: deterministic, shaped like the contract, realistically skewed,
and dirty in exactly the ways its manifest says."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.core import raw_schema
from segments.core.errors import SegmentsError
from segments.devtools import generate
from segments.devtools.generate import writer as generate_writer

CUSTOMERS = 5_000
SEED = 7
# The staging rules the generator's dirt is written for (dbt_project.yml vars).
MAX_ORDER_AMOUNT = 1_000_000
MAX_RAW_AMOUNT = 10_000_000_000  # var value_limits, orders.amount
TEST_ACCOUNT = (
    "(lower(email) like '%@test.invalid' or lower(email) like 'test+%@%' "
    "or upper(full_name) like 'TEST %')"
)
VALID_EMAIL = r"regexp_full_match(lower(email), '[^@\s]+@[^@\s]+\.[^@\s]+')"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_hashes(directory: Path) -> dict[str, str]:
    return {path.name: sha256(path) for path in sorted(directory.iterdir())}


def read_csv_sql(path: Path, table: raw_schema.Table) -> str:
    columns = ", ".join(f"'{name}': 'VARCHAR'" for name in generate.generated_columns(table.name))
    return (
        f"read_csv('{path}', header = true, auto_detect = false, delim = ',', quote = '\"', "
        f"escape = '\"', columns = {{{columns}}}, strict_mode = true)"
    )


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchone()[0]


def count_where(con: duckdb.DuckDBPyConnection, table: str, condition: str) -> int:
    return int(scalar(con, f"select count(*) from {table} where {condition}"))


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GIVEN 5,000 generated customers as CSV."""
    out = tmp_path_factory.mktemp("generated") / "raw"
    generate.generate(CUSTOMERS, SEED, out)
    return out


@pytest.fixture(scope="module")
def manifest(raw_dir: Path) -> dict:
    return json.loads((raw_dir / generate.MANIFEST_NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def con(raw_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The files as text views, plus `valid_orders`: a reference reading of the staging rules."""
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    for table in raw_schema.TABLES:
        path = raw_dir / f"{table.name}.csv"
        connection.execute(f"create view {table.name} as select * from {read_csv_sql(path, table)}")
    connection.execute(
        f"""
        create table test_accounts as
        select customer_id from customers where customer_id is not null and {TEST_ACCOUNT};

        create table valid_customers as
        select distinct customer_id from customers
        where customer_id is not null and not {TEST_ACCOUNT};

        create table orders_checked as
        with typed as (
            select
                order_id,
                customer_id,
                ordered_at as ordered_at_text,
                try_cast(ordered_at as timestamptz) as ordered_at,
                try_cast(amount as decimal(18, 2)) as amount,
                amount as amount_text,
                coalesce(status, 'completed') as status,
                coalesce(status, 'completed') in ('credit_note', 'refund') as is_refund,
                coalesce(currency, 'USD') as currency,
                try_cast(returned_amount as decimal(18, 2)) as returned_amount,
                refunds_order_id,
                row_number() over () as file_row
            from orders
        ),
        converted as (
            select typed.*, fx.rate_to_reporting::double as rate
            from typed
            left join fx_rates as fx
                on typed.currency = fx.currency
                and fx.rate_date::date = date_trunc('month', typed.ordered_at)::date
        ),
        purchases as (
            select
                order_id,
                customer_id,
                status,
                case when status = 'cancelled' then 0
                    else amount - coalesce(returned_amount, 0) end as paid
            from converted
            where not is_refund and amount is not null
            qualify row_number() over (partition by order_id) = 1
        ),
        refunds_summed as (
            select
                converted.file_row,
                purchases.order_id is null as is_unknown,
                purchases.status = 'cancelled' as is_of_cancelled,
                sum(abs(converted.amount)) over (
                    partition by purchases.order_id
                    order by converted.ordered_at, converted.file_row
                ) > purchases.paid as is_beyond
            from converted
            left join purchases
                on converted.refunds_order_id = purchases.order_id
                and converted.customer_id = purchases.customer_id
            where converted.refunds_order_id is not null
        )
        select
            converted.*,
            converted.amount * converted.rate as amount_usd,
            case
                when order_id is null or customer_id is null then 'missing_key'
                when ordered_at is null then 'invalid_timestamp'
                when abs(amount) > {MAX_RAW_AMOUNT}
                    or (amount is null and isfinite(try_cast(amount_text as double)))
                    then 'out_of_range'
                when amount is null then 'invalid_number'
                when ordered_at >= timestamptz '2026-01-01 00:00:00+00' then 'future_date'
                when is_refund and amount = 0 then 'non_positive_amount'
                when not is_refund and amount <= 0 then 'non_positive_amount'
                when currency not in (select currency from fx_rates) then 'unknown_currency'
                when customer_id in (select customer_id from test_accounts) then 'test_account'
                when customer_id not in (select customer_id from valid_customers)
                    then 'unknown_customer'
                when abs(amount) * rate > {MAX_ORDER_AMOUNT} then 'absurd_amount'
                when refunds_summed.is_unknown then 'unknown_refunded_order'
                when refunds_summed.is_of_cancelled then 'refund_of_cancelled_order'
                when refunds_summed.is_beyond then 'refund_exceeds_order'
            end as quarantine_reason
        from converted
        left join refunds_summed using (file_row);

        create table valid_orders as
        select * from orders_checked where quarantine_reason is null and not is_refund
        qualify row_number() over (partition by order_id) = 1;

        create table valid_refunds as
        select * from orders_checked where quarantine_reason is null and is_refund
        qualify row_number() over (partition by order_id) = 1;
        """
    )
    yield connection
    connection.close()


# --------------------------------------------------------------------------- #
# Contract and manifest
# --------------------------------------------------------------------------- #
def test_every_raw_table_is_written_with_the_contract_header(raw_dir: Path) -> None:
    # WHEN the files are listed THEN there is one per contract table plus the manifest
    expected = {f"{table.name}.csv" for table in raw_schema.TABLES} | {generate.MANIFEST_NAME}
    assert {path.name for path in raw_dir.iterdir()} == expected
    # AND each header is exactly the contract's columns, in order
    for table in raw_schema.TABLES:
        with (raw_dir / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
            header = ",".join(generate.generated_columns(table.name)) + "\n"
            assert handle.readline() == header, table.name


def test_files_use_unix_line_endings_and_iso_formats(raw_dir: Path) -> None:
    # GIVEN the orders file as bytes
    data = (raw_dir / "orders.csv").read_bytes()
    # THEN lines end in \n only, and timestamps are ISO 8601 in UTC or with an offset
    assert b"\r" not in data
    assert b"T" in data and b"Z," in data and b"+05:30," in data
    assert b"2023-" in data and b"2025-12-" in data


def test_manifest_row_counts_match_the_files(
    con: duckdb.DuckDBPyConnection, manifest: dict
) -> None:
    # WHEN every file's rows are counted THEN the manifest states the same numbers
    counted = {
        table.name: scalar(con, f"select count(*) from {table.name}") for table in raw_schema.TABLES
    }
    assert counted == {name: entry["rows"] for name, entry in manifest["tables"].items()}
    assert manifest["customers"] == CUSTOMERS and manifest["seed"] == SEED
    assert manifest["window"] == {"start": "2023-01-01", "end": "2025-12-31"}
    assert manifest["reporting_currency"] == "USD"


# --------------------------------------------------------------------------- #
# Determinism
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("fmt", generate.FORMATS)
def test_same_seed_gives_byte_identical_files(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN small chunks so that 1,000 customers span several chunks
    monkeypatch.setattr(generate, "CHUNK_SIZE", 400)
    # WHEN the same seed is generated twice and another seed once
    for name, seed in (("first", 3), ("second", 3), ("other", 4)):
        generate.generate(1_000, seed, tmp_path / name, fmt)
    # THEN the two runs with one seed are identical, file by file
    first = file_hashes(tmp_path / "first")
    assert len(first) == len(raw_schema.TABLES) + 1
    assert first == file_hashes(tmp_path / "second")
    # AND another seed gives other customers and orders
    other = file_hashes(tmp_path / "other")
    assert first[f"orders.{fmt}"] != other[f"orders.{fmt}"]
    assert first[f"customers.{fmt}"] != other[f"customers.{fmt}"]


def test_parquet_holds_the_same_text_as_csv(tmp_path: Path) -> None:
    # GIVEN one seed written as CSV and as Parquet
    generate.generate(600, 5, tmp_path / "csv", "csv")
    generate.generate(600, 5, tmp_path / "parquet", "parquet")
    connection = duckdb.connect()
    for table in raw_schema.TABLES:
        csv_sql = read_csv_sql(tmp_path / "csv" / f"{table.name}.csv", table)
        parquet_sql = f"read_parquet('{tmp_path / 'parquet' / f'{table.name}.parquet'}')"
        # THEN both hold the same columns and rows, all as text
        described = connection.execute(f"describe select * from {parquet_sql}").fetchall()
        assert [(row[0], row[1]) for row in described] == [
            (name, "VARCHAR") for name in generate.generated_columns(table.name)
        ]
        difference = f"(select * from {csv_sql} except all select * from {parquet_sql})"
        assert scalar(connection, f"select count(*) from {difference}") == 0, table.name
        counts = [
            scalar(connection, f"select count(*) from {sql}") for sql in (csv_sql, parquet_sql)
        ]
        assert counts[0] == counts[1], table.name


def test_a_rerun_in_the_other_format_replaces_the_previous_files(tmp_path: Path) -> None:
    # GIVEN a directory generated as CSV
    generate.generate(200, 1, tmp_path, "csv")
    # WHEN it is generated again as Parquet
    generate.generate(200, 1, tmp_path, "parquet")
    # THEN only the Parquet files and the manifest remain (a loader never sees both)
    suffixes = {path.suffix for path in tmp_path.iterdir()}
    assert suffixes == {".parquet", ".json"}


# --------------------------------------------------------------------------- #
# Shape
# --------------------------------------------------------------------------- #
def test_top_fifth_of_customers_holds_most_of_the_revenue(con: duckdb.DuckDBPyConnection) -> None:
    # GIVEN net revenue per customer from valid, completed orders, in USD
    share = scalar(
        con,
        """
        with revenue as (
            select customer_id, sum(amount_usd) as revenue
            from valid_orders where status = 'completed' group by customer_id
        ),
        ranked as (
            select revenue, row_number() over (order by revenue desc) as rank,
                count(*) over () as customers
            from revenue
        )
        select sum(revenue) filter (where rank <= customers * 0.2) / sum(revenue) from ranked
        """,
    )
    # THEN the top 20% hold a Pareto-like share of it
    assert 0.65 <= share <= 0.85


def test_buyers_mix_one_time_and_repeat_customers(con: duckdb.DuckDBPyConnection) -> None:
    repeat_share, orders_per_customer = con.execute(
        """
        with per_customer as (
            select customer_id, count(*) as orders from valid_orders group by customer_id
        )
        select avg((orders >= 2)::int), sum(orders) / (select count(*) from valid_customers)
        from per_customer
        """
    ).fetchone()
    assert 0.35 <= repeat_share <= 0.75
    assert 3 <= orders_per_customer <= 15


def test_customers_span_countries_currencies_and_both_types(
    con: duckdb.DuckDBPyConnection,
) -> None:
    countries = scalar(con, "select count(distinct upper(trim(country))) from customers")
    currencies = scalar(con, "select count(distinct currency) from valid_orders")
    b2b_share = scalar(con, "select avg((customer_type = 'b2b')::int) from customers")
    spellings = {row[0] for row in con.execute("select distinct country from customers").fetchall()}
    assert countries >= 12 and currencies >= 8
    assert 0.2 <= b2b_share <= 0.4
    # AND countries are written as codes, names, in lower case and padded with spaces
    assert {"DE", "DEU", "Germany", "de", " Germany "} <= spellings


def test_orders_are_cancelled_returned_and_seasonal(con: duckdb.DuckDBPyConnection) -> None:
    # GIVEN the share of valid orders per status
    statuses = dict(
        con.execute(
            "select status, count(*) / sum(count(*)) over () from valid_orders group by status"
        ).fetchall()
    )
    # THEN most are completed, a few cancelled and a few returned
    assert set(statuses) == {"completed", "cancelled", "returned"}
    assert statuses["completed"] >= 0.85 and min(statuses.values()) >= 0.02
    monthly = dict(
        con.execute(
            """
            select month(ordered_at), sum(amount_usd) from valid_orders
            where status = 'completed' group by 1
            """
        ).fetchall()
    )
    # THEN Nov + Dec bring in more per month than the summer months Jun + Jul
    assert monthly[11] + monthly[12] > monthly[6] + monthly[7]


def test_order_lines_add_up_to_the_order_amount(con: duckdb.DuckDBPyConnection) -> None:
    # GIVEN the (deduplicated) lines of every valid order
    mismatched = scalar(
        con,
        f"""
        with lines as (
            select distinct
                order_id, line_number, quantity::int * unit_price::decimal(18, 2) as total
            from order_items
            where line_number::int < {generate.LINE_DEFECT_FIRST}
        ),
        summed as (select order_id, sum(total) as total from lines group by order_id)
        select count(*) from valid_orders left join summed using (order_id)
        where summed.total is distinct from valid_orders.amount
        """,
    )
    # THEN they add up to the order amount to the cent, at a 20-60% margin (cents rounding aside)
    assert mismatched == 0
    margin = "1 - unit_cost::double / unit_price::double"
    assert count_where(con, "order_items", f"{margin} not between 0.19 and 0.61") == 0


def test_clean_orders_fall_in_the_window_after_signup(con: duckdb.DuckDBPyConnection) -> None:
    early_or_before_signup = scalar(
        con,
        """
        select count(*) from valid_orders join customers using (customer_id)
        where valid_orders.ordered_at < timestamptz '2023-01-01 00:00:00+00'
            or valid_orders.ordered_at <= try_cast(customers.signup_at as timestamptz)
        """,
    )
    assert early_or_before_signup == 0


def test_no_row_depends_on_a_dirty_order_or_customer(
    con: duckdb.DuckDBPyConnection, manifest: dict
) -> None:
    # THEN lines and invoices belong to valid orders only
    not_valid_order = "{column} not in (select order_id from valid_orders)"
    for table in ("order_items", "invoices"):
        assert count_where(con, table, not_valid_order.format(column="order_id")) == 0, table
    # AND every customer reference points at a valid customer (never a test account)
    not_valid_customer = (
        "{column} is not null and {column} not in (select customer_id from valid_customers)"
    )
    references = (
        ("invoices", "customer_id"),
        ("tickets", "customer_id"),
        ("wallet_estimates", "customer_id"),
        ("events", "customer_id"),
        ("leads", "converted_customer_id"),
        ("customers", "referred_by_customer_id"),
    )
    for table, column in references:
        orphans = count_where(con, table, not_valid_customer.format(column=column))
        # (but the events of unknown customers the manifest lists as injected)
        injected = sum(manifest["quarantined"]["events"].values()) if table == "events" else 0
        assert orphans == injected, f"{table}.{column}"


def test_behaviour_supports_the_audiences(con: duckdb.DuckDBPyConnection) -> None:
    # THEN some customers viewed a product 3+ times in the last week of December 2025
    heavy_viewers = scalar(
        con,
        """
        select count(*) from (
            select customer_id from events
            where event_type = 'view' and customer_id is not null
                and try_cast(occurred_at as timestamptz) >= timestamptz '2025-12-25 00:00:00+00'
            group by customer_id having count(*) >= 3
        )
        """,
    )
    # AND some added to cart without paying, and some events are anonymous
    abandoned = scalar(
        con,
        """
        select count(distinct customer_id) from events where event_type = 'add_to_cart'
        and customer_id not in (
            select customer_id from events where event_type = 'purchase' and customer_id is not null
        )
        """,
    )
    anonymous = scalar(con, "select count(*) from events where customer_id is null")
    devices = {row[0] for row in con.execute("select distinct device from events").fetchall()}
    assert heavy_viewers > 0 and abandoned > 0 and anonymous > 0
    assert devices == {"ios", "android", "web"}


def test_invoices_leads_and_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    late, unpaid, wrong_due = con.execute(
        """
        select
            count(*) filter (where paid_date::date > due_date::date),
            count(*) filter (where paid_date is null),
            count(*) filter (where due_date::date <> issued_date::date + 30)
        from invoices
        """
    ).fetchone()
    assert late > 0 and unpaid > 0 and wrong_due == 0
    won_without_customer = scalar(
        con,
        "select count(*) from leads where (stage = 'won') <> (converted_customer_id is not null)",
    )
    assert won_without_customer == 0
    # fx: every currency on every month start of the window, USD at 1
    assert scalar(con, "select count(*) from fx_rates") == len(generate.FX_LEVELS) * 36
    assert count_where(con, "fx_rates", "currency = 'USD' and rate_to_reporting <> '1.000000'") == 0
    assert scalar(con, "select count(*) from sales_reps") == CUSTOMERS // 500
    assert scalar(con, "select count(*) from products") == 200


# --------------------------------------------------------------------------- #
# Dirty rows: the manifest is exactly what a reader finds
# --------------------------------------------------------------------------- #
def test_customer_defects_match_the_manifest(
    con: duckdb.DuckDBPyConnection, manifest: dict
) -> None:
    # WHEN the customers file is read with the staging rules
    missing, tests, invalid, duplicates = con.execute(
        f"""
        select
            count(*) filter (where customer_id is null),
            count(*) filter (where customer_id is not null and {TEST_ACCOUNT}),
            count(*) filter (where customer_id is not null and not {TEST_ACCOUNT}
                             and email is not null and not {VALID_EMAIL}),
            count(*) filter (where customer_id is not null and not {TEST_ACCOUNT})
                - count(distinct customer_id) filter (where customer_id is not null
                                                      and not {TEST_ACCOUNT})
        from customers
        """
    ).fetchone()
    # THEN every count is the manifest's, and every kind of defect is present
    assert manifest["quarantined"]["customers"] == {"missing_key": missing, "test_account": tests}
    assert manifest["repaired"]["customers"] == {"invalid_email": invalid}
    assert manifest["duplicates"]["customers"] == duplicates
    assert min(missing, tests, invalid, duplicates) >= 1
    # AND duplicates include conflicting ones: same id, another city, later in the file
    conflicting = scalar(
        con,
        "select count(*) from (select customer_id from customers where customer_id is not null "
        "group by customer_id having count(distinct city) > 1)",
    )
    assert 1 <= conflicting < duplicates


def test_test_accounts_use_each_pattern_and_have_orders(con: duckdb.DuckDBPyConnection) -> None:
    patterns = con.execute(
        """
        select
            count(*) filter (where lower(email) like '%@test.invalid'),
            count(*) filter (where lower(email) like 'test+%@%'),
            count(*) filter (where full_name like 'TEST %')
        from customers where customer_id in (select customer_id from test_accounts)
        """
    ).fetchone()
    assert min(patterns) >= 1
    # AND every test account placed orders (which staging quarantines with it)
    ordering = scalar(
        con,
        "select count(distinct customer_id) from orders "
        "where customer_id in (select customer_id from test_accounts)",
    )
    assert ordering == scalar(con, "select count(*) from test_accounts")


def test_order_defects_match_the_manifest(con: duckdb.DuckDBPyConnection, manifest: dict) -> None:
    # WHEN each orders row gets the first staging rule it breaks
    found = dict(
        con.execute(
            "select quarantine_reason, count(*) from orders_checked "
            "where quarantine_reason is not null group by 1"
        ).fetchall()
    )
    duplicates = scalar(
        con,
        "select count(*) - count(distinct order_id) from orders_checked "
        "where quarantine_reason is null",
    )
    # THEN the counts are exactly the manifest's, with every reason present
    assert found == manifest["quarantined"]["orders"]
    assert set(found) == {*generate.ORDER_DEFECTS, *generate.BAD_REFUNDS, "test_account"}
    assert manifest["duplicates"]["orders"] == duplicates >= 2
    # AND the raw values are the documented ones
    timestamps = {
        row[0]
        for row in con.execute(
            "select ordered_at_text from orders_checked "
            "where quarantine_reason = 'invalid_timestamp'"
        ).fetchall()
    }
    assert timestamps <= set(generate.INVALID_TIMESTAMPS)
    assert count_where(con, "orders", "ordered_at like '2099-%'") == found["future_date"]
    assert count_where(con, "orders", "currency = 'ZZZ'") == found["unknown_currency"]
    assert count_where(con, "orders", "order_id is null") == found["missing_key"]
    absurd = count_where(con, "orders", "try_cast(amount as double) between 10000000 and 1e9")
    assert absurd == found["absurd_amount"]
    # AND there are clean credit notes, some naming their order, some not (UCI Online Retail's
    # `C` invoices), and customers whose only row is one
    named = scalar(con, "select count(refunds_order_id) / count(*) from valid_refunds")
    assert scalar(con, "select count(*) from valid_refunds") >= 0.005 * scalar(
        con, "select count(*) from valid_orders"
    )
    assert 0.5 < named < 0.95
    refund_only = scalar(
        con,
        "select count(distinct customer_id) from valid_refunds "
        "where customer_id not in (select customer_id from valid_orders)",
    )
    assert refund_only >= 1


def test_the_other_tables_defects_match_the_manifest(
    con: duckdb.DuckDBPyConnection, manifest: dict
) -> None:
    # WHEN the defects of lines, invoices, events and tickets are counted in the files
    lines = dict(
        con.execute(
            f"""
            select
                case when quantity = '{generate.OUT_OF_RANGE_QUANTITY}' then 'out_of_range'
                    else 'invalid_number' end,
                count(*)
            from order_items where not regexp_full_match(quantity, '[0-9]+')
                or quantity = '{generate.OUT_OF_RANGE_QUANTITY}'
            group by 1
            """
        ).fetchall()
    )
    invoices = {
        "invalid_timestamp": count_where(con, "invoices", "issued_date is null"),
        "unknown_currency": count_where(con, "invoices", "currency = 'ZZZ'"),
    }
    unknown = count_where(
        con,
        "events",
        "customer_id is not null and customer_id not in (select * from valid_customers)",
    )
    scores = count_where(con, "tickets", "satisfaction_score = '2.5'")
    # THEN each is the manifest's, and there is at least one of each
    assert lines == manifest["quarantined"]["order_items"]
    assert invoices == manifest["quarantined"]["invoices"]
    assert {"unknown_customer": unknown} == manifest["quarantined"]["events"]
    assert {"invalid_optional_number": scores} == manifest["repaired"]["tickets"]
    assert min(*lines.values(), *invoices.values(), unknown, scores) >= 1


def test_only_order_items_and_events_carry_duplicates_elsewhere(
    con: duckdb.DuckDBPyConnection, manifest: dict
) -> None:
    # WHEN the other tables' keys are checked THEN their duplicates are the manifest's
    keys = {table.name: table.key for table in raw_schema.TABLES}
    for name in ("order_items", "events", "invoices", "tickets", "leads", "wallet_estimates",
                 "products", "fx_rates", "sales_reps"):  # fmt: skip
        key = ", ".join(keys[name])
        found = scalar(con, f"select count(*) - count(distinct ({key})) from {name}")
        assert manifest["duplicates"][name] == found, name
    for name in ("leads", "wallet_estimates", "products", "fx_rates", "sales_reps"):
        assert manifest["quarantined"][name] == {} and manifest["repaired"][name] == {}
    # AND those duplicates are exact copies of whole rows
    for name in ("order_items", "events"):
        copies = scalar(
            con,
            f"select count(*) - (select count(*) from (select distinct * from {name})) from {name}",
        )
        assert copies == manifest["duplicates"][name] >= 1, name


# --------------------------------------------------------------------------- #
# Scale, arguments and the command line
# --------------------------------------------------------------------------- #
def test_twice_the_customers_give_about_twice_the_orders(tmp_path: Path, manifest: dict) -> None:
    # GIVEN half as many customers as the module's data set, same seed
    half = generate.generate(CUSTOMERS // 2, SEED, tmp_path)
    # THEN the full data set has about twice the orders
    ratio = manifest["tables"]["orders"]["rows"] / half.rows["orders"]
    assert 1.4 <= ratio <= 2.6


def test_progress_is_reported_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN chunks of 100 customers (the chunking is the writer's)
    monkeypatch.setattr(generate_writer, "CHUNK_SIZE", 100)
    generate.generate(250, 1, tmp_path, progress=True)
    err = capsys.readouterr().err
    assert "generate: 100/250 customers (chunk 1/3)" in err
    assert "generate: 250/250 customers (chunk 3/3)" in err


@pytest.mark.parametrize(
    ("customers", "seed", "fmt", "message"),
    [
        (0, 1, "csv", "--customers must be a whole number of at least 1"),
        (10, -1, "csv", "--seed must be a non-negative"),
        (10, 1, "xlsx", "unknown format 'xlsx'; choose one of: csv, parquet"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(
    tmp_path: Path, customers: int, seed: int, fmt: str, message: str
) -> None:
    with pytest.raises(SegmentsError, match=message):
        generate.generate(customers, seed, tmp_path / "out", fmt)
    assert not (tmp_path / "out").exists()


def test_an_unwritable_output_is_refused(tmp_path: Path) -> None:
    # GIVEN an output path that is a file, not a directory
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SegmentsError, match="cannot write to output directory"):
        generate.generate(10, 1, blocker / "raw")


def test_cli_help_exits_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["generate", "--help"])
    assert exit_info.value.code == 0
    assert "--customers" in capsys.readouterr().out


def test_cli_refuses_zero_customers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["generate", "--customers", "0", "--out", str(tmp_path / "raw")])
    assert code != 0
    assert "--customers must be a whole number of at least 1 (got 0)" in capsys.readouterr().err


def test_cli_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["generate", "--customers", "50", "--seed", "2", "--out", str(tmp_path)])
    assert code == 0
    assert (tmp_path / "orders.csv").exists() and (tmp_path / generate.MANIFEST_NAME).exists()
    assert "rows in 11 tables" in capsys.readouterr().err


def test_files_do_not_depend_on_the_number_of_worker_processes(tmp_path: Path) -> None:
    # GIVEN three chunks of customers generated by one worker and by three
    customers = 2 * generate.CHUNK_SIZE + 50
    generate.generate(customers, SEED, tmp_path / "one", workers=1)
    generate.generate(customers, SEED, tmp_path / "three", workers=3)
    # THEN the files are identical, byte for byte
    assert file_hashes(tmp_path / "one") == file_hashes(tmp_path / "three")

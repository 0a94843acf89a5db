"""Audiences and the key-account list as files for downstream tools (`segments export`).

    segments export AUDIENCE... [--out DIR] [--format csv|parquet] [--include-pii]
    segments export --all           (--out defaults to target/export)

Reads the built warehouse read-only. Each audience of marts.audiences becomes
`<audience>.<csv|parquet>` with only what a marketing or sales tool needs:
the customer id, the hashed email (the same salted SHA-256 the warehouse
stores, to match against the tool's own hashed list), the customer's tiers
(value tier, RFM segment) and why the customer is in the audience. Clear
emails are written only with --include-pii, and only when the warehouse
still holds them (its staging layer). `key_accounts` is the sales list: the
key accounts by value (window revenue, then predicted CLV), each with its
company's name (B2B; never a person's), revenue, profit, predicted CLV,
P(alive), last order, lifecycle stage, sales region and service policy;
`key_accounts_coverage` beside it holds the rep coverage per ABC class and
region (marts.sales_coverage, whole reps). Beside each file, `<name>.manifest.json`
says what it is: audience, as-of date, rule version, row count, columns.

Every file is written inside --out (a name that would lead out of it is
refused). A CSV text cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return gets a leading `'`, so a spreadsheet shows it as text and
never runs it as a formula (OWASP, CSV injection); number and date columns
are left as they are (a number is never a formula), and so is Parquet.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from segments.core import sql
from segments.core.errors import SegmentsError
from segments.reporting import match_keys
from segments.reporting.report_data import has_table, open_warehouse

FORMATS = ("csv", "parquet")
KEY_ACCOUNTS = "key_accounts"
# The first characters that make a spreadsheet read a CSV cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PII_COLUMNS = ("email",)

AUDIENCE_QUERY = """
    select
        audiences.customer_id,
        customers.email_hash,
        segments.value_tier,
        segments.rfm_segment,
        audiences.reason,
        audiences.reason_product_id,
        audiences.reason_count,
        audiences.reason_date{pii}
    from marts.audiences as audiences
    inner join marts.customers as customers
        on audiences.customer_id = customers.customer_id
    inner join marts.customer_segments as segments
        on audiences.customer_id = segments.customer_id
    {pii_join}
    where audiences.audience = ?
    order by audiences.customer_id
"""

KEY_ACCOUNTS_QUERY = """
    select
        segments.customer_id,
        {account_name} as account_name,
        segments.customer_type,
        segments.window_revenue as revenue_in_window,
        segments.profit_to_date,
        segments.predicted_clv,
        segments.probability_alive,
        customers.last_order_date,
        segments.lifecycle_stage,
        segments.sales_region,
        segments.abc_class,
        segments.value_tier,
        segments.coverage_ratio,
        segments.visit_cadence,
        segments.complaint_priority,
        segments.complaint_response_hours,
        customers.email_hash{pii}
    from marts.customer_segments as segments
    inner join marts.customers as customers
        on segments.customer_id = customers.customer_id
    {names_join}
    {pii_join}
    where segments.is_key_account
    order by
        segments.window_revenue desc nulls last,
        segments.predicted_clv desc nulls last,
        segments.customer_id
"""

# A B2B customer's name is its company's (crm customers' full_name); a person's
# name is never exported.
NAMES_JOIN = """
    left join (
        select customer_id, full_name
        from staging.base_crm__customers
        where quarantine_reason is null and duplicate_rank = 1
    ) as names
        on customers.customer_id = names.customer_id
"""

COVERAGE = f"{KEY_ACCOUNTS}_coverage"
COVERAGE_QUERY = """
    select
        abc_class,
        sales_region,
        customers,
        coverage_ratio,
        active_reps,
        reps_needed,
        reps_allocated,
        rep_gap,
        capacity_needed,
        capacity_allocated,
        capacity_gap
    from marts.sales_coverage
    order by complaint_priority, sales_region
"""

# The clear email the staging layer kept for each customer (as stg_crm__customers
# reads it before hashing): only for --include-pii.
PII_JOIN = """
    left join (
        select
            customer_id,
            case when repair_reason = 'invalid_email' then null else email end as email,
            phone,
            country_code
        from staging.base_crm__customers
        where quarantine_reason is null and duplicate_rank = 1
    ) as pii
        on customers.customer_id = pii.customer_id
"""


def export(
    warehouse: Path,
    names: list[str] | None,
    out: Path,
    file_format: str,
    include_pii: bool,
    keys: str = "none",
) -> None:
    """Write each audience of `names` (None: every audience and the key-account list) and
    its manifest into `out`, with the match keys of format `keys` (segments.reporting.match_keys);
    every name and path is checked before anything is written."""
    con = open_warehouse(warehouse, [("marts", "audiences")])
    try:
        known = [
            row[0]
            for row in con.execute(
                "select distinct audience from marts.audiences order by 1"
            ).fetchall()
        ]
        names = [*known, KEY_ACCOUNTS] if names is None else list(names)
        unknown = [name for name in names if name not in (*known, KEY_ACCOUNTS)]
        if unknown:
            raise SegmentsError(
                f"no audience {', '.join(unknown)} in {warehouse} (audiences with members: "
                f"{', '.join(known) or 'none'}; also {KEY_ACCOUNTS})"
            )
        for wanted, option in ((include_pii, "--include-pii"), (keys != "none", "--match-keys")):
            if wanted and not has_table(con, "staging", "base_crm__customers"):
                raise SegmentsError(
                    f"{option}: {warehouse} holds no clear PII (no CRM customers were loaded)"
                )
        register_match_keys(con)
        for name in [*names, COVERAGE]:  # every name checked before any file is written
            inside(out, f"{name}.{file_format}")
        out.mkdir(parents=True, exist_ok=True)
        if include_pii:
            print(
                f"warning: --include-pii writes clear PII (column {', '.join(PII_COLUMNS)}) "
                f"into {', '.join(f'{name}.{file_format}' for name in names)} in {out}; "
                "keep these files where only the people allowed to see the emails can read them",
                file=sys.stderr,
            )
        for name in names:
            path, rows = export_one(con, name, out, file_format, include_pii, keys)
            print(f"wrote {path} ({rows:,} rows)")
            if name == KEY_ACCOUNTS and has_table(con, "marts", "sales_coverage"):
                path, rows = export_one(con, COVERAGE, out, file_format, False)
                print(f"wrote {path} ({rows:,} rows)")
    finally:
        con.close()


def export_one(
    con: duckdb.DuckDBPyConnection,
    name: str,
    out: Path,
    file_format: str,
    include_pii: bool,
    keys: str = "none",
) -> tuple[Path, int]:
    """Write one audience (or the key-account list) and its manifest: (file, rows)."""
    extra = []
    if keys != "none":
        email_column, phone_column = match_keys.COLUMNS[keys]
        fmt = sql.literal(keys)
        extra += [
            f"match_email_key(pii.email, {fmt}) as {email_column}",
            f"match_phone_key(pii.phone, pii.country_code, {fmt}) as {phone_column}",
        ]
    if include_pii:
        extra.append("pii.email")
    with_names = has_table(con, "staging", "base_crm__customers")
    query = (
        COVERAGE_QUERY
        if name == COVERAGE
        else (KEY_ACCOUNTS_QUERY if name == KEY_ACCOUNTS else AUDIENCE_QUERY).format(
            pii="".join(f",\n        {column}" for column in extra),
            pii_join=PII_JOIN if extra else "",
            account_name="case when segments.customer_type = 'b2b' then names.full_name end"
            if with_names
            else "cast(null as varchar)",
            names_join=NAMES_JOIN if with_names else "",
        )
    )
    parameters: Sequence[str] = [] if name in (KEY_ACCOUNTS, COVERAGE) else [name]
    relation = con.sql(query, params=parameters) if parameters else con.sql(query)
    path = inside(out, f"{name}.{file_format}")
    if file_format == "csv":
        neutralised(relation).write_csv(str(path), header=True)
    else:
        relation.write_parquet(str(path))
    rows = con.execute(f"select count(*) from ({query})", list(parameters)).fetchall()[0][0]
    as_of, rule_version = con.execute(
        "select max(as_of_date), max(rule_version) from marts.customer_segments"
    ).fetchall()[0]
    manifest = {
        "audience": name,
        "as_of_date": str(as_of),
        "rule_version": rule_version,
        "rows": rows,
        "columns": relation.columns,
        "format": file_format,
        "file": path.name,
        "includes_pii": include_pii,
        "match_keys": keys,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    inside(out, f"{name}.manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return path, rows


def register_match_keys(con: duckdb.DuckDBPyConnection) -> None:
    """The match-key functions as SQL functions of this connection (nulls passed in)."""
    text = duckdb.sqltype("VARCHAR")
    con.create_function(
        "match_email_key", match_keys.email_key, [text, text], text, null_handling="special"
    )
    con.create_function(
        "match_phone_key", match_keys.phone_key, [text, text, text], text, null_handling="special"
    )


def inside(out: Path, file_name: str) -> Path:
    """`out / file_name`, or an error when that path would not be inside `out`."""
    path = out / file_name
    if path.name != file_name or not path.resolve().is_relative_to(out.resolve()):
        raise SegmentsError(
            f"refusing to write {file_name!r}: it is not a file name inside {out} "
            "(audience names are identifiers, see seeds/audience_definitions.csv)"
        )
    return path


def neutralised(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """`relation` with every text cell that a spreadsheet would run as a formula prefixed
    with a quote (see FORMULA_STARTS); other columns as they are."""
    starts = ", ".join(sql.literal(start) for start in FORMULA_STARTS)
    quote = sql.literal("'")
    columns = []
    for name, data_type in zip(relation.columns, relation.types, strict=True):
        column = sql.identifier(name)
        if str(data_type) == "VARCHAR":
            column = (
                f"case when left({column}, 1) in ({starts}) then {quote} || {column} "
                f"else {column} end as {column}"
            )
        columns.append(column)
    return relation.select(", ".join(columns))

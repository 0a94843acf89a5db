"""`segments export`: audiences and the key-account list as files for downstream tools.

    segments export AUDIENCE... --out DIR [--format csv|parquet] [--include-pii]
    segments export --all --out DIR

Reads the built warehouse read-only. Each audience of marts.audiences becomes
`<audience>.<csv|parquet>` with only what a marketing or sales tool needs:
the customer id, the hashed email (the same salted SHA-256 the warehouse
stores, to match against the tool's own hashed list), the customer's tiers
(value tier, RFM segment) and why the customer is in the audience. Clear
emails are written only with --include-pii, and only when the warehouse
still holds them (its staging layer). `key_accounts` is the sales list: the
key accounts with their service policy and the coverage of their class and
region (marts.sales_coverage). Beside each file, `<name>.manifest.json`
says what it is: audience, as-of date, rule version, row count, columns.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from segments import options, project
from segments.errors import SegmentsError
from segments.report import has_table, open_warehouse

FORMATS = ("csv", "parquet")
KEY_ACCOUNTS = "key_accounts"

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
        customers.email_hash,
        segments.abc_class,
        segments.value_tier,
        segments.sales_region,
        segments.coverage_ratio,
        segments.visit_cadence,
        segments.complaint_priority,
        segments.complaint_response_hours,
        coverage.reps_needed as class_reps_needed,
        coverage.reps_allocated as class_reps_allocated,
        coverage.rep_gap as class_rep_gap{pii}
    from marts.customer_segments as segments
    inner join marts.customers as customers
        on segments.customer_id = customers.customer_id
    left join marts.sales_coverage as coverage
        on
            segments.abc_class = coverage.abc_class
            and coverage.sales_region in (segments.sales_region, 'All')
    {pii_join}
    where segments.is_key_account
    order by segments.customer_id
"""

# The clear email the staging layer kept for each customer (as stg_crm__customers
# reads it before hashing): only for --include-pii.
PII_JOIN = """
    left join (
        select
            customer_id,
            case when repair_reason = 'invalid_email' then null else email end as email
        from staging.base_crm__customers
        where quarantine_reason is null and duplicate_rank = 1
    ) as pii
        on customers.customer_id = pii.customer_id
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write audiences (and the key-account list) as CSV or Parquet files, no clear PII",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "audiences", nargs="*", metavar="AUDIENCE", help=f"audience names, or {KEY_ACCOUNTS}"
    )
    parser.add_argument("--all", action="store_true", help=f"every audience and {KEY_ACCOUNTS}")
    parser.add_argument("--out", type=Path, required=True, help="folder for the files")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="(default: %(default)s)")
    parser.add_argument(
        "--include-pii", action="store_true", help="add the clear email (when the warehouse has it)"
    )
    options.add_target(parser, "whose warehouse to read")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if bool(args.audiences) == bool(args.all):
        raise SegmentsError("name the audiences to export, or give --all (not both)")
    warehouse = project.warehouse_path(args.target)
    con = open_warehouse(warehouse, [("marts", "audiences")])
    try:
        known = [
            row[0]
            for row in con.execute(
                "select distinct audience from marts.audiences order by 1"
            ).fetchall()
        ]
        names = [*known, KEY_ACCOUNTS] if args.all else list(args.audiences)
        unknown = [name for name in names if name not in (*known, KEY_ACCOUNTS)]
        if unknown:
            raise SegmentsError(
                f"no audience {', '.join(unknown)} in {warehouse} (audiences with members: "
                f"{', '.join(known) or 'none'}; also {KEY_ACCOUNTS})"
            )
        if args.include_pii and not has_table(con, "staging", "base_crm__customers"):
            raise SegmentsError(
                f"--include-pii: {warehouse} holds no clear PII (no CRM customers were loaded)"
            )
        args.out.mkdir(parents=True, exist_ok=True)
        for name in names:
            path, rows = export_one(con, name, args.out, args.format, args.include_pii)
            print(f"wrote {path} ({rows:,} rows)")
    finally:
        con.close()
    return 0


def export_one(
    con: duckdb.DuckDBPyConnection, name: str, out: Path, file_format: str, include_pii: bool
) -> tuple[Path, int]:
    """Write one audience (or the key-account list) and its manifest: (file, rows)."""
    template = KEY_ACCOUNTS_QUERY if name == KEY_ACCOUNTS else AUDIENCE_QUERY
    sql = template.format(
        pii=",\n        pii.email" if include_pii else "", pii_join=PII_JOIN if include_pii else ""
    )
    parameters: Sequence[str] = [] if name == KEY_ACCOUNTS else [name]
    relation = con.sql(sql, params=parameters) if parameters else con.sql(sql)
    path = out / f"{name}.{file_format}"
    if file_format == "csv":
        relation.write_csv(str(path), header=True)
    else:
        relation.write_parquet(str(path))
    rows = con.execute(f"select count(*) from ({sql})", list(parameters)).fetchall()[0][0]
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
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out / f"{name}.manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return path, rows

"""`segments load-cdnow`: the real CDNOW transactions as the project's raw files.

CDNOW is Fader & Hardie's data set of the online music retailer's customers
whose first purchase was in January-March 1997, followed to 1998-06-30 (see
`segments.devtools.cdnow`; the files are vendored from the lifetimes package, MIT
licence). This command writes them in the raw format of `raw_schema` so the
whole warehouse can be built on real purchases:

- `orders.csv`: one row per CDNOW transaction line, in file order.
  `order_id` is `<customer_id>-<n>`, n the line's position among the source
  file's transactions (1 = first), so several purchases on one day stay
  separate orders. `ordered_at` is the ISO date, `amount` the dollar value
  (2 decimals), `currency` USD, `status` completed (CDNOW records no
  cancellations or returns). Lines with amount 0.00 (80 in the master file, 8
  in the sample) are kept as recorded. They are real purchases in Fader &
  Hardie's analyses, so the build this command runs sets the dbt var
  `quarantine_zero_amount_orders: false` (CDNOW_VARS); a plain
  `segments build` of these files would quarantine them as
  `non_positive_amount`.
- `customers.csv`: `customer_id` only. CDNOW has no customer attributes, so
  every other raw table is absent, which the build supports.
- `_manifest.json`: source, customer and order counts, date range and the
  number of 0.00 orders.

`customer_id` is the id of the file converted: the master file's 1..23570,
or with `--sample` the sample's own 1..2357 (the published summary's `ID`).
The output depends only on the vendored files: every run writes
byte-identical files.
"""

from __future__ import annotations

import csv
import json
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from segments.core import project, raw_schema
from segments.core.errors import SegmentsError
from segments.devtools import cdnow
from segments.pipeline import build
from segments.warehouse import raw_files

MANIFEST_NAME = "_manifest.json"
CURRENCY = "USD"
STATUS = "completed"
# Raw-schema order; the other optional columns have nothing to hold for CDNOW.
ORDER_COLUMNS = ("order_id", "customer_id", "ordered_at", "amount", "status", "currency")
CUSTOMER_COLUMNS = ("customer_id",)
WRITTEN_FILES = ("orders.csv", "customers.csv")
# CDNOW's 0.00 purchases are purchases (Fader & Hardie keep them).
CDNOW_VARS = "{quarantine_zero_amount_orders: false}"
DEFAULT_OUT = {False: Path("data/cdnow"), True: Path("data/cdnow-sample")}
SOURCE = (
    "CDNOW transactions (Fader & Hardie), vendored from the lifetimes package 0.11.3, MIT licence"
)
SOURCE_FILES = {False: "CDNOW_master.txt", True: "CDNOW_sample.txt"}

DESCRIPTION = f"""\
Convert the real CDNOW transactions into the project's raw files, so the
warehouse can be built on real purchases.

Source: Fader & Hardie's CDNOW data set (purchases at the online music
retailer CDNOW of the 23,570 customers whose first purchase was in
January-March 1997, followed to 1998-06-30), as shipped with the lifetimes
Python package (MIT licence) and vendored in segments/devtools/data/cdnow. With
--sample: the standard 1-in-10 sample of 2,357 customers.

Output in --out (default {DEFAULT_OUT[False]}, or {DEFAULT_OUT[True]} with
--sample, under the project root):
  orders.csv      one order per transaction line (same-day purchases stay
                  separate): order_id <customer_id>-<line>, customer_id,
                  ordered_at (ISO date), amount (USD, 2 decimals), status
                  completed, currency USD. Lines with amount 0.00 are kept
                  as purchases (Fader & Hardie count them): --build sets
                  quarantine_zero_amount_orders: false; a plain segments
                  build of these files quarantines them as non_positive_amount.
  customers.csv   customer_id only; all other raw tables are absent.
  {MANIFEST_NAME}  source, counts, date range, number of 0.00 orders.
Every run writes byte-identical files.

With --build, then runs `segments build --raw-dir <out> --target <target>`;
without it, prints that command."""


@dataclass(frozen=True)
class Conversion:
    """What was written."""

    out: Path
    customers: int
    orders: int
    first_date: str
    last_date: str
    zero_amount_orders: int


def load_cdnow(out: Path | None, *, sample: bool, then_build: bool, target: str) -> None:
    """Write the CDNOW files into `out` (default: DEFAULT_OUT) and, with `then_build`,
    build them as `segments build --raw-dir <out> --vars CDNOW_VARS` does."""
    out = out if out is not None else project.project_dir() / DEFAULT_OUT[sample]
    result = convert(out, sample=sample)
    print(
        f"wrote {result.orders:,} orders of {result.customers:,} CDNOW customers "
        f"({result.first_date} .. {result.last_date}) to {out}"
    )
    if result.zero_amount_orders:
        print(
            f"note: {result.zero_amount_orders} orders have amount 0.00 as recorded by CDNOW; "
            f"they are kept as purchases (--vars '{CDNOW_VARS}')"
        )
    if not then_build:
        shown = ["build", "--raw-dir", _shown_path(out), "--target", target]
        shown += ["--vars", CDNOW_VARS]
        print(f"next: segments {shlex.join(shown)}")
        return
    options = build.BuildOptions(
        warehouse=project.warehouse_path(target),
        target=target,
        files=raw_files.find(out),
        mapping=project.column_mapping(),
        dbt_vars=dict(yaml.safe_load(CDNOW_VARS)),
    )
    build.run_and_report(options)


def convert(out: Path, *, sample: bool = False) -> Conversion:
    """Write orders.csv, customers.csv and the manifest for CDNOW into `out`."""
    transactions = cdnow.load_sample() if sample else cdnow.load_master()
    orders = _orders(transactions)
    customers = sorted(transactions["customer_id"].unique().tolist())
    result = Conversion(
        out=out,
        customers=len(customers),
        orders=len(orders),
        first_date=transactions["date"].min().date().isoformat(),
        last_date=transactions["date"].max().date().isoformat(),
        zero_amount_orders=int((transactions["amount"] <= 0).sum()),
    )
    _prepare_out_dir(out)
    _write_csv(out / "orders.csv", ORDER_COLUMNS, orders.itertuples(index=False, name=None))
    _write_csv(out / "customers.csv", CUSTOMER_COLUMNS, ((str(c),) for c in customers))
    manifest = _manifest(result, SOURCE_FILES[sample])
    (out / MANIFEST_NAME).write_text(manifest, encoding="utf-8", newline="\n")
    return result


def _orders(transactions: pd.DataFrame) -> pd.DataFrame:
    customer = transactions["customer_id"].astype(str).to_numpy()
    line = [str(number) for number in range(1, len(transactions) + 1)]
    return pd.DataFrame(
        {
            "order_id": [f"{c}-{n}" for c, n in zip(customer, line, strict=True)],
            "customer_id": customer,
            "ordered_at": transactions["date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "amount": [f"{amount:.2f}" for amount in transactions["amount"]],
            "status": STATUS,
            "currency": CURRENCY,
        },
        columns=list(ORDER_COLUMNS),
    )


def _prepare_out_dir(out: Path) -> None:
    """Create `out`; refuse one holding other raw files the build would load with ours."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SegmentsError(f"cannot create output directory {out}: {error}") from None
    others = sorted(
        path.name
        for path in out.iterdir()
        if path.name not in WRITTEN_FILES and _raw_table_name(path) is not None
    )
    if others:
        raise SegmentsError(
            f"{out} already holds other raw files ({', '.join(others)}) that a build would "
            "load together with CDNOW; choose another --out or remove them"
        )


def _raw_table_name(path: Path) -> str | None:
    suffix = next((s for s in raw_files.SUFFIXES if path.name.endswith(s)), None)
    name = path.name[: -len(suffix)] if suffix else None
    return name if name in raw_schema.TABLES_BY_NAME else None


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[tuple[str, ...]]) -> None:
    """Write to `<name>.partial` and rename, so a failed run leaves no half file."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise SegmentsError(f"cannot write {path}: {error}") from None


def _manifest(result: Conversion, source_file: str) -> str:
    manifest = {
        "source": SOURCE,
        "source_file": source_file,
        "customers": result.customers,
        "order_dates": {"first": result.first_date, "last": result.last_date},
        "reporting_currency": CURRENCY,
        "tables": {"customers": {"rows": result.customers}, "orders": {"rows": result.orders}},
        "zero_amount_orders": result.zero_amount_orders,
    }
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _shown_path(path: Path) -> str:
    """`path` relative to the working directory when inside it, for a copyable command."""
    resolved = path.resolve()
    cwd = Path.cwd().resolve()
    return str(resolved.relative_to(cwd)) if resolved.is_relative_to(cwd) else str(path)

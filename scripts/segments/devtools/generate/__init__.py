"""`segments generate`: deterministic synthetic raw data for every raw table.

The generator writes one file per table of `raw_schema.TABLES` (CSV or Parquet,
every value as text) plus `_manifest.json`. It works on a fixed calendar
(`WINDOW_START` .. `WINDOW_END`) so results never depend on today's date, and in
fixed-size chunks of customers, each with its own random stream
(`numpy.random.default_rng([seed, chunk_index])`), so memory stays bounded, time
grows linearly and the same seed, size and format give byte-identical files.

A small, known share of dirty rows is injected on purpose. Every dirty row carries
exactly one defect and has no dependants, so the manifest states exactly what the
staging models must quarantine (`quarantined`), repair (`repaired`) or merge
(`duplicates`). About 1% of rows per chunk, and at least one of each kind:

- customers, quarantined: `missing_key` (extra row, blank customer_id);
  `test_account` (extra customer, email `qa.user<n>@test.invalid` or
  `test+<n>@example-mail.com`, or full_name `TEST <name>`; each places 1-3 orders,
  quarantined as `test_account` in orders, and has nothing else).
- customers, repaired: `invalid_email` (a real customer's email without `@`, with a
  space, or ending in `@`).
- customers, duplicates: exact copies, and copies with another city (last row wins).
- orders, quarantined (extra rows under fresh ids, no lines or invoices):
  `missing_key` (blank order_id), `unknown_customer` (`C8xxxxxxx`),
  `non_positive_amount` (`0.00` or negative), `absurd_amount` (over 10,000,000 USD),
  `future_date` (in 2099), `invalid_timestamp` (`INVALID_TIMESTAMPS`),
  `invalid_number` (`INVALID_NUMBERS`, `NaN` and `inf` among them),
  `unknown_currency` (`ZZZ`), `out_of_range` (`OUT_OF_RANGE_AMOUNTS`).
- orders, credit notes (`refunds`): clean ones (about 1% of orders, a quarter
  naming no order), refund-only customers, and quarantined ones:
  `refund_exceeds_order`, `refund_of_cancelled_order`, `unknown_refunded_order`.
- orders, duplicates: exact copies, and copies with another channel (last row wins).
- order_items, quarantined (extra lines numbered from 1000): `invalid_number`
  (quantities `2.5`, `1e3`, `0x10`), `out_of_range` (a quantity of 10,000,000).
- invoices, quarantined (copies under fresh ids): `invalid_timestamp` (no issue
  date), `unknown_currency` (`ZZZ`). events, quarantined: `unknown_customer`.
  tickets, repaired: `invalid_optional_number` (a score of `2.5`).
- order_items and events, duplicates: exact copies of whole rows.

The package, one subject per module: `reference` (calendar, countries, names,
rates), `frames` (text columns and CSV formatting), `writer` (part files, the
tally), one module per raw table (`customers`, `orders`, `order_items`,
`products`, `fx_rates`, `sales_reps`, `invoices`, `events`, `tickets`,
`wallet_estimates`, `leads`), `refunds` (credit notes), `defects` (the dirty
rows), `chunk` (one chunk of
customers) and `command` (`segments generate`).
"""

from __future__ import annotations

from segments.devtools.generate.command import generate
from segments.devtools.generate.frames import NOT_GENERATED, generated_columns
from segments.devtools.generate.reference import (
    CHUNK_SIZE,
    FORMATS,
    FX_LEVELS,
    INVALID_TIMESTAMPS,
    LINE_DEFECT_FIRST,
    MANIFEST_NAME,
    ORDER_DEFECTS,
    OUT_OF_RANGE_QUANTITY,
)
from segments.devtools.generate.refunds import BAD_REFUNDS
from segments.devtools.generate.writer import Manifest

__all__ = [
    "BAD_REFUNDS",
    "CHUNK_SIZE",
    "FORMATS",
    "FX_LEVELS",
    "INVALID_TIMESTAMPS",
    "LINE_DEFECT_FIRST",
    "MANIFEST_NAME",
    "NOT_GENERATED",
    "ORDER_DEFECTS",
    "OUT_OF_RANGE_QUANTITY",
    "Manifest",
    "generate",
    "generated_columns",
]

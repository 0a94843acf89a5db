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
  `invalid_number` (`INVALID_NUMBERS`), `unknown_currency` (`ZZZ`).
- orders, duplicates: exact copies, and copies with another channel (last row wins).
- order_items and events, duplicates: exact copies of whole rows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple, TextIO

import duckdb
import numpy as np
from numpy.dtypes import StringDType

from segments import raw_schema
from segments.errors import SegmentsError

# The data window: every clean timestamp falls inside it (UTC), whatever today is.
WINDOW_START = date(2023, 1, 1)
WINDOW_END = date(2025, 12, 31)
REPORTING_CURRENCY = "USD"
FORMATS = ("csv", "parquet")
CHUNK_SIZE = 20_000
# Customer numbers above this range are reserved for injected rows (see `_ID_SPACES`).
MAX_CUSTOMERS = 10_000_000
MANIFEST_NAME = "_manifest.json"

Frame = dict[str, np.ndarray]
Rng = np.random.Generator

TEXT = StringDType()
_DAY = 86_400
_EPOCH = date(1970, 1, 1)
_START_DAY = (WINDOW_START - _EPOCH).days
_END_DAY = (WINDOW_END - _EPOCH).days
WINDOW_DAYS = _END_DAY - _START_DAY + 1
START_S = _START_DAY * _DAY
END_S = (_END_DAY + 1) * _DAY  # exclusive: the first second after the window
# Stream for the tables that do not depend on the chunk (products, fx, reps).
_GLOBAL_STREAM = 2**31
# First number of each id space for rows that must never collide with real ones.
_ID_SPACES = {"extra_customer": 90_000_001, "unknown_customer": 80_000_001}
# Ids of each kind a chunk of CHUNK_SIZE customers may hand out (its block; far
# above what a chunk uses). With MAX_CUSTOMERS / CHUNK_SIZE chunks, the blocks
# fit the ids' digits and the two injected customer spaces do not meet.
_IDS_PER_CHUNK = {
    "order": 1_000_000,
    "event": 1_000_000,
    "invoice": 1_000_000,
    "ticket": 100_000,
    "lead": 100_000,
    "extra_customer": 10_000,
    "unknown_customer": 10_000,
}


# --------------------------------------------------------------------------- #
# Reference data
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    name: str
    currency: str
    region: str
    utc_offset: str
    phone_prefix: str
    company_suffix: str
    weight: float
    cities: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "US", "USA", "United States", "USD", "North America", "-05:00", "+1", "Inc", 0.30,
        ("New York", "Los Angeles", "Chicago", "Houston", "Seattle", "Boston", "Austin"),
    ),
    Country(
        "CA", "CAN", "Canada", "CAD", "North America", "-05:00", "+1", "Ltd", 0.06,
        ("Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa"),
    ),
    Country(
        "GB", "GBR", "United Kingdom", "GBP", "Europe", "+00:00", "+44", "Ltd", 0.10,
        ("London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol"),
    ),
    Country(
        "DE", "DEU", "Germany", "EUR", "Europe", "+01:00", "+49", "GmbH", 0.10,
        ("Berlin", "München", "Hamburg", "Köln", "Frankfurt"),
    ),
    Country(
        "FR", "FRA", "France", "EUR", "Europe", "+01:00", "+33", "SAS", 0.08,
        ("Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux"),
    ),
    Country(
        "ES", "ESP", "Spain", "EUR", "Europe", "+01:00", "+34", "SL", 0.05,
        ("Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao"),
    ),
    Country(
        "NL", "NLD", "Netherlands", "EUR", "Europe", "+01:00", "+31", "BV", 0.04,
        ("Amsterdam", "Rotterdam", "Utrecht", "The Hague", "Eindhoven"),
    ),
    Country(
        "SG", "SGP", "Singapore", "SGD", "Asia Pacific", "+08:00", "+65", "Pte Ltd", 0.03,
        ("Singapore",),
    ),
    Country(
        "AU", "AUS", "Australia", "AUD", "Asia Pacific", "+10:00", "+61", "Pty Ltd", 0.06,
        ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide"),
    ),
    Country(
        "BR", "BRA", "Brazil", "BRL", "Latin America", "-03:00", "+55", "Ltda", 0.06,
        ("São Paulo", "Rio de Janeiro", "Brasília", "Belo Horizonte", "Curitiba"),
    ),
    Country(
        "IN", "IND", "India", "INR", "Asia Pacific", "+05:30", "+91", "Pvt Ltd", 0.07,
        ("Mumbai", "Delhi", "Bengaluru", "Chennai", "Hyderabad", "Pune"),
    ),
    Country(
        "CN", "CHN", "China", "CNY", "Asia Pacific", "+08:00", "+86", "Co Ltd", 0.05,
        ("Shanghai", "Beijing", "Shenzhen", "Guangzhou", "Hangzhou"),
    ),
)  # fmt: skip

# Reporting-currency units per unit, around which the monthly rates walk.
FX_LEVELS: dict[str, float] = {
    "USD": 1.0,
    "CAD": 0.74,
    "GBP": 1.26,
    "EUR": 1.08,
    "SGD": 0.74,
    "AUD": 0.66,
    "BRL": 0.19,
    "INR": 0.012,
    "CNY": 0.14,
}
CURRENCIES: tuple[str, ...] = tuple(FX_LEVELS)
REGIONS: tuple[str, ...] = ("North America", "Europe", "Asia Pacific", "Latin America")

# Seasonality: relative order intensity per calendar month (Nov/Dec peak, summer dip).
MONTH_WEIGHTS = (0.90, 0.85, 0.95, 0.95, 0.95, 0.72, 0.70, 0.85, 1.00, 1.05, 1.55, 1.85)

FIRST_NAMES = (
    "Anna", "James", "Maria", "Wei", "Priya", "Lucas", "Sofia", "Mohammed", "Emma", "Noah",
    "Olivia", "Liam", "Yuki", "Carlos", "Fatima", "Hannah", "Arjun", "Chloe", "Mateo", "Isabella",
    "Ethan", "Aisha", "Lena", "Jonas", "Camille", "Diego", "Grace", "Ravi", "Mei", "Oliver",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Muller", "Martin", "Rossi", "Silva", "Kumar", "Chen", "Wang",
    "Brown", "Jones", "Dubois", "Fernandez", "Jansen", "Tanaka", "Patel", "Singh", "Lopez",
    "Schmidt", "Taylor", "Wilson", "Nguyen", "Kim", "Santos", "Moreau", "Bakker", "Clark",
)  # fmt: skip
COMPANY_WORDS = (
    "Northwind", "Bluepeak", "Silverline", "Redwood", "Brightpath", "Ironclad", "Summit",
    "Evergreen", "Keystone", "Harbor", "Lumen", "Vertex", "Pioneer", "Cobalt", "Meridian",
)  # fmt: skip
COMPANY_SECTORS = (
    "Logistics", "Systems", "Foods", "Retail", "Labs", "Partners", "Industries", "Health",
    "Studios", "Supply", "Analytics", "Builders",
)  # fmt: skip
EMAIL_DOMAINS = ("example-mail.com", "mail.example.org", "example.net", "inbox.example.com")
GENDERS = (("female", 0.47), ("male", 0.47), ("other", 0.02), ("unknown", 0.04))
EDUCATION = ("high_school", "vocational", "bachelor", "master", "doctorate")
OCCUPATIONS = (
    "engineer", "teacher", "nurse", "designer", "accountant", "student", "retired", "manager",
    "sales", "developer", "lawyer", "chef", "driver", "consultant", "self_employed",
)  # fmt: skip
INDUSTRIES = (
    "software", "manufacturing", "retail", "healthcare", "finance", "logistics", "education",
    "hospitality", "construction", "media",
)  # fmt: skip
ACQUISITION_B2C = (("organic_search", 0.3), ("paid_search", 0.25), ("social", 0.2),
                   ("email", 0.1), ("affiliate", 0.05), ("direct", 0.1))  # fmt: skip
ACQUISITION_B2B = (("organic_search", 0.2), ("paid_search", 0.15), ("sales_outreach", 0.35),
                   ("email", 0.1), ("direct", 0.1), ("affiliate", 0.1))  # fmt: skip
ORDER_CHANNELS = ("web", "app", "store", "sales_rep")
CHANNEL_WEIGHTS_B2C = (0.55, 0.30, 0.15, 0.0)
CHANNEL_WEIGHTS_B2B = (0.45, 0.05, 0.0, 0.50)
DEVICES = ("ios", "android", "web")
TICKET_CATEGORIES = (("delivery", 0.35), ("billing", 0.2), ("product", 0.25),
                     ("complaint", 0.1), ("other", 0.1))  # fmt: skip
LEAD_STAGES = (("new", 0.20), ("contacted", 0.20), ("qualified", 0.15), ("proposal", 0.10),
               ("negotiation", 0.05), ("won", 0.12), ("lost", 0.18))  # fmt: skip
_WON = [label for label, _ in LEAD_STAGES].index("won")
_LOST = [label for label, _ in LEAD_STAGES].index("lost")
LEAD_SOURCES = ("web_form", "event", "referral", "cold_outreach", "partner", "content_download")

PRODUCT_ADJECTIVES = (
    "Classic", "Pro", "Eco", "Smart", "Deluxe", "Compact", "Ultra", "Essential", "Premium", "Urban",
)  # fmt: skip
# category -> (nouns, median list price in USD)
PRODUCT_CATEGORIES: dict[str, tuple[tuple[str, ...], float]] = {
    "electronics": (("Headphones", "Speaker", "Charger", "Keyboard", "Monitor"), 90.0),
    "home_kitchen": (("Blender", "Kettle", "Pan Set", "Knife Block", "Lamp"), 45.0),
    "fashion": (("Jacket", "Sneakers", "Backpack", "Scarf", "Watch"), 60.0),
    "sports_outdoors": (("Tent", "Yoga Mat", "Bike Helmet", "Water Bottle", "Trainers"), 40.0),
    "beauty": (("Serum", "Shampoo", "Perfume", "Face Cream", "Hair Dryer"), 25.0),
    "toys_games": (("Puzzle", "Board Game", "Building Set", "Plush Bear", "Drone"), 30.0),
    "books_media": (("Novel", "Cookbook", "Atlas", "Vinyl Record", "Comic"), 18.0),
    "office": (("Desk Chair", "Notebook Set", "Pen Pack", "Paper Ream", "Organizer"), 35.0),
}
PRODUCTS_PER_CATEGORY = 25

# Dirty-row rates per chunk (each reason also gets one guaranteed row per chunk).
CUSTOMER_DEFECT_RATES = {
    "missing_key": 0.001,
    "test_account": 0.002,
    "invalid_email": 0.003,
    "exact_duplicate": 0.002,
    "conflicting_duplicate": 0.002,
}
ORDER_DEFECT_RATE = 0.001  # per quarantine reason
ORDER_DUPLICATE_RATE = 0.001  # per kind: exact and conflicting
LINE_DUPLICATE_RATE = 0.0005  # order_items and events
ORDER_DEFECTS = (
    "missing_key",
    "unknown_customer",
    "non_positive_amount",
    "absurd_amount",
    "future_date",
    "invalid_timestamp",
    "invalid_number",
    "unknown_currency",
)
INVALID_TIMESTAMPS = ("not a date", "2024-13-45", "2024-02-30T10:00:00Z", "31/02/2024 25:00")
INVALID_NUMBERS = ("abc", "12.34.56", "n/a")
UNKNOWN_CURRENCY = "ZZZ"
ABSURD_AMOUNT_MIN = 10_000_000  # USD; clean orders stay below 50,000 USD
TEST_EMAIL_DOMAIN = "test.invalid"


# --------------------------------------------------------------------------- #
# Public API
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Manifest:
    """What was written: row counts and exactly which defects were injected."""

    seed: int
    customers: int
    format: str
    rows: dict[str, int]
    quarantined: dict[str, dict[str, int]]
    repaired: dict[str, dict[str, int]]
    duplicates: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "customers": self.customers,
            "format": self.format,
            "window": {"start": WINDOW_START.isoformat(), "end": WINDOW_END.isoformat()},
            "reporting_currency": REPORTING_CURRENCY,
            "tables": {name: {"rows": count} for name, count in self.rows.items()},
            "quarantined": self.quarantined,
            "repaired": self.repaired,
            "duplicates": self.duplicates,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate(
    customers: int,
    seed: int,
    out: Path,
    fmt: str = "csv",
    progress: bool = False,
    workers: int | None = None,
) -> Manifest:
    """Write every raw table for `customers` customers into `out`; return the manifest.

    Chunks of customers are independent (each draws from its own random stream
    and numbers its rows in its own block of ids), so worker processes, one per
    core (or `workers`), generate and format them while this process writes
    them in order: the files are the same whatever the number of workers.
    """
    _validate(customers, seed, fmt)
    out = _prepare_out_dir(Path(out), fmt)
    tally = _Tally()
    writer = _PartWriter(out)
    try:
        catalogue = _write_global_tables(writer, seed, customers)
        chunks = list(_chunks(customers))
        starts = [first for first, _ in chunks]
        sizes = [size for _, size in chunks]
        workers = min(workers or os.cpu_count() or 1, len(chunks))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = pool.map(
                _chunk_csv,
                [seed] * len(chunks),
                range(len(chunks)),
                starts,
                sizes,
                [catalogue] * len(chunks),
            )
            for chunk_index, (texts, chunk_tally) in enumerate(done):
                for name, (text, count) in texts.items():
                    writer.write_text(name, text, count)
                tally.add(chunk_tally)
                if progress:
                    first_number, size = chunks[chunk_index]
                    _report_progress(first_number + size - 1, customers, chunk_index, len(chunks))
        manifest = tally.manifest(seed, customers, fmt, writer.rows)
        # No manifest while files are being swapped: a half-published directory is visible.
        (out / MANIFEST_NAME).unlink(missing_ok=True)
        writer.publish(fmt)
    except BaseException:
        writer.discard()
        raise
    (out / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8", newline="\n")
    return manifest


def _chunk_csv(
    seed: int, chunk_index: int, first_number: int, size: int, catalogue: _Catalogue
) -> tuple[dict[str, tuple[str, int]], _Tally]:
    """One chunk's rows as CSV text per table (with row counts), and its defect tally."""
    rng = np.random.default_rng([seed, chunk_index])
    tally = _Tally()
    texts = {}
    for name, rows in _chunk(rng, first_number, size, catalogue, _Sequences(chunk_index), tally):
        columns = generated_columns(name)
        if _columns(rows) != columns:
            raise AssertionError(f"{name}: columns {_columns(rows)} differ from {columns}")
        count = _row_count(rows)
        texts[name] = (_csv_text(rows) if count else "", count)
    return texts, tally


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = subparsers.add_parser(
        "generate",
        help="Write deterministic synthetic raw data (all raw tables + _manifest.json).",
        description=(
            "Write one file per raw table (CSV or Parquet, all values as text) plus "
            f"{MANIFEST_NAME} into --out. Data covers {WINDOW_START} .. {WINDOW_END}; "
            "amounts are in each customer's currency with monthly fx_rates to "
            f"{REPORTING_CURRENCY}. About 1% of rows are deliberately dirty; the manifest "
            "counts exactly what staging must quarantine, repair or deduplicate. The same "
            "--seed, --customers and --format give byte-identical files."
        ),
    )
    command.add_argument(
        "--customers", type=int, default=5000, help="number of customers (default: 5000)"
    )
    command.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    command.add_argument("--out", type=Path, required=True, help="output directory")
    command.add_argument(
        "--format", choices=FORMATS, default="csv", dest="fmt", help="file format (default: csv)"
    )
    command.add_argument(
        "--progress",
        action="store_true",
        help="report progress on stderr (default: only when stderr is a terminal)",
    )
    command.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    show_progress = bool(args.progress or sys.stderr.isatty())
    manifest = generate(args.customers, args.seed, args.out, args.fmt, progress=show_progress)
    total = sum(manifest.rows.values())
    print(f"wrote {total:,} rows in {len(manifest.rows)} tables to {args.out}", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- #
# Validation, output files, bookkeeping
# --------------------------------------------------------------------------- #
def _validate(customers: int, seed: int, fmt: str) -> None:
    if not isinstance(customers, int) or customers < 1:
        raise SegmentsError(f"--customers must be a whole number of at least 1 (got {customers})")
    if customers > MAX_CUSTOMERS:
        raise SegmentsError(f"--customers must be at most {MAX_CUSTOMERS:,} (got {customers:,})")
    if not isinstance(seed, int) or seed < 0:
        raise SegmentsError(f"--seed must be a non-negative whole number (got {seed})")
    if fmt not in FORMATS:
        raise SegmentsError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _prepare_out_dir(out: Path, fmt: str) -> Path:
    """Create `out`, prove it is writable, drop a previous run's other-format files."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".segments-write-probe"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as error:
        raise SegmentsError(f"cannot write to output directory {out}: {error}") from None
    if (out / MANIFEST_NAME).exists():
        # Only a directory this command wrote before: a loader must never see both formats.
        for other in FORMATS:
            if other != fmt:
                for tbl in raw_schema.TABLES:
                    (out / f"{tbl.name}.{other}").unlink(missing_ok=True)
    return out


def _chunks(customers: int) -> Iterator[tuple[int, int]]:
    """(first customer number, size) per chunk; customer numbers start at 1."""
    for start in range(0, customers, CHUNK_SIZE):
        yield start + 1, min(CHUNK_SIZE, customers - start)


def _report_progress(done: int, total: int, chunk_index: int, chunks: int) -> None:
    """One line per chunk; on a terminal the line is rewritten in place."""
    live = sys.stderr.isatty()
    message = f"generate: {done:,}/{total:,} customers (chunk {chunk_index + 1}/{chunks})"
    end = "" if live and chunk_index + 1 < chunks else "\n"
    print(("\r" if live else "") + message, end=end, file=sys.stderr, flush=True)


@dataclass
class _Tally:
    """Counts of injected defects, by table."""

    quarantined: dict[str, Counter[str]] = field(default_factory=dict)
    repaired: dict[str, Counter[str]] = field(default_factory=dict)
    duplicates: Counter[str] = field(default_factory=Counter)

    def add(self, other: _Tally) -> None:
        for table, counts in other.quarantined.items():
            self.quarantined.setdefault(table, Counter()).update(counts)
        for table, counts in other.repaired.items():
            self.repaired.setdefault(table, Counter()).update(counts)
        self.duplicates.update(other.duplicates)

    def quarantine(self, table: str, reason: str, count: int) -> None:
        self.quarantined.setdefault(table, Counter())[reason] += count

    def repair(self, table: str, reason: str, count: int) -> None:
        self.repaired.setdefault(table, Counter())[reason] += count

    def manifest(self, seed: int, customers: int, fmt: str, rows: dict[str, int]) -> Manifest:
        names = [tbl.name for tbl in raw_schema.TABLES]
        return Manifest(
            seed=seed,
            customers=customers,
            format=fmt,
            rows=dict(rows),
            quarantined={name: dict(self.quarantined.get(name, {})) for name in names},
            repaired={name: dict(self.repaired.get(name, {})) for name in names},
            duplicates={name: self.duplicates[name] for name in names},
        )


class _Sequences:
    """Running numbers for keys that must stay unique across chunks.

    Each chunk numbers its rows of a kind in its own block of ids
    (`_IDS_PER_CHUNK`), so no chunk depends on another.
    """

    def __init__(self, chunk_index: int) -> None:
        self._chunk_index = chunk_index
        self._next: Counter[str] = Counter()

    def take(self, kind: str, count: int) -> np.ndarray:
        capacity = _IDS_PER_CHUNK[kind]
        used = self._next[kind]
        if used + count > capacity:
            raise AssertionError(f"chunk {self._chunk_index} needs more than {capacity} {kind} ids")
        self._next[kind] += count
        first = _ID_SPACES.get(kind, 1) + self._chunk_index * capacity + used
        return np.arange(first, first + count, dtype=np.int64)


class _PartWriter:
    """Appends CSV text per table to `<table>.csv.partial`; publishes them at the end."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.rows: dict[str, int] = {tbl.name: 0 for tbl in raw_schema.TABLES}
        self._paths = {tbl.name: out / f"{tbl.name}.csv.partial" for tbl in raw_schema.TABLES}
        self._handles: dict[str, TextIO] = {}
        for tbl in raw_schema.TABLES:
            handle = self._paths[tbl.name].open("w", encoding="utf-8", newline="")
            handle.write(",".join(generated_columns(tbl.name)) + "\n")
            self._handles[tbl.name] = handle

    def write(self, name: str, rows: Rows) -> None:
        columns = generated_columns(name)
        if _columns(rows) != columns:
            raise AssertionError(f"{name}: columns {_columns(rows)} differ from {columns}")
        count = _row_count(rows)
        self.write_text(name, _csv_text(rows) if count else "", count)

    def write_text(self, name: str, text: str, count: int) -> None:
        if count:
            self._handles[name].write(text)
            self.rows[name] += count

    def publish(self, fmt: str) -> None:
        self._close()
        for tbl in raw_schema.TABLES:
            part = self._paths[tbl.name]
            if fmt == "csv":
                part.replace(self.out / f"{tbl.name}.csv")
                continue
            target = self.out / f"{tbl.name}.parquet.partial"
            _csv_to_parquet(part, target, generated_columns(tbl.name))
            target.replace(self.out / f"{tbl.name}.parquet")
            part.unlink()

    def discard(self) -> None:
        self._close()
        for tbl in raw_schema.TABLES:
            self._paths[tbl.name].unlink(missing_ok=True)
            (self.out / f"{tbl.name}.parquet.partial").unlink(missing_ok=True)

    def _close(self) -> None:
        for handle in self._handles.values():
            handle.close()


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _csv_to_parquet(source: Path, target: Path, columns: list[str]) -> None:
    """All-text Parquet; one thread and insertion order keep the bytes deterministic."""
    types = ", ".join(f"{_sql_string(name)}: 'VARCHAR'" for name in columns)
    connection = duckdb.connect()
    try:
        connection.execute("set threads = 1")
        connection.execute("set preserve_insertion_order = true")
        connection.execute(
            f"copy (select * from read_csv({_sql_string(str(source))}, header = true, "
            f"delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
            f"columns = {{{types}}})) to {_sql_string(str(target))} (format parquet)"
        )
    finally:
        connection.close()


# --------------------------------------------------------------------------- #
# Frames of text columns and their formatting
# --------------------------------------------------------------------------- #
def _length(frame: Frame) -> int:
    return len(next(iter(frame.values())))


# Optional contract columns the simulated systems do not have (the shop books
# no refunds as orders of their own; tests build those by hand).
NOT_GENERATED = {"orders": ("refunds_order_id",)}


def generated_columns(table: str) -> list[str]:
    """The contract columns of `table` the generator writes, in contract order."""
    skipped = NOT_GENERATED.get(table, ())
    return [name for name in raw_schema.table(table).column_names if name not in skipped]


def _frame(table: str, **columns: np.ndarray) -> Frame:
    """Columns in generated_columns order, all as variable-width text."""
    names = generated_columns(table)
    if sorted(columns) != sorted(names):
        raise AssertionError(f"{table}: got {sorted(columns)}, contract has {sorted(names)}")
    return {name: np.asarray(columns[name]).astype(TEXT) for name in names}


def _take(frame: Frame, rows: np.ndarray) -> Frame:
    return {name: values[rows] for name, values in frame.items()}


@dataclass(frozen=True)
class _Interleaved:
    """Rows of `base` with `extra` rows slotted in: written in the order `order`."""

    base: Frame
    extra: Frame
    order: np.ndarray  # positions in base rows followed by extra rows


Rows = Frame | _Interleaved


def _interleave(rng: Rng, base: Frame, extra: Frame, after: np.ndarray) -> _Interleaved:
    """Insert `extra` rows at random positions; a row with `after >= 0` lands after that row."""
    count = _length(base)
    low = np.where(after < 0, -0.5, after + 0.5)
    keys = np.concatenate(
        [np.arange(count, dtype=float), low + rng.random(len(after)) * (count - 0.5 - low)]
    )
    return _Interleaved(base, extra, np.argsort(keys, kind="stable"))


def _with_exact_duplicates(rng: Rng, frame: Frame, count: int) -> _Interleaved:
    sources = rng.choice(_length(frame), size=count, replace=False)
    return _interleave(rng, frame, _take(frame, sources), sources)


def _row_count(rows: Rows) -> int:
    return len(rows.order) if isinstance(rows, _Interleaved) else _length(rows)


def _columns(rows: Rows) -> list[str]:
    return list(rows.base if isinstance(rows, _Interleaved) else rows)


def _csv_text(rows: Rows) -> str:
    if isinstance(rows, _Interleaved):
        lines = np.concatenate([_csv_lines(rows.base), _csv_lines(rows.extra)])[rows.order]
    else:
        lines = _csv_lines(rows)
    return "\n".join(lines.tolist()) + "\n"


def _csv_lines(frame: Frame) -> np.ndarray:
    line: np.ndarray | None = None
    for values in frame.values():
        cell = _quoted(values)
        line = cell if line is None else np.strings.add(np.strings.add(line, ","), cell)
    assert line is not None
    return line


def _quoted(values: np.ndarray) -> np.ndarray:
    """RFC 4180 quoting, also for cells with surrounding spaces so no reader trims them."""
    # One scan of the joined column is far cheaper than per-cell checks on clean columns.
    joined = "\0" + "\0".join(values.tolist()) + "\0"
    if not any(mark in joined for mark in (",", '"', "\n", "\r", "\0 ", " \0")):
        return values
    special = np.strings.startswith(values, " ") | np.strings.endswith(values, " ")
    for char in (",", '"', "\n", "\r"):
        special |= np.strings.find(values, char) >= 0
    escaped = np.strings.add(np.strings.add('"', np.strings.replace(values, '"', '""')), '"')
    return np.where(special, escaped, values).astype(TEXT)


def _text(values: Sequence[str] | np.ndarray) -> np.ndarray:
    return np.asarray(values).astype(TEXT)


def _blank(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    result = values.astype(TEXT)
    result[mask] = ""
    return result


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return np.strings.add(prefix, np.strings.zfill(numbers.astype(TEXT), width))


def _money(cents: np.ndarray) -> np.ndarray:
    """Integer cents as a decimal with two places (`-12.50`, `0.00`)."""
    cents = np.asarray(cents, dtype=np.int64)
    magnitude = np.abs(cents)
    whole = (magnitude // 100).astype(TEXT)
    text = np.strings.add(
        np.strings.add(whole, "."), np.strings.zfill((magnitude % 100).astype(TEXT), 2)
    )
    return np.where(cents < 0, np.strings.add("-", text), text).astype(TEXT)


def _dates(days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 as ISO dates."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype(TEXT)


def _timestamps(seconds: np.ndarray, offsets: np.ndarray, use_offset: np.ndarray) -> np.ndarray:
    """UTC epoch seconds as ISO 8601: `...Z`, or local time with the country's offset."""
    minutes = _offset_minutes(offsets)
    local = np.asarray(seconds, dtype=np.int64) + np.where(use_offset, minutes * 60, 0)
    text = local.astype("datetime64[s]").astype(TEXT)
    return np.strings.add(text, np.where(use_offset, offsets, "Z").astype(TEXT))


def _offset_minutes(offsets: np.ndarray) -> np.ndarray:
    sign = np.where(np.strings.startswith(offsets, "-"), -1, 1)
    hours = np.strings.slice(offsets, 1, 3).astype(np.int64)
    minutes = np.strings.slice(offsets, 4, 6).astype(np.int64)
    return sign * (hours * 60 + minutes)


def _booleans(values: np.ndarray) -> np.ndarray:
    return np.where(values, "true", "false").astype(TEXT)


def _pick_index(rng: Rng, options: Sequence[tuple[str, float]], size: int) -> np.ndarray:
    weights = np.array([weight for _, weight in options])
    return rng.choice(len(options), size=size, p=weights / weights.sum())


def _pick(rng: Rng, options: Sequence[tuple[str, float]], size: int) -> np.ndarray:
    return _text([label for label, _ in options])[_pick_index(rng, options, size)]


def _counts(rng: Rng, rows: int, rate: float) -> int:
    """Injected rows for one reason in one chunk: at least one, about `rate` per row."""
    return 1 + int(rng.binomial(rows, rate))


# --------------------------------------------------------------------------- #
# Calendar helpers
# --------------------------------------------------------------------------- #
def _seasonal_cdf() -> np.ndarray:
    days = np.arange(_START_DAY, _END_DAY + 1).astype("datetime64[D]")
    months = days.astype("datetime64[M]").astype(np.int64) % 12
    weights = np.array(MONTH_WEIGHTS)[months]
    return np.concatenate([[0.0], np.cumsum(weights)])


_SEASONAL_CDF = _seasonal_cdf()
_DAY_GRID = np.arange(WINDOW_DAYS + 1, dtype=float)


def _seasonal_times(rng: Rng, low_s: np.ndarray, high_s: np.ndarray) -> np.ndarray:
    """One time per row in [low, high], denser in high-season months."""
    low_c = np.interp((low_s - START_S) / _DAY, _DAY_GRID, _SEASONAL_CDF)
    high_c = np.interp((high_s - START_S) / _DAY, _DAY_GRID, _SEASONAL_CDF)
    target = low_c + rng.random(len(low_s)) * (high_c - low_c)
    seconds = START_S + (np.interp(target, _SEASONAL_CDF, _DAY_GRID) * _DAY).astype(np.int64)
    return np.clip(seconds, low_s, high_s)


def _growing_times(rng: Rng, size: int, growth: float = 0.6) -> np.ndarray:
    """Times across the window with density rising linearly by `growth` (business grows)."""
    u = rng.random(size)
    share = (np.sqrt(1 + 2 * growth * u * (1 + growth / 2)) - 1) / growth
    return START_S + (share * (END_S - START_S - 2 * _DAY)).astype(np.int64)


# --------------------------------------------------------------------------- #
# Country-level lookups as arrays
# --------------------------------------------------------------------------- #
_C_ISO2 = _text([c.iso2 for c in COUNTRIES])
_C_ISO3 = _text([c.iso3 for c in COUNTRIES])
_C_NAME = _text([c.name for c in COUNTRIES])
_C_CURRENCY = np.array([CURRENCIES.index(c.currency) for c in COUNTRIES])
_C_OFFSET = _text([c.utc_offset for c in COUNTRIES])
_C_PHONE = _text([c.phone_prefix for c in COUNTRIES])
_C_SUFFIX = _text([c.company_suffix for c in COUNTRIES])
_C_REGION = np.array([REGIONS.index(c.region) for c in COUNTRIES])
_C_WEIGHT = np.array([c.weight for c in COUNTRIES]) / sum(c.weight for c in COUNTRIES)
_C_CITY_COUNT = np.array([len(c.cities) for c in COUNTRIES])
_C_CITY_FIRST = np.concatenate([[0], np.cumsum(_C_CITY_COUNT)[:-1]])
_CITIES = _text([city for c in COUNTRIES for city in c.cities])
_FX_LEVEL = np.array([FX_LEVELS[code] for code in CURRENCIES])
_CURRENCY_CODES = _text(CURRENCIES)


def _random_countries(rng: Rng, size: int) -> np.ndarray:
    return rng.choice(len(COUNTRIES), size=size, p=_C_WEIGHT)


def _random_cities(rng: Rng, countries: np.ndarray) -> np.ndarray:
    """Index into `_CITIES`, a city of each row's country."""
    local = (rng.random(len(countries)) * _C_CITY_COUNT[countries]).astype(np.int64)
    return _C_CITY_FIRST[countries] + local


def _country_spellings(rng: Rng, countries: np.ndarray) -> np.ndarray:
    """Countries as sources write them: ISO2, ISO3, English name, lower case, padded."""
    style = rng.choice(5, size=len(countries), p=[0.5, 0.15, 0.15, 0.1, 0.1])
    text = np.where(style == 1, _C_ISO3[countries], _C_ISO2[countries]).astype(TEXT)
    text = np.where(style == 2, _C_NAME[countries], text).astype(TEXT)
    text = np.where(style == 3, np.strings.lower(_C_ISO2[countries]), text).astype(TEXT)
    padded = np.strings.add(np.strings.add(" ", _C_NAME[countries]), " ")
    return np.where(style == 4, padded, text).astype(TEXT)


def _local_cents(usd: np.ndarray, currency: np.ndarray) -> np.ndarray:
    """A USD amount in the row's currency, as integer cents."""
    return np.maximum(np.rint(usd / _FX_LEVEL[currency] * 100), 1).astype(np.int64)


def _currency_text(rng: Rng, currency: np.ndarray, blank_usd_share: float) -> np.ndarray:
    """Currency codes; some USD rows left blank (the reporting-currency default)."""
    blank = (currency == 0) & (rng.random(len(currency)) < blank_usd_share)
    return _blank(_CURRENCY_CODES[currency], blank)


# --------------------------------------------------------------------------- #
# Global tables: products, fx_rates, sales_reps
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class _Catalogue:
    ids: np.ndarray
    category: np.ndarray
    price_usd: np.ndarray  # list price, float USD
    cost_usd: np.ndarray
    by_price: np.ndarray  # product indices sorted by list price


def _write_global_tables(writer: _PartWriter, seed: int, customers: int) -> _Catalogue:
    rng = np.random.default_rng([seed, _GLOBAL_STREAM])
    catalogue, products = _products(rng)
    writer.write("products", products)
    writer.write("fx_rates", _fx_rates(rng))
    writer.write("sales_reps", _sales_reps(rng, customers))
    return catalogue


def _products(rng: Rng) -> tuple[_Catalogue, Frame]:
    names: list[str] = []
    categories: list[str] = []
    medians: list[float] = []
    for category, (nouns, median) in PRODUCT_CATEGORIES.items():
        combos = [f"{adj} {noun}" for adj in PRODUCT_ADJECTIVES for noun in nouns]
        chosen = rng.choice(len(combos), size=PRODUCTS_PER_CATEGORY, replace=False)
        names += [combos[i] for i in chosen]
        categories += [category] * PRODUCTS_PER_CATEGORY
        medians += [median] * PRODUCTS_PER_CATEGORY
    count = len(names)
    price = np.round(np.clip(np.array(medians) * rng.lognormal(0, 0.6, count), 3, 2000), 2)
    cost = np.round(price * rng.uniform(0.42, 0.76, count), 2)  # margin 24-58%
    ids = _ids("P", np.arange(1, count + 1), 4)
    catalogue = _Catalogue(ids, _text(categories), price, cost, np.argsort(price, kind="stable"))
    frame = _frame(
        "products",
        product_id=ids,
        product_name=_text(names),
        category=_text(categories),
        list_price=_money(np.rint(price * 100)),
        unit_cost=_money(np.rint(cost * 100)),
    )
    return catalogue, frame


def _fx_rates(rng: Rng) -> Frame:
    """One rate per currency and month start; a mean-reverting walk around `FX_LEVELS`."""
    months = np.arange(np.datetime64(WINDOW_START, "M"), np.datetime64(WINDOW_END, "M") + 1).astype(
        "datetime64[D]"
    )
    codes: list[np.ndarray] = []
    rates: list[np.ndarray] = []
    for code, level in FX_LEVELS.items():
        drift = np.zeros(len(months))
        shocks = rng.normal(0, 0.02, len(months))
        for month in range(1, len(months)):
            drift[month] = 0.85 * drift[month - 1] + shocks[month]
        walk = np.ones(len(months)) if code == REPORTING_CURRENCY else level * np.exp(drift)
        codes.append(np.full(len(months), code))
        rates.append(walk)
    rate_text = [f"{rate:.6f}" for rate in np.concatenate(rates)]
    return _frame(
        "fx_rates",
        currency=np.concatenate(codes),
        rate_date=np.tile(months.astype(TEXT), len(FX_LEVELS)),
        rate_to_reporting=_text(rate_text),
    )


def _sales_reps(rng: Rng, customers: int) -> Frame:
    count = max(5, customers // 500)
    region_weight = np.bincount(_C_REGION, weights=_C_WEIGHT, minlength=len(REGIONS))
    regions = np.concatenate(
        [np.arange(len(REGIONS)), rng.choice(len(REGIONS), count - len(REGIONS), p=region_weight)]
    )
    first, last = _person_names(rng, count)
    return _frame(
        "sales_reps",
        rep_id=_ids("R", np.arange(1, count + 1), 4),
        rep_name=np.strings.add(np.strings.add(first, " "), last),
        region=_text(REGIONS)[regions],
        capacity_accounts=rng.integers(20, 81, count).astype(TEXT),
        is_active=_booleans(rng.random(count) < 0.92),
    )


def _person_names(rng: Rng, size: int) -> tuple[np.ndarray, np.ndarray]:
    first = _text(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), size)]
    last = _text(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), size)]
    return first, last


def _company_names(rng: Rng, countries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`Northwind Logistics GmbH` and its mail domain `@northwind-logistics.example.com`."""
    word = _text(COMPANY_WORDS)[rng.integers(0, len(COMPANY_WORDS), len(countries))]
    sector = _text(COMPANY_SECTORS)[rng.integers(0, len(COMPANY_SECTORS), len(countries))]
    name = np.strings.add(np.strings.add(word, " "), sector)
    slug = np.strings.lower(np.strings.add(np.strings.add(word, "-"), sector))
    domain = np.strings.add(np.strings.add("@", slug), ".example.com")
    return np.strings.add(np.strings.add(name, " "), _C_SUFFIX[countries]), domain


# --------------------------------------------------------------------------- #
# One chunk of customers and everything that hangs off them
# --------------------------------------------------------------------------- #
def _chunk(
    rng: Rng,
    first_number: int,
    size: int,
    catalogue: _Catalogue,
    sequences: _Sequences,
    tally: _Tally,
) -> Iterator[tuple[str, Rows]]:
    people = _people(rng, np.arange(first_number, first_number + size, dtype=np.int64))
    orders = _orders(rng, people, catalogue, sequences)
    clean_customers = _render_customers(rng, people)
    customers, tests = _customers_with_defects(rng, people, clean_customers, sequences, tally)
    items = _order_items(rng, orders)
    events = _events(rng, people, catalogue, sequences)
    yield "customers", customers
    yield "orders", _orders_with_defects(rng, orders, tests, sequences, tally)
    yield "order_items", _with_line_duplicates(rng, "order_items", items, tally)
    yield "invoices", _invoices(rng, orders, sequences)
    yield "events", _with_line_duplicates(rng, "events", events, tally)
    yield "tickets", _tickets(rng, orders, sequences)
    yield "wallet_estimates", _wallet_estimates(rng, orders)
    yield "leads", _leads(rng, people, clean_customers, sequences)


def _with_line_duplicates(rng: Rng, table: str, frame: Frame, tally: _Tally) -> _Interleaved:
    count = min(_counts(rng, _length(frame), LINE_DUPLICATE_RATE), _length(frame))
    tally.duplicates[table] += count
    return _with_exact_duplicates(rng, frame, count)


@dataclass(frozen=True)
class _People:
    """Latent model of one chunk's customers (row i = customer number `numbers[i]`)."""

    numbers: np.ndarray
    ids: np.ndarray
    country: np.ndarray
    city: np.ndarray  # index into _CITIES
    is_b2b: np.ndarray
    value: np.ndarray  # latent customer value: drives order count, size and lifetime
    signup_s: np.ndarray
    first_order_s: np.ndarray
    active_end_s: np.ndarray  # after this the customer has churned (or the window ended)
    device: np.ndarray

    @property
    def currency(self) -> np.ndarray:
        return _C_CURRENCY[self.country]


def _people(rng: Rng, numbers: np.ndarray) -> _People:
    size = len(numbers)
    is_b2b = rng.random(size) < 0.30
    value = rng.lognormal(0.0, 0.6, size)
    signup = np.sort(_growing_times(rng, size))  # numbers rise with signup inside a chunk
    first_order = np.minimum(
        signup + 60 + rng.exponential(3 * _DAY, size).astype(np.int64), END_S - 1
    )
    lifetime = rng.exponential(600 * _DAY * value**0.3 * np.where(is_b2b, 1.5, 1.0))
    active_end = np.clip(signup + lifetime.astype(np.int64), first_order, END_S - 1)
    country = _random_countries(rng, size)
    return _People(
        numbers=numbers,
        ids=_ids("C", numbers, 8),
        country=country,
        city=_random_cities(rng, country),
        is_b2b=is_b2b,
        value=value,
        signup_s=signup,
        first_order_s=first_order,
        active_end_s=active_end,
        device=rng.choice(len(DEVICES), size=size, p=[0.35, 0.30, 0.35]),
    )


def _emails(rng: Rng, first: np.ndarray, last: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """`first.last123@domain`, a tenth written in mixed case."""
    domains = _text(EMAIL_DOMAINS)[rng.integers(0, len(EMAIL_DOMAINS), len(numbers))]
    local = np.strings.add(np.strings.add(first, "."), np.strings.add(last, numbers.astype(TEXT)))
    mixed = np.strings.add(np.strings.add(local, "@"), np.strings.capitalize(domains))
    lower = np.strings.lower(np.strings.add(np.strings.add(local, "@"), domains))
    return np.where(rng.random(len(numbers)) < 0.1, mixed, lower).astype(TEXT)


def _render_customers(rng: Rng, people: _People, with_referrals: bool = True) -> Frame:
    size = len(people.numbers)
    b2b, b2c = people.is_b2b, ~people.is_b2b
    first, last = _person_names(rng, size)
    person = np.strings.add(np.strings.add(first, " "), last)
    birth_days = _END_DAY - (rng.uniform(18, 80, size) * 365.25).astype(np.int64)
    income = np.round(np.clip(rng.lognormal(np.log(52_000), 0.5, size), 8_000, 900_000), -2)
    size_employees = np.clip(rng.lognormal(np.log(60), 1.4, size), 2, 200_000).astype(np.int64)
    phones = np.strings.add(
        np.strings.add(_C_PHONE[people.country], " 555-"),
        np.strings.add(
            np.strings.add(np.strings.zfill(rng.integers(0, 1000, size).astype(TEXT), 3), "-"),
            np.strings.zfill(rng.integers(0, 10_000, size).astype(TEXT), 4),
        ),
    )
    referrer = _referrers(rng, people) if with_referrals else np.full(size, "", dtype=TEXT)
    channel = np.where(b2b, _pick(rng, ACQUISITION_B2B, size), _pick(rng, ACQUISITION_B2C, size))
    channel = np.where(referrer != "", "referral", channel)
    return _frame(
        "customers",
        customer_id=people.ids,
        full_name=np.where(b2b, _company_names(rng, people.country)[0], person),
        email=_emails(rng, first, last, people.numbers),
        phone=_blank(phones, rng.random(size) < 0.08),
        customer_type=np.where(b2b, "b2b", "b2c"),
        birth_date=_blank(_dates(birth_days), b2b | (rng.random(size) < 0.05)),
        gender=_blank(_pick(rng, GENDERS, size), b2b),
        annual_income=_blank(_money(income * 100), b2b | (rng.random(size) < 0.08)),
        education=_blank(
            _text(EDUCATION)[rng.integers(0, len(EDUCATION), size)], b2b | (rng.random(size) < 0.06)
        ),
        occupation=_blank(
            _text(OCCUPATIONS)[rng.integers(0, len(OCCUPATIONS), size)],
            b2b | (rng.random(size) < 0.06),
        ),
        industry=_blank(_text(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), size)], b2c),
        company_size=_blank(size_employees.astype(TEXT), b2c),
        country=_country_spellings(rng, people.country),
        city=_CITIES[people.city],
        signup_at=_timestamps(people.signup_s, _C_OFFSET[people.country], rng.random(size) < 0.2),
        acquisition_channel=channel,
        referred_by_customer_id=referrer,
    )


def _referrers(rng: Rng, people: _People) -> np.ndarray:
    """About 10% were referred by a customer of the same chunk who signed up earlier."""
    position = np.arange(len(people.numbers))
    referred = (rng.random(len(position)) < 0.10) & (position > 0)
    earlier = (rng.random(len(position)) * position).astype(np.int64)
    return _blank(people.ids[earlier], ~referred)


# --------------------------------------------------------------------------- #
# Customers' defects
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class _TestAccounts:
    ids: np.ndarray
    country: np.ndarray
    signup_s: np.ndarray


def _customers_with_defects(
    rng: Rng, people: _People, clean: Frame, sequences: _Sequences, tally: _Tally
) -> tuple[_Interleaved, _TestAccounts]:
    frame = dict(clean)
    frame["email"] = clean["email"].copy()
    size = len(people.numbers)
    count = {reason: _counts(rng, size, rate) for reason, rate in CUSTOMER_DEFECT_RATES.items()}
    conflicting, invalid, exact = _distinct_customer_picks(rng, people, count)
    frame["email"][invalid] = _invalid_emails(rng, frame["email"][invalid])
    extra, test_accounts = _extra_customers(
        rng, count["missing_key"], count["test_account"], sequences
    )
    duplicates = _take(frame, np.concatenate([exact, conflicting]))
    duplicates["city"][len(exact) :] = _other_city(rng, people, conflicting)
    rows = {name: np.concatenate([extra[name], duplicates[name]]) for name in frame}
    after = np.concatenate([np.full(_length(extra), -1), exact, conflicting])
    tally.quarantine("customers", "missing_key", count["missing_key"])
    tally.quarantine("customers", "test_account", count["test_account"])
    tally.repair("customers", "invalid_email", len(invalid))
    tally.duplicates["customers"] += len(exact) + len(conflicting)
    return _interleave(rng, frame, rows, after), test_accounts


def _distinct_customer_picks(
    rng: Rng, people: _People, count: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows for conflicting duplicates (multi-city countries), bad emails, copies."""
    shuffled = rng.permutation(len(people.numbers))
    multi_city = shuffled[_C_CITY_COUNT[people.country[shuffled]] > 1]
    conflicting = multi_city[: count["conflicting_duplicate"]]
    rest = shuffled[~np.isin(shuffled, conflicting)]
    invalid = rest[: count["invalid_email"]]
    exact = rest[count["invalid_email"] : count["invalid_email"] + count["exact_duplicate"]]
    return conflicting, invalid, exact


def _invalid_emails(rng: Rng, emails: np.ndarray) -> np.ndarray:
    """Malformed on purpose: no `@`, a space inside, or nothing after the `@`."""
    style = rng.integers(0, 3, len(emails))
    no_at = np.strings.replace(emails, "@", "")
    spaced = np.strings.replace(emails, ".", " ", 1)
    no_domain = np.strings.slice(emails, 0, np.strings.find(emails, "@") + 1)
    return np.where(style == 0, no_at, np.where(style == 1, spaced, no_domain)).astype(TEXT)


def _other_city(rng: Rng, people: _People, rows: np.ndarray) -> np.ndarray:
    country = people.country[rows]
    local = people.city[rows] - _C_CITY_FIRST[country]
    shift = 1 + (rng.random(len(rows)) * (_C_CITY_COUNT[country] - 1)).astype(np.int64)
    return _CITIES[_C_CITY_FIRST[country] + (local + shift) % _C_CITY_COUNT[country]]


def _extra_customers(
    rng: Rng, missing: int, tests: int, sequences: _Sequences
) -> tuple[Frame, _TestAccounts]:
    """Rows that staging drops: blank keys, then test accounts (3 styles, see module doc)."""
    numbers = sequences.take("extra_customer", missing + tests)
    people = _people(rng, numbers)
    frame = _render_customers(rng, people, with_referrals=False)
    frame["customer_id"][:missing] = ""
    style = np.arange(tests) % 3
    test_rows = np.arange(missing, missing + tests)
    number_text = numbers[test_rows].astype(TEXT)
    qa_email = np.strings.add(np.strings.add("qa.user", number_text), f"@{TEST_EMAIL_DOMAIN}")
    plus_email = np.strings.add(np.strings.add("test+", number_text), "@example-mail.com")
    frame["email"][test_rows] = np.where(
        style == 0, qa_email, np.where(style == 1, plus_email, frame["email"][test_rows])
    ).astype(TEXT)
    frame["full_name"][test_rows] = np.where(
        style == 2,
        np.strings.add("TEST ", frame["full_name"][test_rows]),
        frame["full_name"][test_rows],
    ).astype(TEXT)
    accounts = _TestAccounts(
        people.ids[test_rows], people.country[test_rows], people.signup_s[test_rows]
    )
    return frame, accounts


# --------------------------------------------------------------------------- #
# Orders and their lines
# --------------------------------------------------------------------------- #
class _Lines(NamedTuple):
    """Order lines; `order` is the row of the line's order in `_Orders`."""

    order: np.ndarray
    number: np.ndarray
    product: np.ndarray
    quantity: np.ndarray
    price: np.ndarray  # cents per unit, order currency
    cost: np.ndarray  # cents per unit, order currency


@dataclass(frozen=True)
class _Orders:
    """Clean orders of one chunk, sorted by time, with their lines."""

    ids: np.ndarray
    customer: np.ndarray  # row in `people`
    ordered_s: np.ndarray
    status: np.ndarray  # 0 completed, 1 cancelled, 2 returned
    currency: np.ndarray  # index into CURRENCIES
    amount: np.ndarray  # cents, exactly the sum of the lines
    lines: _Lines
    people: _People
    catalogue: _Catalogue

    def __len__(self) -> int:
        return len(self.ids)


def _order_counts(rng: Rng, people: _People) -> np.ndarray:
    """0 for never-buyers, 1 for one-time buyers, else 1 + Poisson(rate x active years)."""
    size = len(people.numbers)
    never = rng.random(size) < 0.06
    one_time = rng.random(size) < np.where(people.is_b2b, 0.28, 0.42)
    years = (people.active_end_s - people.first_order_s) / (365 * _DAY)
    repeat = 1 + rng.poisson(12.0 * people.value**0.7 * years)
    return np.where(never, 0, np.where(one_time, 1, repeat))


def _orders(rng: Rng, people: _People, catalogue: _Catalogue, sequences: _Sequences) -> _Orders:
    counts = _order_counts(rng, people)
    customer = np.repeat(np.arange(len(counts)), counts)
    is_first = np.ones(len(customer), dtype=bool)
    is_first[1:] = customer[1:] != customer[:-1]
    later = _seasonal_times(rng, people.first_order_s[customer], people.active_end_s[customer])
    ordered = np.where(is_first, people.first_order_s[customer], later)
    # Order size in USD: a per-customer level (value-driven, B2B larger) times order noise.
    level = np.exp(rng.normal(3.9, 0.45, len(counts))) * people.value**0.3
    level *= np.where(people.is_b2b, 3.0, 1.0)
    target_usd = np.minimum(level[customer] * rng.lognormal(0, 0.5, len(customer)), 50_000)
    by_time = np.argsort(ordered, kind="stable")
    customer, ordered, target_usd = customer[by_time], ordered[by_time], target_usd[by_time]
    currency = people.currency[customer]
    lines = _order_lines(rng, target_usd, currency, catalogue)
    amount = np.bincount(lines.order, weights=lines.quantity * lines.price, minlength=len(customer))
    return _Orders(
        ids=_ids("O", sequences.take("order", len(customer)), 9),
        customer=customer,
        ordered_s=ordered,
        status=rng.choice(3, size=len(customer), p=[0.90, 0.05, 0.05]),
        currency=currency,
        amount=np.rint(amount).astype(np.int64),
        lines=lines,
        people=people,
        catalogue=catalogue,
    )


def _order_lines(
    rng: Rng, target_usd: np.ndarray, currency: np.ndarray, catalogue: _Catalogue
) -> _Lines:
    """1-4 lines per order, products affordable for the line's share of the target size."""
    per_order = rng.choice(4, size=len(target_usd), p=[0.5, 0.25, 0.15, 0.10]) + 1
    order = np.repeat(np.arange(len(target_usd)), per_order)
    starts = np.cumsum(per_order) - per_order
    line_target = target_usd[order] / per_order[order]
    sorted_prices = catalogue.price_usd[catalogue.by_price]
    affordable = np.maximum(np.searchsorted(sorted_prices, line_target * 1.2), 1)
    product = catalogue.by_price[(rng.random(len(order)) * affordable).astype(np.int64)]
    quantity = np.clip(np.rint(line_target / catalogue.price_usd[product]), 1, 2000)
    line_currency = currency[order]
    # +-5% around list price keeps every line margin within 20-60%.
    price_usd = catalogue.price_usd[product] * rng.uniform(0.95, 1.05, len(order))
    price = _local_cents(price_usd, line_currency)
    cost = np.minimum(_local_cents(catalogue.cost_usd[product], line_currency), price - 1)
    return _Lines(
        order=order,
        number=np.arange(len(order)) - starts[order] + 1,
        product=product,
        quantity=quantity.astype(np.int64),
        price=price,
        cost=cost,
    )


def _order_rows(
    rng: Rng,
    ids: np.ndarray,
    customer_ids: np.ndarray,
    country: np.ndarray,
    ordered_s: np.ndarray,
    amount: np.ndarray,
    status: np.ndarray,
    is_b2b: np.ndarray,
) -> Frame:
    """Orders as written by the shop system."""
    size = len(ids)
    currency = _C_CURRENCY[country]
    statuses = _text(["completed", "cancelled", "returned"])[status]
    statuses = _blank(statuses, (status == 0) & (rng.random(size) < 0.02))
    returned = np.where(
        rng.random(size) < 0.6, amount, np.rint(amount * rng.uniform(0.1, 0.9, size))
    )
    returned_text = _blank(_money(returned), (status != 2) | (rng.random(size) < 0.2))
    usd = amount * _FX_LEVEL[currency] / 100
    shipping_usd = np.where(
        is_b2b, 0.01 * usd, np.where(usd < 75, rng.uniform(4.99, 9.99, size), 0)
    )
    shipping = np.where(shipping_usd > 0, np.rint(shipping_usd / _FX_LEVEL[currency] * 100), 0)
    channel = np.where(
        is_b2b,
        rng.choice(len(ORDER_CHANNELS), size=size, p=CHANNEL_WEIGHTS_B2B),
        rng.choice(len(ORDER_CHANNELS), size=size, p=CHANNEL_WEIGHTS_B2C),
    )
    return _frame(
        "orders",
        order_id=ids,
        customer_id=customer_ids,
        ordered_at=_timestamps(ordered_s, _C_OFFSET[country], rng.random(size) < 0.2),
        amount=_money(amount),
        status=statuses,
        currency=_currency_text(rng, currency, 0.15),
        returned_amount=returned_text,
        shipping_cost=_money(shipping),
        channel=_text(ORDER_CHANNELS)[channel],
    )


def _clean_order_rows(rng: Rng, orders: _Orders) -> Frame:
    people, customer = orders.people, orders.customer
    return _order_rows(
        rng,
        orders.ids,
        people.ids[customer],
        people.country[customer],
        orders.ordered_s,
        orders.amount,
        orders.status,
        people.is_b2b[customer],
    )


def _orders_with_defects(
    rng: Rng, orders: _Orders, tests: _TestAccounts, sequences: _Sequences, tally: _Tally
) -> _Interleaved:
    frame = _clean_order_rows(rng, orders)
    test_orders = _test_account_orders(rng, tests, sequences)
    tally.quarantine("orders", "test_account", _length(test_orders))
    parts = [test_orders]
    after = [np.full(_length(test_orders), -1)]
    if len(orders):
        defective = _defective_orders(rng, frame, sequences, tally)
        copies, sources = _duplicate_orders(rng, frame, tally)
        parts += [defective, copies]
        after += [np.full(_length(defective), -1), sources]
    extra = {name: np.concatenate([part[name] for part in parts]) for name in frame}
    return _interleave(rng, frame, extra, np.concatenate(after))


def _test_account_orders(rng: Rng, tests: _TestAccounts, sequences: _Sequences) -> Frame:
    """1-3 ordinary-looking orders per test account (quarantined with their account)."""
    owner = np.repeat(np.arange(len(tests.ids)), rng.integers(1, 4, len(tests.ids)))
    count = len(owner)
    signup = tests.signup_s[owner]
    ordered = signup + 60 + (rng.random(count) * (END_S - 120 - signup)).astype(np.int64)
    country = tests.country[owner]
    return _order_rows(
        rng,
        _ids("O", sequences.take("order", count), 9),
        tests.ids[owner],
        country,
        ordered,
        _local_cents(rng.uniform(10, 300, count), _C_CURRENCY[country]),
        np.zeros(count, dtype=np.int64),
        np.zeros(count, dtype=bool),
    )


def _defective_orders(rng: Rng, frame: Frame, sequences: _Sequences, tally: _Tally) -> Frame:
    """Copies of clean orders under fresh ids, each with exactly one defect and no lines."""
    counts = {reason: _counts(rng, _length(frame), ORDER_DEFECT_RATE) for reason in ORDER_DEFECTS}
    total = sum(counts.values())
    rows = _take(frame, rng.integers(0, _length(frame), total))
    rows["order_id"] = _ids("O", sequences.take("order", total), 9)
    rows["status"][:] = "completed"
    rows["returned_amount"][:] = ""
    start = 0
    for reason in ORDER_DEFECTS:
        part = slice(start, start + counts[reason])
        for column, values in _order_defect(rng, reason, counts[reason], sequences).items():
            rows[column][part] = values
        tally.quarantine("orders", reason, counts[reason])
        start += counts[reason]
    return rows


def _order_defect(
    rng: Rng, reason: str, count: int, sequences: _Sequences
) -> dict[str, np.ndarray]:
    """The replacement values that give `count` orders the defect `reason`."""
    if reason == "missing_key":
        return {"order_id": np.full(count, "", dtype=TEXT)}
    if reason == "unknown_customer":
        return {"customer_id": _ids("C", sequences.take("unknown_customer", count), 8)}
    if reason == "non_positive_amount":
        cents = -rng.integers(1, 50_000, count) * (np.arange(count) % 2)  # 0.00 or negative
        return {"amount": _money(cents)}
    if reason == "absurd_amount":
        cents = rng.integers(ABSURD_AMOUNT_MIN * 100 + 100, 10 * ABSURD_AMOUNT_MIN * 100, count)
        return {"amount": _money(cents), "currency": np.full(count, REPORTING_CURRENCY, dtype=TEXT)}
    if reason == "future_date":
        day = np.datetime64("2099-01-01") + rng.integers(0, 365, count)
        seconds = day.astype("datetime64[s]").astype(np.int64) + rng.integers(0, _DAY, count)
        return {"ordered_at": _timestamps(seconds, np.full(count, "+00:00"), np.zeros(count, bool))}
    if reason == "invalid_timestamp":
        return {"ordered_at": _text(INVALID_TIMESTAMPS)[np.arange(count) % len(INVALID_TIMESTAMPS)]}
    if reason == "invalid_number":
        return {"amount": _text(INVALID_NUMBERS)[np.arange(count) % len(INVALID_NUMBERS)]}
    if reason == "unknown_currency":
        return {"currency": np.full(count, UNKNOWN_CURRENCY, dtype=TEXT)}
    raise AssertionError(f"no order defect {reason!r}")


def _duplicate_orders(rng: Rng, frame: Frame, tally: _Tally) -> tuple[Frame, np.ndarray]:
    """Exact copies and copies with another `channel`, each after its original row."""
    exact = _counts(rng, _length(frame), ORDER_DUPLICATE_RATE)
    conflicting = _counts(rng, _length(frame), ORDER_DUPLICATE_RATE)
    sources = rng.choice(
        _length(frame), size=min(exact + conflicting, _length(frame)), replace=False
    )
    copies = _take(frame, sources)
    changed = slice(min(exact, len(sources)), len(sources))
    channel = np.searchsorted(_text(sorted(ORDER_CHANNELS)), copies["channel"][changed])
    shift = rng.integers(1, len(ORDER_CHANNELS), len(channel))
    copies["channel"][changed] = _text(sorted(ORDER_CHANNELS))[
        (channel + shift) % len(ORDER_CHANNELS)
    ]
    tally.duplicates["orders"] += len(sources)
    return copies, sources


def _order_items(rng: Rng, orders: _Orders) -> Frame:
    lines, catalogue = orders.lines, orders.catalogue
    count = len(lines.order)
    return _frame(
        "order_items",
        order_id=orders.ids[lines.order],
        line_number=lines.number.astype(TEXT),
        product_id=catalogue.ids[lines.product],
        category=_blank(catalogue.category[lines.product], rng.random(count) < 0.1),
        quantity=lines.quantity.astype(TEXT),
        unit_price=_money(lines.price),
        unit_cost=_blank(_money(lines.cost), rng.random(count) < 0.03),
    )


# --------------------------------------------------------------------------- #
# Invoices, events, tickets, wallet estimates, leads
# --------------------------------------------------------------------------- #
def _invoices(rng: Rng, orders: _Orders, sequences: _Sequences) -> Frame:
    """B2B orders (and a few B2C) that were not cancelled; due 30 days after issue."""
    people = orders.people
    b2b = people.is_b2b[orders.customer]
    chosen = np.flatnonzero((orders.status != 1) & (b2b | (rng.random(len(orders)) < 0.05)))
    count = len(chosen)
    issued = np.minimum(orders.ordered_s[chosen] // _DAY + rng.integers(0, 3, count), _END_DAY)
    due = issued + 30
    outcome = rng.choice(3, size=count, p=[0.80, 0.13, 0.07])  # on time, late, unpaid
    paid = np.where(
        outcome == 0, issued + rng.integers(0, 31, count), due + rng.integers(1, 91, count)
    )
    return _frame(
        "invoices",
        invoice_id=_ids("INV", sequences.take("invoice", count), 9),
        customer_id=people.ids[orders.customer[chosen]],
        order_id=orders.ids[chosen],
        issued_date=_dates(issued),
        due_date=_dates(due),
        paid_date=_blank(_dates(paid), (outcome == 2) | (paid > _END_DAY)),
        amount=_money(orders.amount[chosen]),
        currency=_currency_text(rng, orders.currency[chosen], 0.15),
    )


class _Sessions(NamedTuple):
    customer_id: np.ndarray
    country: np.ndarray
    city: np.ndarray
    device: np.ndarray
    product: np.ndarray
    start_s: np.ndarray


def _sessions(rng: Rng, people: _People, catalogue: _Catalogue) -> _Sessions:
    """Browsing sessions of customers still active near the end, plus anonymous ones."""
    active = np.flatnonzero(people.active_end_s > END_S - 120 * _DAY)
    owner = np.repeat(active, 1 + rng.poisson(1.5 * people.value[active] ** 0.3))
    anonymous = round(len(owner) * 0.15)
    count = len(owner) + anonymous
    anonymous_country = _random_countries(rng, anonymous)
    country = np.concatenate([people.country[owner], anonymous_country])
    city = np.concatenate([people.city[owner], _random_cities(rng, anonymous_country)])
    preferred = np.concatenate([people.device[owner], rng.integers(0, len(DEVICES), anonymous)])
    device = np.where(rng.random(count) < 0.85, preferred, rng.integers(0, len(DEVICES), count))
    floor = np.concatenate([people.signup_s[owner] + 60, np.full(anonymous, START_S)])
    latest = END_S - 3600
    start = latest - rng.exponential(35 * _DAY, count).astype(np.int64)
    spread = floor + (rng.random(count) * (latest - floor)).astype(np.int64)
    return _Sessions(
        customer_id=np.concatenate([people.ids[owner], np.full(anonymous, "", dtype=TEXT)]),
        country=country,
        city=city,
        device=device,
        product=rng.integers(0, len(catalogue.ids), count),
        start_s=np.where(start < floor, spread, start),
    )


def _events(rng: Rng, people: _People, catalogue: _Catalogue, sequences: _Sequences) -> Frame:
    """Per session: 1-8 views, maybe favorite, add_to_cart, checkout and purchase."""
    sessions = _sessions(rng, people, catalogue)
    count = len(sessions.start_s)
    views = np.minimum(rng.geometric(0.45, count), 8)
    favorite = rng.random(count) < 0.12
    cart = rng.random(count) < 0.30
    checkout = cart & (rng.random(count) < 0.6)
    purchase = checkout & (rng.random(count) < 0.75)
    view_session = np.repeat(np.arange(count), views)
    view_rank = np.arange(len(view_session)) - (np.cumsum(views) - views)[view_session]
    view_time = sessions.start_s[view_session] + 45 * view_rank
    view_time += rng.integers(0, 40, len(view_session))
    after_views = sessions.start_s + 45 * views
    steps = (("favorite", favorite, 10), ("add_to_cart", cart, 20), ("checkout", checkout, 120),
             ("purchase", purchase, 240))  # fmt: skip
    session = [view_session] + [np.flatnonzero(mask) for _, mask, _ in steps]
    times = [view_time] + [after_views[mask] + delay for _, mask, delay in steps]
    kinds = [np.full(len(view_session), "view")]
    kinds += [np.full(int(mask.sum()), kind) for kind, mask, _ in steps]
    session_of, time = np.concatenate(session), np.concatenate(times)
    by_time = np.argsort(time, kind="stable")
    session_of, time = session_of[by_time], time[by_time]
    rows = len(time)
    country = sessions.country[session_of]
    return _frame(
        "events",
        event_id=_ids("E", sequences.take("event", rows), 10),
        customer_id=sessions.customer_id[session_of],
        event_type=np.concatenate(kinds)[by_time],
        product_id=catalogue.ids[sessions.product[session_of]],
        occurred_at=_timestamps(time, _C_OFFSET[country], rng.random(rows) < 0.1),
        device=_text(DEVICES)[sessions.device[session_of]],
        country=_country_spellings(rng, country),
        city=_blank(_CITIES[sessions.city[session_of]], rng.random(rows) < 0.1),
    )


def _tickets(rng: Rng, orders: _Orders, sequences: _Sequences) -> Frame:
    """About 0.3 tickets per buyer, opened after the first order; CSAT given at closing."""
    people = orders.people
    buyers = np.unique(orders.customer)
    owner = np.repeat(buyers, rng.poisson(0.32, len(buyers)))
    count = len(owner)
    first = people.first_order_s[owner]
    opened = first + (rng.random(count) * np.maximum(END_S - 3600 - first, 0)).astype(np.int64)
    by_time = np.argsort(opened, kind="stable")
    owner, opened = owner[by_time], opened[by_time]
    closed = opened + 600 + rng.exponential(2 * _DAY, count).astype(np.int64)
    still_open = (closed >= END_S) | (rng.random(count) < 0.04)
    category = _pick(rng, TICKET_CATEGORIES, count)
    unhappy = rng.choice(5, size=count, p=[0.3, 0.3, 0.2, 0.1, 0.1]) + 1
    happy = rng.choice(5, size=count, p=[0.04, 0.06, 0.15, 0.35, 0.40]) + 1
    score = np.where(category == "complaint", unhappy, happy)
    offsets = _C_OFFSET[people.country[owner]]
    return _frame(
        "tickets",
        ticket_id=_ids("T", sequences.take("ticket", count), 9),
        customer_id=people.ids[owner],
        opened_at=_timestamps(opened, offsets, rng.random(count) < 0.2),
        closed_at=_blank(_timestamps(closed, offsets, rng.random(count) < 0.2), still_open),
        category=category,
        satisfaction_score=_blank(score.astype(TEXT), still_open | (rng.random(count) < 0.3)),
    )


def _wallet_estimates(rng: Rng, orders: _Orders) -> Frame:
    """Most B2B customers: estimated category spend, their actual annual spend / 5-80% share."""
    people = orders.people
    size = len(people.numbers)
    completed = orders.status == 0
    spend = np.bincount(
        orders.customer[completed], weights=orders.amount[completed], minlength=size
    )
    years = np.maximum((people.active_end_s - people.first_order_s) / (365 * _DAY), 1.0)
    fallback = _local_cents(people.value * 20_000, people.currency)
    share = 0.05 + 0.75 * rng.beta(2.0, 2.5, size)
    estimate = np.rint(np.where(spend > 0, spend / years, fallback) / share / 100) * 100
    chosen = np.flatnonzero(people.is_b2b & (rng.random(size) < 0.85))
    return _frame(
        "wallet_estimates",
        customer_id=people.ids[chosen],
        estimated_annual_spend=_money(estimate[chosen]),
        currency=_currency_text(rng, people.currency[chosen], 0.2),
        estimated_at=_dates(_END_DAY - 364 + rng.integers(0, 365, len(chosen))),
    )


def _leads(rng: Rng, people: _People, customers: Frame, sequences: _Sequences) -> Frame:
    """About one lead per five customers; won leads point at a B2B customer of the chunk."""
    count = max(1, round(len(people.numbers) / 5))
    stage = _pick_index(rng, LEAD_STAGES, count)
    b2b = np.flatnonzero(people.is_b2b)
    if not len(b2b):
        stage[stage == _WON] = _LOST
        b2b = np.zeros(1, dtype=np.int64)
    converted = rng.choice(b2b, size=count)
    # A won lead was created 5-90 days before its customer signed up.
    before_signup = people.signup_s[converted] - rng.integers(5 * _DAY, 90 * _DAY, count)
    created = np.where(
        stage == _WON, np.maximum(before_signup, START_S), _growing_times(rng, count)
    )
    by_time = np.argsort(created, kind="stable")  # lead numbers rise with creation time
    stage, converted, created = stage[by_time], converted[by_time], created[by_time]
    won = stage == _WON
    country = np.where(won, people.country[converted], _random_countries(rng, count))
    company, domain = _company_names(rng, country)
    company = np.where(won, customers["full_name"][converted], company).astype(TEXT)
    # Engagement grows along the funnel; lost leads engaged like qualified ones.
    depth = np.where(stage == _LOST, 2, np.minimum(stage, _WON))
    first, last = _person_names(rng, count)
    last_activity = created + (rng.random(count) * (END_S - 1 - created)).astype(np.int64)
    offsets = _C_OFFSET[country]
    employees = np.clip(rng.lognormal(np.log(80), 1.4, count), 2, 200_000).astype(np.int64)
    revenue = np.round(employees * rng.uniform(50_000, 250_000, count), -3)
    return _frame(
        "leads",
        lead_id=_ids("L", sequences.take("lead", count), 8),
        contact_name=np.strings.add(np.strings.add(first, " "), last),
        contact_email=np.strings.lower(
            np.strings.add(np.strings.add(np.strings.add(first, "."), last), domain)
        ),
        company_name=company,
        country=_country_spellings(rng, country),
        industry=_text(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), count)],
        company_size=employees.astype(TEXT),
        annual_revenue=_money(revenue * 100),
        lead_source=_text(LEAD_SOURCES)[rng.integers(0, len(LEAD_SOURCES), count)],
        stage=_text([label for label, _ in LEAD_STAGES])[stage],
        created_at=_timestamps(created, offsets, rng.random(count) < 0.2),
        last_activity_at=_blank(
            _timestamps(last_activity, offsets, rng.random(count) < 0.2),
            (stage == 0) & (rng.random(count) < 0.4),
        ),
        email_opens=rng.poisson(1 + 2 * depth).astype(TEXT),
        site_visits=rng.poisson(2 + 3 * depth).astype(TEXT),
        demo_requested=_booleans(rng.random(count) < 0.05 + 0.12 * depth),
        budget_confirmed=_booleans(rng.random(count) < np.where(depth >= 3, 0.6, 0.1)),
        converted_customer_id=_blank(people.ids[converted], ~won),
    )

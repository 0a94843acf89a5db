"""Frames (dicts of text columns) and their formatting as CSV text, calendar helpers
(seasonal and growing timestamps) and country lookups as arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from segments.core import raw_schema
from segments.devtools.generate.reference import (
    _DAY,
    _END_DAY,
    _START_DAY,
    COUNTRIES,
    CURRENCIES,
    END_S,
    FX_LEVELS,
    MONTH_WEIGHTS,
    REGIONS,
    START_S,
    TEXT,
    WINDOW_DAYS,
    Frame,
    Rng,
)


def _length(frame: Frame) -> int:
    return len(next(iter(frame.values())))


# Optional contract columns the simulated systems do not have (the shop books
# no refunds as orders of their own; tests build those by hand).
NOT_GENERATED: dict[str, tuple[str, ...]] = {}


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

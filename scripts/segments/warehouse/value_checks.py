"""How the loader test-parses a typed column of a raw file (the file-level check)."""

from __future__ import annotations

from collections.abc import Iterable

from segments.core import project, raw_schema, sql

# How the loader test-parses a typed column: as staging reads it (the staging
# macros are the rule; this is the file-level check: is this column of this
# type at all). `{col}` is the trimmed text. A number as parse_decimal reads
# it, through the same patterns (raw_schema's, which the macros read too):
# plain values take the cast, the rest the symbols and thousands separators;
# `NaN` and `inf` are no numbers. An integer as parse_integer reads it (`2.5`,
# `1e3`, `0x10` are not). A timestamp as parse_timestamp reads it: ISO 8601,
# then each of the `date_formats` var's formats; an infinite one is no date.
COLUMN = "{col}"
_NUMBER_TEXT = f"regexp_replace({COLUMN}, '{raw_schema.NUMBER_SYMBOLS_PATTERN}', '', 'g')"
_DECIMAL_CHECK = (
    f"coalesce(try_cast({COLUMN} as decimal(18, 2)), case when not contains({_NUMBER_TEXT}, ',') "
    f"or regexp_full_match({_NUMBER_TEXT}, '{raw_schema.GROUPED_NUMBER_PATTERN}') "
    f"then try_cast(replace({_NUMBER_TEXT}, ',', '') as decimal(18, 2)) end)"
)
_INTEGER_CHECK = (
    f"case when regexp_full_match({COLUMN}, '{raw_schema.INTEGER_PATTERN}') "
    f"then try_cast(regexp_replace({COLUMN}, '[.]0*$', '') as bigint) end"
)


def parse_checks(date_formats: Iterable[str] | None = None) -> dict[str, str]:
    """The reading of each typed column's text `{col}` (null: unparseable), as SQL;
    `date_formats` default: the var of dbt_project.yml."""
    if date_formats is None:
        date_formats = project.project_vars()["date_formats"]
    formats = ", ".join(sql.literal(date_format) for date_format in date_formats)
    parsed = f"coalesce(try_cast({COLUMN} as timestamptz)"
    parsed += f", try_strptime({COLUMN}, [{formats}]))" if formats else ")"
    timestamp = f"case when isfinite({parsed}) then {parsed} end"
    return {
        raw_schema.DECIMAL: _DECIMAL_CHECK,
        raw_schema.INTEGER: _INTEGER_CHECK,
        raw_schema.TIMESTAMP: timestamp,
        raw_schema.DATE: timestamp,
    }

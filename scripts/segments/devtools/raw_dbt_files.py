"""The dbt files that restate the raw contract (segments.core.raw_schema), generated.

`python -m segments.devtools.raw_dbt_files` (re)writes them: the `raw_tables()` and
`value_patterns()` macros the base and audit models read, and each source system's
sources yml. A test fails when a committed file differs from its generation.
"""

from __future__ import annotations

from segments.core.project import project_dir
from segments.core.raw_schema import (
    DECIMAL,
    GROUPED_NUMBER_PATTERN,
    INTEGER_PATTERN,
    NUMBER_SYMBOLS_PATTERN,
    NUMBER_TYPES,
    SOURCES,
    TABLES,
    Table,
)

DBT_REGISTRY_PATH = "macros/staging/raw_tables.sql"


def dbt_registry() -> str:
    """The raw contract as the dbt macro `raw_tables()` (macros/staging/raw_tables.sql).

    The dbt side reads tables, columns, keys and PII from this generated macro,
    so the contract is written once, here; a test fails when the committed
    macro differs from this text.
    """

    def names(values: tuple[str, ...] | list[str]) -> str:
        return "[" + ", ".join(f"'{value}'" for value in values) + "]"

    def numbers(tbl: Table) -> str:
        return ", ".join(
            f"'{c.name}': {{'type': '{c.type}', 'scale': {c.scale if c.type == DECIMAL else 0}}}"
            for c in tbl.columns
            if c.type in NUMBER_TYPES
        )

    lines = [
        "{#",
        "    Generated from the raw contract, scripts/segments/core/raw_schema.py,",
        "    by `python -m segments.devtools.raw_dbt_files`; edit the contract there.",
        "    Per raw table: its dbt source, key, columns in order, the columns a file",
        "    must have, the PII columns (hashed in the quarantine's raw values) and",
        "    the number columns (type and scale).",
        "#}",
        "{% macro raw_tables() -%}",
        "    {{ return({",
    ]
    for tbl in TABLES:
        lines += [
            f"        '{tbl.name}': {{",
            f"            'source': '{tbl.source}',",
            f"            'key': {names(tbl.key)},",
            f"            'columns': {names(tbl.column_names)},",
            f"            'required': {names(tbl.required_columns)},",
            f"            'pii': {names([c.name for c in tbl.columns if c.pii])},",
            f"            'numbers': {{{numbers(tbl)}}},",
            "        },",
        ]
    lines += ["    }) }}", "{%- endmacro %}", ""]
    lines += [
        "{#",
        "    What a parseable number looks like (see raw_schema.py): the loader's file",
        "    check reads the same patterns.",
        "#}",
        "{% macro value_patterns() -%}",
        "    {{ return({",
        f"        'number_symbols': {jinja_text(NUMBER_SYMBOLS_PATTERN)},",
        f"        'grouped_number': {jinja_text(GROUPED_NUMBER_PATTERN)},",
        f"        'integer': {jinja_text(INTEGER_PATTERN)},",
        "    }) }}",
        "{%- endmacro %}",
        "",
    ]
    return "\n".join(lines)


def jinja_text(value: str) -> str:
    """A Jinja string literal of `value` (backslashes and quotes escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def dbt_sources_path(source: str) -> str:
    return f"models/staging/{source}/_{source}__sources.yml"


def dbt_sources(source: str) -> str:
    """The dbt sources yml of one source system: its tables and columns, described."""
    loaded = (
        "Loaded as text into the raw schema by `segments build`, "
        "or your own tables (see README, Your own data)."
    )
    lines = [
        "version: 2",
        "",
        "sources:",
        f"  - name: {source}",
        f'    description: "{SOURCES[source]} {loaded}"',
        "    schema: \"{{ var('raw_schema') }}\"",
        "    tables:",
    ]
    for tbl in TABLES:
        if tbl.source != source:
            continue
        need = "Required." if tbl.required else "Optional: may be absent."
        lines += [
            f"      - name: {tbl.name}",
            f'        description: "{tbl.description} {need} Key: {", ".join(tbl.key)}."',
        ]
        if tbl.loaded_at:
            lines += _freshness(tbl.loaded_at)
        lines.append("        columns:")
        for col in tbl.columns:
            flag = "; required" if col.required else ""
            lines += [
                f"          - name: {col.name}",
                f'            description: "{col.description} Raw type: {col.type}{flag}."',
            ]
            if col.pii:
                lines.append("            tags: [pii]")
    return "\n".join(lines) + "\n"


def _freshness(column: str) -> list[str]:
    """A table's freshness config: its latest `column` value (not in the future), aged in days.

    The raw columns are text: parsed as timestamps with their offset (try_cast:
    a value that does not parse is left out, as staging quarantines it).
    """
    loaded_at = f"try_cast({column} as timestamptz)"
    return [
        "        config:",
        f'          loaded_at_field: "{loaded_at}"',
        "          freshness:",
        "            warn_after:",
        "              count: \"{{ var('source_warn_after_days') }}\"",
        "              period: day",
        "            error_after:",
        "              count: \"{{ var('source_error_after_days') }}\"",
        "              period: day",
        f'            filter: "{loaded_at} <= current_timestamp"',
    ]


def generated_files() -> dict[str, str]:
    """Every project file generated from this contract, by path."""
    files = {DBT_REGISTRY_PATH: dbt_registry()}
    files |= {dbt_sources_path(source): dbt_sources(source) for source in SOURCES}
    return files


if __name__ == "__main__":
    for path, text in generated_files().items():
        target = project_dir() / path
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")

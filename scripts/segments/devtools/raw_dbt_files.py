"""The dbt files that restate the raw contract (segments.core.raw_schema), generated.

`python -m segments.devtools.raw_dbt_files` (re)writes them: the `raw_tables()` and
`value_patterns()` macros the base and audit models read, each source system's
sources yml, and each raw table's `_raw` reader (`base_<source>__<table>_raw`: its
SQL and its yml). None of them is edited by hand: adding a raw table is one change
in raw_schema.py plus its base and stg models. A test fails when a committed file
differs from its generation.
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
        "or your own tables (see docs/raw-schema.md)."
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


def raw_reader_path(tbl: Table, ext: str) -> str:
    """models/staging/<source>/base/base_<source>__<table>_raw.<ext>"""
    return f"models/staging/{tbl.source}/base/base_{tbl.source}__{tbl.name}_raw.{ext}"


def raw_reader_sql(tbl: Table) -> str:
    """The `_raw` reader of one raw table: its rows through `select_raw`, ephemeral."""
    return (
        "{{ config(materialized='ephemeral') }}\n"
        "{# Generated from the raw contract (scripts/segments/core/raw_schema.py) by\n"
        "   `python -m segments.devtools.raw_dbt_files`; edit the contract there.\n"
        f"   The raw rows of {tbl.source}.{tbl.name} under the project's column names, "
        "as text, numbered. #}\n"
        f"{{{{ select_raw('{tbl.name}') }}}}\n"
    )


def raw_reader_yml(tbl: Table) -> str:
    """The yml of one `_raw` reader: every contract column, described as raw text."""
    base = f"base_{tbl.source}__{tbl.name}"
    lines = [
        "# Generated from the raw contract (scripts/segments/core/raw_schema.py) by",
        "# `python -m segments.devtools.raw_dbt_files`; edit the contract there.",
        "version: 2",
        "",
        "models:",
        f"- name: {base}_raw",
        f"  description: 'One row per row of the raw table {tbl.source}.{tbl.name}: every contract"
        " column under",
        "    the project''s name (mapped through var raw_columns), as text, with the row''s number."
        " Ephemeral:",
        f"    compiled into {base} and into the quarantine''s raw-value lookup.'",
        "  columns:",
    ]
    for col in tbl.columns:
        lines += [
            f"  - name: {col.name}",
            f"    description: {yaml_text('Raw text. ' + col.description)}",
        ]
    for name, block in (
        ("_source_row", "col_source_row"),
        ("_has_invalid_encoding", "col_has_invalid_encoding"),
    ):
        lines += [f"  - name: {name}", f"    description: '{{{{ doc(\"{block}\") }}}}'"]
    return "\n".join(lines) + "\n"


def yaml_text(value: str) -> str:
    """A single-quoted YAML string of `value` (quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def generated_files() -> dict[str, str]:
    """Every project file generated from this contract, by path."""
    files = {DBT_REGISTRY_PATH: dbt_registry()}
    files |= {dbt_sources_path(source): dbt_sources(source) for source in SOURCES}
    for tbl in TABLES:
        files[raw_reader_path(tbl, "sql")] = raw_reader_sql(tbl)
        files[raw_reader_path(tbl, "yml")] = raw_reader_yml(tbl)
    return files


if __name__ == "__main__":
    for path, text in generated_files().items():
        target = project_dir() / path
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")

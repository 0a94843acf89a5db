{#
    Select a raw table's columns under the project's names, as text.

    - Columns, the required ones and the source come from raw_tables() (the
      raw contract, generated from scripts/segments/core/raw_schema.py).
    - Maps each column through var('raw_columns')[table] (your name for it).
    - An optional column the table does not have comes back as null.
    - A required column it does not have stops the build with a message that
      names the table, the column and the name it looked for.
    - A raw table that does not exist at all reads as empty, so optional
      inputs (tickets, events, ...) may be absent.
    `_source_row` is the row's position in the raw table (the loader stores it;
    for your own tables see source_row_number); `_has_invalid_encoding` (the
    loader's flag for rows whose bytes were not UTF-8 text) is false for tables
    the loader did not write.
#}
{% macro select_raw(table_name) -%}
    {{ return(adapter.dispatch('select_raw', 'customer_classification')(table_name)) }}
{%- endmacro %}

{% macro default__select_raw(table_name) -%}
    {%- set spec = customer_classification.raw_tables()[table_name] -%}
    {%- set relation = source(spec.source, table_name) -%}
    {%- set mapping = var('raw_columns', {}).get(table_name, {}) -%}
    {%- set present = [] -%}
    {%- set loaded = none -%}
    {%- if execute -%}
        {%- set loaded = load_relation(relation) -%}
        {%- if loaded is not none -%}
            {%- for column in adapter.get_columns_in_relation(loaded) -%}
                {%- do present.append(column.name | lower) -%}
            {%- endfor -%}
            {%- for column in spec.required -%}
                {%- set raw_name = mapping.get(column, column) -%}
                {%- if raw_name | lower not in present -%}
                    {{ exceptions.raise_compiler_error(
                        "raw table " ~ relation ~ " has no column '" ~ raw_name ~ "' (required as "
                        ~ column ~ "; map it in var raw_columns." ~ table_name ~ "). Columns found: "
                        ~ present | join(', ')
                    ) }}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif %}
    select
        {%- for column in spec.columns %}
        {%- set raw_name = mapping.get(column, column) %}
        {%- if raw_name | lower in present %}
        cast({{ adapter.quote(raw_name) }} as {{ dbt.type_string() }}) as {{ column }},
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endif %}
        {%- endfor %}
        {%- if '_source_row' in present %}
        cast(_source_row as {{ dbt.type_bigint() }}) as _source_row,
        {%- elif loaded is not none %}
        {{ customer_classification.source_row_number(loaded, present) }} as _source_row,
        {%- else %}
        cast(null as {{ dbt.type_bigint() }}) as _source_row,
        {%- endif %}
        {%- if '_has_invalid_encoding' in present %}
        coalesce(cast(_has_invalid_encoding as {{ dbt.type_boolean() }}), false) as _has_invalid_encoding
        {%- else %}
        false as _has_invalid_encoding
        {%- endif %}
    {%- if loaded is not none %}
    from {{ relation }}
    {%- else %}
    from (select 1 as no_rows) as missing_raw_table
    where 1 = 0
    {%- endif %}
{%- endmacro %}

{#
    A row number for a raw table the loader did not write (your own tables,
    var raw_schema): stable from run to run, so duplicates resolve the same
    way and the quarantine points at the same row. DuckDB tables have one
    (rowid, the insertion order); elsewhere the rows are numbered in the order
    of their values.
#}
{% macro source_row_number(relation, columns) -%}
    {{ return(adapter.dispatch('source_row_number', 'customer_classification')(relation, columns)) }}
{%- endmacro %}

{% macro default__source_row_number(relation, columns) -%}
    row_number() over (order by {{ columns | map('string') | map('lower') | join(', ') }})
{%- endmacro %}

{% macro duckdb__source_row_number(relation, columns) -%}
    {%- if relation.is_table -%}
    cast(rowid + 1 as {{ dbt.type_bigint() }})
    {%- else -%}
    {{ customer_classification.default__source_row_number(relation, columns) }}
    {%- endif -%}
{%- endmacro %}

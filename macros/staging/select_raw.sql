{#
    Select a raw table's columns under the project's names, as text.

    - Maps each column through var('raw_columns')[table] (your name for it).
    - An optional column the table does not have comes back as null.
    - A required column it does not have stops the build with a message that
      names the table, the column and the name it looked for.
    - A raw table that does not exist at all reads as empty, so optional
      inputs (tickets, events, ...) may be absent.
    `_source_row` (the row number the loader stored) orders duplicates;
    `_has_invalid_encoding` (the loader's flag for rows whose bytes were not
    UTF-8 text) is false for tables the loader did not write.
#}
{% macro select_raw(source_name, table_name, columns, required=[]) -%}
    {{ return(adapter.dispatch('select_raw', 'customer_segments')(source_name, table_name, columns, required)) }}
{%- endmacro %}

{% macro default__select_raw(source_name, table_name, columns, required) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set mapping = var('raw_columns', {}).get(table_name, {}) -%}
    {%- set present = [] -%}
    {%- set loaded = none -%}
    {%- if execute -%}
        {%- set loaded = load_relation(relation) -%}
        {%- if loaded is not none -%}
            {%- for column in adapter.get_columns_in_relation(loaded) -%}
                {%- do present.append(column.name | lower) -%}
            {%- endfor -%}
            {%- for column in required -%}
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
        {%- for column in columns %}
        {%- set raw_name = mapping.get(column, column) %}
        {%- if raw_name | lower in present %}
        cast({{ adapter.quote(raw_name) }} as {{ dbt.type_string() }}) as {{ column }},
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endif %}
        {%- endfor %}
        {%- if '_source_row' in present %}
        cast(_source_row as {{ dbt.type_bigint() }}) as _source_row,
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

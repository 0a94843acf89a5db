{#
    The raw values of a row as one JSON text, for the quarantine: what the
    row said, so it can be fixed at the source. PII columns go in hashed.
    `relation_alias` qualifies the columns when the row comes from a join.
#}
{% macro row_to_json(columns, pii_columns=[], relation_alias=none) -%}
    {{ return(adapter.dispatch('row_to_json', 'customer_classification')(columns, pii_columns, relation_alias)) }}
{%- endmacro %}

{% macro default__row_to_json(columns, pii_columns, relation_alias) -%}
    {{ exceptions.raise_compiler_error(
        "row_to_json has no portable SQL (JSON from a row differs on every engine): "
        ~ "add a " ~ adapter.type() ~ "__row_to_json macro"
    ) }}
{%- endmacro %}

{% macro duckdb__row_to_json(columns, pii_columns, relation_alias) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    cast(to_json(struct_pack(
        {%- for column in columns %}
        {{ column }} := {{ customer_classification.hash_pii(prefix ~ column) if column in pii_columns else prefix ~ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    )) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__row_to_json(columns, pii_columns, relation_alias) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ column }}', {{ customer_classification.hash_pii(prefix ~ column) if column in pii_columns else prefix ~ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    ))
{%- endmacro %}

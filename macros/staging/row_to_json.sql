{#
    The raw values of a row as one JSON text, for the quarantine: what the
    row said, so it can be fixed at the source. PII columns go in hashed.
#}
{% macro row_to_json(columns, pii_columns=[]) -%}
    {{ return(adapter.dispatch('row_to_json', 'customer_segments')(columns, pii_columns)) }}
{%- endmacro %}

{% macro default__row_to_json(columns, pii_columns) -%}
    cast(to_json(struct_pack(
        {%- for column in columns %}
        {{ column }} := {{ customer_segments.hash_pii(column) if column in pii_columns else column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    )) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__row_to_json(columns, pii_columns) -%}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ column }}', {{ customer_segments.hash_pii(column) if column in pii_columns else column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    ))
{%- endmacro %}

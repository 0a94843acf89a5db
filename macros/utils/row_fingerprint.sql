{#
    A 64-bit hash of a row's values (`columns`, SQL expressions), the same
    for the same values on every run: int_daily_fingerprints sums them into
    the fingerprint of the data a history period is computed from.
#}
{% macro row_fingerprint(columns) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'customer_classification')(columns)) }}
{%- endmacro %}

{% macro default__row_fingerprint(columns) -%}
    {{ exceptions.raise_compiler_error(
        "row_fingerprint has no portable SQL: add a " ~ adapter.type() ~ "__row_fingerprint macro"
    ) }}
{%- endmacro %}

{% macro duckdb__row_fingerprint(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__row_fingerprint(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

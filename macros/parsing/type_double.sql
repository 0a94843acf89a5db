{#
    An 8-byte float on every adapter (dbt.type_float() is 4 bytes on DuckDB,
    too coarse for model inputs such as recency in weeks).
#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'customer_classification')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

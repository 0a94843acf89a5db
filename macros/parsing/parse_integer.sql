{#
    A whole-number text to an integer, or null when it cannot be parsed.
#}
{% macro parse_integer(column) -%}
    {{ return(adapter.dispatch('parse_integer', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__parse_integer(column) -%}
    {{ customer_segments.try_cast(customer_segments.clean_text(column), dbt.type_bigint()) }}
{%- endmacro %}

{#
    A whole-number text to an integer, or null when it cannot be parsed.

    Fast path: the raw text is cast first (DuckDB's number casts skip the ASCII
    whitespace around a number, so most values need no trim); only the texts
    that cast rejects are cleaned (clean_text also trims Unicode spaces such as
    U+00A0) and cast again. Either way the value is the cast of the cleaned
    text, as test_parse_fast_path.py checks on hostile strings.
#}
{% macro parse_integer(column) -%}
    {{ return(adapter.dispatch('parse_integer', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__parse_integer(column) -%}
    {{ customer_segments.try_cast(customer_segments.clean_text(column), dbt.type_bigint()) }}
{%- endmacro %}

{% macro duckdb__parse_integer(column) -%}
    {%- set raw = customer_segments.try_cast(column, dbt.type_bigint()) -%}
    case
        when {{ raw }} is not null then {{ raw }}
        else {{ customer_segments.default__parse_integer(column) }}
    end
{%- endmacro %}

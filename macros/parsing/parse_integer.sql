{#
    A whole-number text to an integer, or null when it is not one: digits
    with an optional sign, and at most a `.0` (a whole-number float as pandas
    writes it: `3.0`). `2.5`, `1e3`, `0x10`, `1_000` are not integers (a cast
    would read them as 3, 1000, 16, 1000). The pattern is value_patterns()'s,
    which the loader's file check uses too.

    Fast path (DuckDB): the raw text cast, kept when the number written back
    is the text itself (`12`, the usual case); every other text is cleaned
    (clean_text also trims Unicode spaces such as U+00A0) and matched
    against the pattern. Either way the value is the reading of the cleaned
    text, as test_parse_fast_path.py checks on hostile strings.
#}
{% macro parse_integer(column) -%}
    {{ return(adapter.dispatch('parse_integer', 'customer_classification')(column)) }}
{%- endmacro %}

{% macro default__parse_integer(column) -%}
    {{ exceptions.raise_compiler_error(
        "parse_integer has no portable SQL (regular expressions differ on every engine): "
        ~ "add a " ~ adapter.type() ~ "__parse_integer macro"
    ) }}
{%- endmacro %}

{% macro duckdb__parse_integer(column) -%}
    {%- set text = "cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")" -%}
    {%- set raw = "try_cast(" ~ text ~ " as bigint)" -%}
    case
        when cast({{ raw }} as {{ dbt.type_string() }}) = {{ text }} then {{ raw }}
        else {{ customer_classification.duckdb__parse_integer_text(column) }}
    end
{%- endmacro %}

{#- The reading of the cleaned text: the pattern, then the cast. -#}
{% macro duckdb__parse_integer_text(column) -%}
    {%- set text = customer_classification.clean_text(column) -%}
    case
        when regexp_full_match({{ text }}, '{{ customer_classification.value_patterns().integer }}')
            then try_cast(regexp_replace({{ text }}, '[.]0*$', '') as bigint)
    end
{%- endmacro %}

{% macro spark__parse_integer(column) -%}
    {%- set text = customer_classification.clean_text(column) -%}
    case
        when {{ text }} rlike '^{{ customer_classification.value_patterns().integer }}$'
            then try_cast(regexp_replace({{ text }}, '[.]0*$', '') as bigint)
    end
{%- endmacro %}

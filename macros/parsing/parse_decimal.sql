{#
    A money or quantity text to a decimal, or null when it cannot be parsed.
    Currency symbols and spaces are removed first. A comma is read only as a
    thousands separator in its standard places (`1,234.50`, `1,234`); any
    other comma (`12,50`, `1.234,50`: a decimal comma) makes the value
    unparseable, so the caller quarantines the row instead of storing an
    amount 100 times too large or small. Anything else unparseable is null too
    (`NaN`, `inf`, a number too large for decimal(18, scale)). The patterns
    are value_patterns()'s, which the loader's file check uses too.

    Fast paths: a plain number (`12.50`, the usual case) is cast directly; the
    patterns above run only for the values that cast rejects. A value the cast
    accepts has no symbol, inner space or comma, so the patterns would read it
    the same. On DuckDB the raw text is cast before it is even trimmed (its
    number casts skip the ASCII whitespace around a number). test_parse_fast_path.py
    checks both on hostile strings.
#}
{% macro parse_decimal(column, scale=2) -%}
    {{ return(adapter.dispatch('parse_decimal', 'customer_classification')(column, scale)) }}
{%- endmacro %}

{% macro default__parse_decimal(column, scale) -%}
    {{ exceptions.raise_compiler_error(
        "parse_decimal has no portable SQL (regular expressions differ on every engine): "
        ~ "add a " ~ adapter.type() ~ "__parse_decimal macro"
    ) }}
{%- endmacro %}

{% macro duckdb__parse_decimal(column, scale) -%}
    {%- set raw = customer_classification.try_cast(column, "decimal(18, " ~ scale ~ ")") -%}
    case
        when {{ raw }} is not null then {{ raw }}
        else {{ customer_classification.duckdb__parse_decimal_text(column, scale) }}
    end
{%- endmacro %}

{#- The reading of the cleaned text: a plain number cast, else the patterns. -#}
{% macro duckdb__parse_decimal_text(column, scale) -%}
    {%- set text = customer_classification.clean_text(column) -%}
    {%- set fast = customer_classification.try_cast(text, "decimal(18, " ~ scale ~ ")") -%}
    {%- set patterns = customer_classification.value_patterns() -%}
    {%- set number_text = "regexp_replace(" ~ text ~ ", '" ~ patterns.number_symbols ~ "', '', 'g')" -%}
    {#- A CASE, not coalesce(fast, slow): the optimiser hoists expressions a
        query repeats (number_text) out of coalesce and would run the patterns
        on every value; a CASE branch runs only where it is taken. #}
    case
        when {{ fast }} is not null then {{ fast }}
        when
            not contains({{ number_text }}, ',')
            or regexp_full_match({{ number_text }}, '{{ patterns.grouped_number }}')
            then {{ customer_classification.try_cast(
                "replace(" ~ number_text ~ ", ',', '')",
                "decimal(18, " ~ scale ~ ")"
            ) }}
    end
{%- endmacro %}

{% macro spark__parse_decimal(column, scale) -%}
    {%- set patterns = customer_classification.value_patterns() -%}
    {#- Spark reads backslashes in a SQL string as escapes: doubled. -#}
    {%- set symbols = patterns.number_symbols | replace('\\', '\\\\') -%}
    {%- set number_text = "regexp_replace(" ~ customer_classification.clean_text(column) ~ ", '" ~ symbols ~ "', '')" -%}
    case
        when
            {{ number_text }} not like '%,%'
            or {{ number_text }} rlike '^{{ patterns.grouped_number }}$'
            then try_cast(replace({{ number_text }}, ',', '') as decimal(18, {{ scale }}))
    end
{%- endmacro %}

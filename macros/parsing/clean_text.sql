{#
    Text as the staging layer wants it: trimmed, blank turned into null.

    On DuckDB, trim (which removes Unicode spaces, U+0020, U+00A0, U+3000, ...)
    runs only where it can change the text: a value with a space at either end
    or any non-ASCII character. Every other value is already trimmed, and
    skipping the call saves a second copy of every text value of every raw row.
#}
{% macro clean_text(column) -%}
    {{ return(adapter.dispatch('clean_text', 'customer_classification')(column)) }}
{%- endmacro %}

{% macro default__clean_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{% macro duckdb__clean_text(column) -%}
    {%- set text = "cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")" -%}
    case
        when {{ text }} like ' %' or {{ text }} like '% ' or strlen({{ text }}) <> length({{ text }})
            then nullif(trim({{ text }}), '')
        else nullif({{ text }}, '')
    end
{%- endmacro %}

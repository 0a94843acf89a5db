{#
    A money or quantity text to a decimal, or null when it cannot be parsed.
    Thousands separators (`1,234.50`), currency symbols and spaces are
    removed first; anything else unparseable stays null so the caller can
    quarantine the row.
#}
{% macro parse_decimal(column, scale=2) -%}
    {{ return(adapter.dispatch('parse_decimal', 'customer_segments')(column, scale)) }}
{%- endmacro %}

{% macro default__parse_decimal(column, scale) -%}
    {{ customer_segments.try_cast(
        "regexp_replace(" ~ customer_segments.clean_text(column) ~ ", '[$€£¥,\\s]', '', 'g')",
        "decimal(18, " ~ scale ~ ")"
    ) }}
{%- endmacro %}

{% macro spark__parse_decimal(column, scale) -%}
    try_cast(
        regexp_replace({{ customer_segments.clean_text(column) }}, '[$€£¥,\\s]', '')
        as decimal(18, {{ scale }})
    )
{%- endmacro %}

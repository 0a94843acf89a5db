{#
    A timestamp text to a UTC timestamp (without time zone), or null when it
    cannot be parsed. ISO 8601 with or without an offset (`Z`, `+02:00`) is
    tried first; then each strptime format of var('date_formats'), which are
    read as UTC. Offsets are converted, so every `*_at` column is UTC.
#}
{% macro parse_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__parse_timestamp(column) -%}
    {%- set text = customer_segments.clean_text(column) -%}
    coalesce(
        try_cast({{ text }} as timestamptz) at time zone 'UTC'
        {%- for date_format in var('date_formats') %},
        try_strptime({{ text }}, '{{ date_format }}')
        {%- endfor %}
    )
{%- endmacro %}

{% macro spark__parse_timestamp(column) -%}
    {%- set text = customer_segments.clean_text(column) -%}
    coalesce(
        to_utc_timestamp(try_cast({{ text }} as timestamp), 'UTC')
        {%- for date_format in var('date_formats') %},
        try_to_timestamp({{ text }}, '{{ date_format | replace('%Y', 'yyyy') | replace('%m', 'MM') | replace('%d', 'dd') }}')
        {%- endfor %}
    )
{%- endmacro %}

{#
    A date text to a date (same formats as parse_timestamp), or null.
#}
{% macro parse_date(column) -%}
    cast({{ customer_segments.parse_timestamp(column) }} as date)
{%- endmacro %}

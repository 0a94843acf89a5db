{#
    A timestamp text to a UTC timestamp (without time zone), or null when it
    cannot be parsed. ISO 8601 with or without an offset (`Z`, `+02:00`) is
    tried first; then each strptime format of var('date_formats'), which are
    read as UTC. Offsets are converted, so every `*_at` column is UTC.

    The reading is null when it is infinite (`infinity`, `-infinity`) or
    before `earliest` (default var('earliest_date'), 1990-01-01: `epoch`,
    `0001-01-01`, negative years, and `05.03.24` read by `%d.%m.%Y` as year
    0024). The bound is checked once, on the first format that reads the
    text: checked per format, DuckDB would run every format on every value
    (6x slower). The base_ models parse required timestamps with
    earliest=none and quarantine those before the date themselves
    (is_before_earliest_date), so the reason is exact.
#}
{% macro parse_timestamp(column, earliest=var('earliest_date')) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'customer_classification')(column, earliest)) }}
{%- endmacro %}

{% macro default__parse_timestamp(column, earliest) -%}
    {%- set text = customer_classification.clean_text(column) -%}
    {{ customer_classification.plausible_timestamp(
        "coalesce(try_cast(" ~ text ~ " as timestamptz) at time zone 'UTC'"
        ~ customer_classification.strptime_formats(text, "try_strptime", var('date_formats')) ~ ")",
        earliest
    ) }}
{%- endmacro %}

{% macro spark__parse_timestamp(column, earliest) -%}
    {%- set text = customer_classification.clean_text(column) -%}
    {%- set formats = [] -%}
    {%- for date_format in var('date_formats') -%}
        {%- do formats.append(date_format | replace('%Y', 'yyyy') | replace('%y', 'yy')
            | replace('%m', 'MM') | replace('%d', 'dd')) -%}
    {%- endfor -%}
    {{ customer_classification.plausible_timestamp(
        "coalesce(to_utc_timestamp(try_cast(" ~ text ~ " as timestamp), 'UTC')"
        ~ customer_classification.strptime_formats(text, "try_to_timestamp", formats) ~ ")",
        earliest
    ) }}
{%- endmacro %}

{# `, fn(text, 'format')` for each format: the tail of parse_timestamp's coalesce. #}
{% macro strptime_formats(text, function, formats) -%}
    {%- for date_format in formats %}, {{ function }}({{ text }}, '{{ date_format }}'){% endfor -%}
{%- endmacro %}

{#
    The timestamp `expression` when it is a finite instant at or after
    `earliest` (none: any finite instant), else null.
#}
{% macro plausible_timestamp(expression, earliest) -%}
    {{ return(adapter.dispatch('plausible_timestamp', 'customer_classification')(expression, earliest)) }}
{%- endmacro %}

{#- The expression appears once (it is a whole parse): values below the floor
    (earliest minus a microsecond, -infinity included) become the floor, and
    the floor and +infinity become null. #}
{% macro default__plausible_timestamp(expression, earliest) -%}
    {%- if earliest is none -%}
    nullif(nullif({{ expression }}, cast('infinity' as timestamp)), cast('-infinity' as timestamp))
    {%- else -%}
    {%- set floor = "(cast('" ~ earliest ~ "' as timestamp) - interval 1 microsecond)" -%}
    nullif(nullif(greatest({{ expression }}, {{ floor }}), {{ floor }}), cast('infinity' as timestamp))
    {%- endif %}
{%- endmacro %}

{% macro spark__plausible_timestamp(expression, earliest) -%}
    {%- if earliest is none -%}
    {{ expression }}
    {%- else -%}
    case when {{ expression }} >= cast('{{ earliest }}' as timestamp) then {{ expression }} end
    {%- endif %}
{%- endmacro %}

{#
    A date text to a date (same formats and bounds as parse_timestamp), or null.
#}
{% macro parse_date(column, earliest=var('earliest_date')) -%}
    cast({{ customer_classification.parse_timestamp(column, earliest) }} as date)
{%- endmacro %}

{#
    True when a timestamp or date parsed with earliest=none lies before
    var('earliest_date'): base_ models parse required timestamps unbounded
    and quarantine such a row as date_before_earliest (one parse, the reason
    exact: an infinite value parses to null, invalid_timestamp).
#}
{% macro is_before_earliest_date(column) -%}
    {{ column }} < cast('{{ var("earliest_date") }}' as timestamp)
{%- endmacro %}

{#
    Use the folder's custom schema as is (`marts`, not `main_marts`), so BI
    tools see stable schema names whatever the target. In a backfill
    (var('history_periods') set) the models tagged per_as_of (those that
    depend on the as-of date) write to `<schema>_backfill` instead, so the
    current marts stay as they are while past periods are computed.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set schema = target.schema if custom_schema_name is none else custom_schema_name | trim -%}
    {%- if var('history_periods', []) and node is not none and 'per_as_of' in (node.tags or []) -%}
        {{ schema }}_backfill
    {%- else -%}
        {{ schema }}
    {%- endif -%}
{%- endmacro %}

{#
    Use the folder's custom schema as is (`marts`, not `main_marts`), so BI
    tools see stable schema names whatever the target.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{#
    The warehouse itself, except in a backfill (var('history_periods') set):
    then the models tagged per_as_of (those that depend on the as-of date)
    are written to the attached scratch database `backfill` (profiles.yml), so
    the current marts stay as they are and the warehouse file does not grow
    by the many periods' intermediate tables.
#}
{% macro generate_database_name(custom_database_name=none, node=none) -%}
    {%- if var('history_periods', []) and node is not none and 'per_as_of' in (node.tags or []) -%}
        backfill
    {%- elif custom_database_name is none -%}
        {{ target.database }}
    {%- else -%}
        {{ custom_database_name | trim }}
    {%- endif -%}
{%- endmacro %}

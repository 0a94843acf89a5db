{#
    The materialization of a per_as_of model read by one model only: a table
    in a build, a view in a backfill (var('history_periods') set), where
    storing its wide rows (one per customer and period) costs more than
    computing them in its reader's query.
#}
{% macro view_in_a_backfill() -%}
    {{ return('view' if var('history_periods', []) else 'table') }}
{%- endmacro %}

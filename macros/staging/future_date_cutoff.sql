{#
    The instant after which a row's date is in the future (rule future_date):
    var('future_date_cutoff') when set, else the time this dbt invocation
    started. Compiled as a literal, so every model of one build uses the same
    instant, and no model stored as a view changes its rows as the clock moves
    on after the build (current_timestamp in a view is re-read on every
    query). Pin the var to make a re-run of old files reproduce old results.
#}
{% macro future_date_cutoff() -%}
    {%- set cutoff = var('future_date_cutoff', none) -%}
    {%- if cutoff is none -%}
        {%- set cutoff = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    cast('{{ cutoff }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

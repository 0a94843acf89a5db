{#
    Text as the staging layer wants it: trimmed, blank turned into null.
#}
{% macro clean_text(column) -%}
    {{ return(adapter.dispatch('clean_text', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__clean_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

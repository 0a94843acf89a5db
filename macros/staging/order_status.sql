{#
    An order's status as the models know it: lower case, blank = completed,
    and each alias of var('order_status_aliases') (credit_note -> refund)
    replaced by its status. Any other value is kept and quarantined as
    invalid_status.
#}
{% macro order_status(column) -%}
    {{ return(adapter.dispatch('order_status', 'customer_classification')(column)) }}
{%- endmacro %}

{% macro default__order_status(column) -%}
    {%- set status = "lower(" ~ customer_classification.clean_text(column) ~ ")" -%}
    {%- set aliases = var('order_status_aliases') -%}
    {%- if aliases %}
    case {{ status }}
        {%- for alias, status_name in aliases.items() %}
        when '{{ alias | lower }}' then '{{ status_name }}'
        {%- endfor %}
        else coalesce({{ status }}, 'completed')
    end
    {%- else -%}
    coalesce({{ status }}, 'completed')
    {%- endif %}
{%- endmacro %}

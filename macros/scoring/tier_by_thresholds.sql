{#
    high / mid / low from a 0-1 score: high at or above `high`, mid at or
    above `mid`, low below; null score -> null.
#}
{% macro tier_by_thresholds(score, high, mid) -%}
    {{ return(adapter.dispatch('tier_by_thresholds', 'customer_classification')(score, high, mid)) }}
{%- endmacro %}

{% macro default__tier_by_thresholds(score, high, mid) -%}
    case
        when {{ score }} >= {{ high }} then 'high'
        when {{ score }} >= {{ mid }} then 'mid'
        when {{ score }} is not null then 'low'
    end
{%- endmacro %}

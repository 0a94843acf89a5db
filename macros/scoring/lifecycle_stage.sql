{#
    Lifecycle stage of a customer as of a date, first rule that holds:

    | stage       | rule                                                        |
    |-------------|-------------------------------------------------------------|
    | prospect    | no purchase yet                                             |
    | new         | first purchase within lifecycle_new_days                    |
    | churned     | last purchase more than lifecycle_churn_days ago            |
    | at_risk     | last purchase more than lifecycle_active_days ago           |
    | reactivated | active, and the gap before the last purchase > churn days  |
    | loyal       | active with at least lifecycle_loyal_min_orders purchases   |
    | active      | otherwise                                                   |
#}
{% macro lifecycle_stage(orders_count, tenure_days, days_since_last_order, gap_before_last_order_days) -%}
    {{ return(adapter.dispatch('lifecycle_stage', 'customer_segments')(
        orders_count, tenure_days, days_since_last_order, gap_before_last_order_days
    )) }}
{%- endmacro %}

{% macro default__lifecycle_stage(orders_count, tenure_days, days_since_last_order, gap_before_last_order_days) -%}
    case
        when coalesce({{ orders_count }}, 0) = 0 then 'prospect'
        when {{ tenure_days }} <= {{ var('lifecycle_new_days') }} then 'new'
        when {{ days_since_last_order }} > {{ var('lifecycle_churn_days') }} then 'churned'
        when {{ days_since_last_order }} > {{ var('lifecycle_active_days') }} then 'at_risk'
        when {{ gap_before_last_order_days }} > {{ var('lifecycle_churn_days') }} then 'reactivated'
        when {{ orders_count }} >= {{ var('lifecycle_loyal_min_orders') }} then 'loyal'
        else 'active'
    end
{%- endmacro %}

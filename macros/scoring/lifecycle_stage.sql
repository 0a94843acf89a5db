{#
    Lifecycle stage of a customer as of a date, first rule that holds:

    | stage       | rule                                                        |
    |-------------|-------------------------------------------------------------|
    | prospect    | no purchase yet                                             |
    | new         | first purchase within lifecycle_new_days                    |
    | churned     | quiet longer than the churn limit                           |
    | at_risk     | quiet longer than the at-risk limit                         |
    | reactivated | active, and the gap before the last purchase > churn days  |
    | loyal       | active with at least lifecycle_loyal_min_orders purchases   |
    | active      | otherwise                                                   |

    The limits follow the customer's own purchase rhythm: a repeat buyer's
    usual gap is (first to last purchase) / (purchases - 1). At risk after
    lifecycle_at_risk_rhythm_multiple x that gap (but not before
    lifecycle_at_risk_min_days), churned after lifecycle_churn_rhythm_multiple
    x the gap (but not before lifecycle_churn_days). A one-time buyer has no
    rhythm: at risk after lifecycle_active_days, churned after
    lifecycle_churn_days.
#}
{% macro lifecycle_stage(orders_count, tenure_days, days_since_last_order, gap_before_last_order_days) -%}
    {{ return(adapter.dispatch('lifecycle_stage', 'customer_classification')(
        orders_count, tenure_days, days_since_last_order, gap_before_last_order_days
    )) }}
{%- endmacro %}

{% macro default__lifecycle_stage(orders_count, tenure_days, days_since_last_order, gap_before_last_order_days) -%}
    {%- set usual_gap -%}
        ({{ tenure_days }} - {{ days_since_last_order }}) / ({{ orders_count }} - 1.0)
    {%- endset -%}
    case
        when coalesce({{ orders_count }}, 0) = 0 then 'prospect'
        when {{ tenure_days }} <= {{ var('lifecycle_new_days') }} then 'new'
        when {{ days_since_last_order }} > case
            when {{ orders_count }} = 1 then {{ var('lifecycle_churn_days') }}
            else greatest({{ var('lifecycle_churn_days') }}, {{ var('lifecycle_churn_rhythm_multiple') }} * {{ usual_gap }})
        end then 'churned'
        when {{ days_since_last_order }} > case
            when {{ orders_count }} = 1 then {{ var('lifecycle_active_days') }}
            else greatest({{ var('lifecycle_at_risk_min_days') }}, {{ var('lifecycle_at_risk_rhythm_multiple') }} * {{ usual_gap }})
        end then 'at_risk'
        when {{ gap_before_last_order_days }} > {{ var('lifecycle_churn_days') }} then 'reactivated'
        when {{ orders_count }} >= {{ var('lifecycle_loyal_min_orders') }} then 'loyal'
        else 'active'
    end
{%- endmacro %}

{#
    The wide table: one row per customer and as-of date (the customers
    mart's population; a build has one as-of date), every classification
    scheme side by side, with the as-of date and the version of the rules
    that produced them. Schemes that need a purchase
    are null for customers without one. See the schemes doc. Last, the
    custom category: the rules of the custom_category_rules seed over these
    columns and the customers mart's (see custom_category).
#}
{{ config(tags=['per_as_of'], materialized=view_in_a_backfill()) }}
{%- set category_columns = custom_category_columns(
    [('customer_segments', 'joined'), ('customers', 'joined')], exclude=['custom_category']
) if execute else {} -%}
with

customers as (

    select * from {{ ref('customers') }}

),

rfm as (

    select * from {{ ref('customer_rfm') }}

),

clv as (

    select * from {{ ref('customer_clv') }}

),

schemes as (

    select * from {{ ref('int_customers_classified') }}

),

rule_version as (

    select rule_version from {{ ref('int_rule_version') }}

),

{# The customers mart's columns and every scheme's: the custom category
    reads both without joining the customers again. #}
joined as (

    select
        customers.*,
        rule_version.rule_version,
        customers.orders_count > 0 as has_purchased,
        rfm.recency_days,
        rfm.frequency,
        rfm.monetary,
        rfm.r_score,
        rfm.f_score,
        rfm.m_score,
        rfm.rfm_segment,
        rfm.rfm_cell,
        schemes.window_revenue,
        schemes.abc_class,
        schemes.is_key_account,
        schemes.value_tier,
        schemes.value_class,
        schemes.composite_score,
        schemes.composite_tier,
        schemes.share_of_wallet,
        schemes.strategy_quadrant,
        schemes.strategy_input_missing,
        coalesce(schemes.credit_rating, 'unrated') as credit_rating,
        case
            when schemes.credit_rating is null then 'no_invoices' else schemes.credit_unrated_reason
        end as credit_unrated_reason,
        coalesce(schemes.credit_invoices, 0) as credit_invoices,
        schemes.on_time_share,
        schemes.avg_days_past_due,
        schemes.worst_days_past_due,
        schemes.overdue_share,
        schemes.revenue_trend,
        schemes.cluster_id,
        schemes.cluster_label,
        clv.revenue_to_date,
        clv.profit_to_date,
        clv.predicted_clv,
        clv.probability_alive,
        clv.churn_probability,
        clv.expected_next_order_date,
        clv.expected_next_order_status,
        schemes.coverage_ratio,
        schemes.customers_per_rep_min,
        schemes.customers_per_rep_max,
        schemes.visit_cadence,
        schemes.visit_cadence_days,
        schemes.complaint_priority,
        schemes.complaint_response_hours
    from customers
    cross join rule_version
    left join rfm
        on customers.customer_id = rfm.customer_id and customers.as_of_date = rfm.as_of_date
    left join clv
        on customers.customer_id = clv.customer_id and customers.as_of_date = clv.as_of_date
    left join schemes
        on customers.customer_id = schemes.customer_id and customers.as_of_date = schemes.as_of_date

),

categorized as (

    select
        customer_id,
        as_of_date,
        rule_version,
        customer_type,
        region,
        sales_region,
        lifecycle_stage,
        has_purchased,
        orders_count,
        days_since_last_order,
        recency_days,
        frequency,
        monetary,
        r_score,
        f_score,
        m_score,
        rfm_segment,
        rfm_cell,
        window_revenue,
        abc_class,
        is_key_account,
        value_tier,
        value_class,
        composite_score,
        composite_tier,
        share_of_wallet,
        strategy_quadrant,
        strategy_input_missing,
        credit_rating,
        credit_unrated_reason,
        credit_invoices,
        on_time_share,
        avg_days_past_due,
        worst_days_past_due,
        overdue_share,
        revenue_trend,
        cluster_id,
        cluster_label,
        revenue_to_date,
        profit_to_date,
        predicted_clv,
        probability_alive,
        churn_probability,
        expected_next_order_date,
        expected_next_order_status,
        coverage_ratio,
        customers_per_rep_min,
        customers_per_rep_max,
        visit_cadence,
        visit_cadence_days,
        complaint_priority,
        complaint_response_hours,
        {{ custom_category(ref('custom_category_rules'), category_columns, var('custom_category_default')) }}
            as custom_category
    from joined

)

select * from categorized

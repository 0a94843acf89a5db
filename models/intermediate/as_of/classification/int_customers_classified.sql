{#
    Every value scheme of a customer with a purchase, side by side, with the
    service policy of its ABC class: one row per customer and as-of date of
    int_customers_window_activity (the population every scheme here shares).
    customer_segments puts it beside the customers, RFM and CLV marts.
#}
{{ config(materialized='view') }}

with

abc as (

    select * from {{ ref('int_customers_abc_classified') }}

),

value_classes as (

    select * from {{ ref('int_customers_value_classified') }}

),

composite as (

    select * from {{ ref('int_customers_composite_scored') }}

),

strategy as (

    select * from {{ ref('int_customers_strategy_quadrants') }}

),

credit as (

    select * from {{ ref('int_customers_credit_rated') }}

),

clusters as (

    select * from {{ ref('int_customers_clustered') }}

),

policies as (

    select * from {{ ref('service_policies') }}

),

schemes_joined as (

    select
        abc.customer_id,
        abc.as_of_date,
        abc.window_revenue,
        abc.abc_class,
        abc.is_key_account,
        value_classes.value_tier,
        value_classes.value_class,
        composite.composite_score,
        composite.composite_tier,
        strategy.share_of_wallet,
        strategy.strategy_quadrant,
        strategy.strategy_input_missing,
        credit.credit_rating,
        credit.credit_unrated_reason,
        credit.credit_invoices,
        credit.on_time_share,
        credit.avg_days_past_due,
        credit.worst_days_past_due,
        credit.overdue_share,
        credit.revenue_trend,
        clusters.cluster_id,
        clusters.cluster_label,
        policies.coverage_ratio,
        policies.customers_per_rep_min,
        policies.customers_per_rep_max,
        policies.visit_cadence,
        policies.visit_cadence_days,
        policies.complaint_priority,
        policies.complaint_response_hours
    from abc
    left join value_classes
        on abc.customer_id = value_classes.customer_id and abc.as_of_date = value_classes.as_of_date
    left join composite
        on abc.customer_id = composite.customer_id and abc.as_of_date = composite.as_of_date
    left join strategy
        on abc.customer_id = strategy.customer_id and abc.as_of_date = strategy.as_of_date
    left join credit
        on abc.customer_id = credit.customer_id and abc.as_of_date = credit.as_of_date
    left join clusters
        on abc.customer_id = clusters.customer_id and abc.as_of_date = clusters.as_of_date
    left join policies
        on abc.abc_class = policies.abc_class

)

select * from schemes_joined

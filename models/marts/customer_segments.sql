{#
    The wide table: one row per customer (the customers mart's population),
    every classification scheme side by side, with the as-of date and the
    version of the rules that produced them. Schemes that need a purchase
    are null for customers without one. See the schemes doc.
#}
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

policies as (

    select * from {{ ref('service_policies') }}

),

rule_version as (

    select rule_version from {{ ref('int_rule_version') }}

),

joined as (

    select
        customers.customer_id,
        customers.as_of_date,
        rule_version.rule_version,
        customers.customer_type,
        customers.region,
        customers.lifecycle_stage,
        customers.orders_count > 0 as has_purchased,
        rfm.rfm_segment,
        rfm.rfm_cell,
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
        clv.revenue_to_date,
        clv.profit_to_date,
        clv.predicted_clv,
        clv.probability_alive,
        policies.coverage_ratio,
        policies.customers_per_rep_min,
        policies.customers_per_rep_max,
        policies.visit_cadence,
        policies.visit_cadence_days,
        policies.complaint_priority,
        policies.complaint_response_hours
    from customers
    cross join rule_version
    left join rfm
        on customers.customer_id = rfm.customer_id
    left join clv
        on customers.customer_id = clv.customer_id
    left join abc
        on customers.customer_id = abc.customer_id
    left join value_classes
        on customers.customer_id = value_classes.customer_id
    left join composite
        on customers.customer_id = composite.customer_id
    left join strategy
        on customers.customer_id = strategy.customer_id
    left join policies
        on abc.abc_class = policies.abc_class

)

select * from joined

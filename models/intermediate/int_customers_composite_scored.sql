{#
    Composite score (sum of the indicators' contributions, 0-1) and its tier
    (high / mid / low by var thresholds), one row per customer with a purchase
    and as-of date.
#}
with

indicators as (

    select * from {{ ref('int_customer_indicators') }}

),

contributions_fixed as (

    -- Summed as decimals: a float sum depends on the order rows arrive in
    -- (thread count), which could flip a tier at a threshold.
    select
        customer_id,
        as_of_date,
        indicator_group,
        cast(contribution as decimal(18, 12)) as contribution
    from indicators

),

scores_summed as (

    select
        customer_id,
        as_of_date,
        cast(sum(contribution) as {{ type_double() }}) as composite_score,
        cast(sum(case when indicator_group = 'financial' then contribution else 0 end) as {{ type_double() }})
            as financial_score,
        cast(sum(case when indicator_group = 'behavioural' then contribution else 0 end) as {{ type_double() }})
            as behavioural_score,
        cast(sum(case when indicator_group = 'relationship' then contribution else 0 end) as {{ type_double() }})
            as relationship_score
    from contributions_fixed
    group by customer_id, as_of_date

),

tiered as (

    select
        *,
        {{ tier_by_thresholds(
            'composite_score', var('composite_high_threshold'), var('composite_mid_threshold')
        ) }} as composite_tier
    from scores_summed

)

select * from tiered

{#
    In segment_outcomes the next-period revenue shares of each period and
    scheme add up to 1 where the scheme's customers had next-period revenue,
    and so do the customer shares. Fails for each period and scheme where
    they do not (1e-9 for rounding).
#}
with

outcomes as (

    select * from {{ ref('segment_outcomes') }}

),

shares_summed as (

    select
        period_start,
        scheme,
        sum(customer_share) as customer_shares,
        sum(next_period_revenue_share) as next_period_revenue_shares,
        count(next_period_revenue_share) as tiers_with_revenue_share
    from outcomes
    group by period_start, scheme

)

select *
from shares_summed
where
    abs(customer_shares - 1) > 1e-9
    or (tiers_with_revenue_share > 0 and abs(next_period_revenue_shares - 1) > 1e-9)

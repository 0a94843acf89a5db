{#
    In segment_summary the customer shares of each period and scheme add up
    to 1, and so do the revenue shares where the scheme has revenue. Fails
    for each period and scheme where they do not (1e-9 for rounding).
#}
with

summary as (

    select * from {{ ref('segment_summary') }}

),

shares_summed as (

    select
        period_start,
        scheme,
        sum(customer_share) as customer_shares,
        sum(revenue_share) as revenue_shares,
        count(revenue_share) as tiers_with_revenue_share
    from summary
    group by period_start, scheme

)

select *
from shares_summed
where
    abs(customer_shares - 1) > 1e-9
    or (tiers_with_revenue_share > 0 and abs(revenue_shares - 1) > 1e-9)

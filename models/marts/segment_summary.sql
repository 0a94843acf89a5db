{#
    Per period, scheme and tier (customer_segment_history): customers, their
    net revenue in the scoring window and its share of the scheme's revenue
    that period, the average predicted CLV and the average order value (net
    revenue to date over purchases to date). Customers without a tier in a
    scheme that period (no purchase yet) are not counted in it.
    Incremental by whole periods, like the history: a run replaces the
    periods it computed (int_as_of_date: the build's own, or a backfill
    batch's) and keeps the others; --full-refresh recomputes every period.
#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='period_start',
    on_schema_change='append_new_columns',
    pre_hook="{{ remove_periods_not_in_history() }}",
) }}
-- depends_on: {{ ref('int_as_of_date') }}

with

history as {{ materialized_cte(true) }} (

    select * from {{ ref('customer_segment_history') }}
    {%- if is_incremental() %}
    where period_start in (select as_of.period_start from {{ ref('int_as_of_date') }} as as_of)
    {%- endif %}

),

ranks as (

    select * from {{ ref('int_tier_ranks') }}

),

tiers_aggregated as (

    {%- for scheme in history_schemes() %}
    select
        period_start,
        max(as_of_date) as as_of_date,
        '{{ scheme.scheme }}' as scheme,
        {{ scheme.tier }} as tier,
        count(*) as customers,
        sum(window_revenue) as revenue,
        avg(predicted_clv) as avg_predicted_clv,
        sum(revenue_to_date) as revenue_to_date,
        sum(orders_count) as orders_to_date
    from history
    where {{ scheme.tier }} is not null
    group by period_start, {{ scheme.tier }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        tiers_aggregated.period_start,
        tiers_aggregated.as_of_date,
        tiers_aggregated.scheme,
        tiers_aggregated.tier,
        ranks.tier_rank,
        tiers_aggregated.customers,
        cast(tiers_aggregated.customers as {{ type_double() }})
        / sum(tiers_aggregated.customers) over (
            partition by tiers_aggregated.period_start, tiers_aggregated.scheme
        ) as customer_share,
        {{ to_money('tiers_aggregated.revenue') }} as revenue,
        cast(tiers_aggregated.revenue as {{ type_double() }}) / nullif(sum(tiers_aggregated.revenue) over (
            partition by tiers_aggregated.period_start, tiers_aggregated.scheme
        ), 0) as revenue_share,
        {{ to_money('tiers_aggregated.avg_predicted_clv') }} as avg_predicted_clv,
        {{ to_money('tiers_aggregated.revenue_to_date / nullif(tiers_aggregated.orders_to_date, 0)') }}
            as average_order_value
    from tiers_aggregated
    left join ranks
        on tiers_aggregated.scheme = ranks.scheme and tiers_aggregated.tier = ranks.tier

)

select * from final

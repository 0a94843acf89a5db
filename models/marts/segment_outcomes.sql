{#
    Tiers judged by what followed: per period, scheme and tier of
    customer_segment_history, the customers in the tier at the period's end
    and what they did in the next period, from the valid orders (not from
    the history's scheme inputs): their net revenue, its share of the
    scheme's customers' next-period revenue, the share who bought again and
    the lift. A period has rows only when the history holds the period after
    it (the last period has none: absent, never zero-filled); a next period
    not yet over is counted up to its as-of date and flagged
    (is_next_period_complete). Customers without a tier in a scheme that
    period are in none of its rows. See segment_outcomes_method.
    Incremental by whole periods: a run replaces the periods it computed
    (int_as_of_date) and the period before each (whose next period changed);
    --full-refresh recomputes every period.
#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='period_start',
    on_schema_change='append_new_columns',
    pre_hook="{{ remove_periods_not_in_history(previous_column='next_period_start') }}",
) }}
{%- set schemes = history_schemes() -%}
-- depends_on: {{ ref('int_as_of_date') }}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

orders as (

    select * from {{ ref('int_orders_valid') }}

),

ranks as (

    select * from {{ ref('int_tier_ranks') }}

),

periods as (

    select
        period_start,
        max(as_of_date) as as_of_date
    from history
    group by period_start

),

{# Each period with the one after it, when the history holds that one. #}
periods_followed as (

    select
        periods.period_start,
        periods.as_of_date,
        next_periods.period_start as next_period_start,
        next_periods.as_of_date as next_period_as_of_date,
        next_periods.as_of_date = cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd(var('history_period'), 1, 'next_periods.period_start')) }} as date
        ) as is_next_period_complete
    from periods
    inner join periods as next_periods
        on next_periods.period_start = cast(
            {{ dbt.dateadd(var('history_period'), 1, 'periods.period_start') }} as date
        )
    {%- if is_incremental() %}
    where
        periods.period_start in (select as_of.period_start from {{ ref('int_as_of_date') }} as as_of)
        or next_periods.period_start in (select as_of.period_start from {{ ref('int_as_of_date') }} as as_of)
    {%- endif %}

),

{# Refunds count on their own date (negative net revenue) but are no purchase. #}
next_period_orders_aggregated_to_customers as (

    select
        periods_followed.period_start,
        orders.customer_id,
        sum(orders.net_revenue) as next_period_revenue,
        count(case when orders.is_purchase then 1 end) as next_period_purchases
    from orders
    inner join periods_followed
        on
            cast({{ dbt.date_trunc(var('history_period'), 'orders.ordered_date') }} as date)
            = periods_followed.next_period_start
            and orders.ordered_date <= periods_followed.next_period_as_of_date
    group by periods_followed.period_start, orders.customer_id

),

tiers as (

    select
        {%- for scheme in schemes %}
        {{ scheme.tier }} as tier_{{ scheme.scheme }},
        {%- endfor %}
        period_start,
        customer_id
    from history
    where period_start in (select periods_followed.period_start from periods_followed)

),

tiers_followed as {{ materialized_cte(true) }} (

    select
        tiers.*,
        coalesce(next_period_orders.next_period_revenue, 0) as next_period_revenue,
        coalesce(next_period_orders.next_period_purchases, 0) > 0 as has_bought_next_period
    from tiers
    left join next_period_orders_aggregated_to_customers as next_period_orders
        on
            tiers.period_start = next_period_orders.period_start
            and tiers.customer_id = next_period_orders.customer_id

),

tiers_aggregated as (

    {%- for scheme in schemes %}
    select
        period_start,
        '{{ scheme.scheme }}' as scheme,
        tier_{{ scheme.scheme }} as tier,
        count(*) as customers,
        count(case when has_bought_next_period then 1 end) as next_period_buyers,
        sum(next_period_revenue) as next_period_revenue
    from tiers_followed
    where tier_{{ scheme.scheme }} is not null
    group by period_start, tier_{{ scheme.scheme }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

schemes_totalled as (

    select
        *,
        sum(customers) over (partition by period_start, scheme) as scheme_customers,
        sum(next_period_revenue) over (partition by period_start, scheme) as scheme_next_period_revenue
    from tiers_aggregated

),

final as (

    select
        schemes_totalled.period_start,
        periods_followed.as_of_date,
        schemes_totalled.scheme,
        schemes_totalled.tier,
        ranks.tier_rank,
        schemes_totalled.customers,
        cast(schemes_totalled.customers as {{ type_double() }})
        / schemes_totalled.scheme_customers as customer_share,
        periods_followed.next_period_start,
        periods_followed.next_period_as_of_date,
        periods_followed.is_next_period_complete,
        schemes_totalled.next_period_buyers,
        cast(schemes_totalled.next_period_buyers as {{ type_double() }})
        / schemes_totalled.customers as repurchase_rate,
        {{ to_money('schemes_totalled.next_period_revenue') }} as next_period_revenue,
        cast(schemes_totalled.next_period_revenue as {{ type_double() }})
        / nullif(schemes_totalled.scheme_next_period_revenue, 0) as next_period_revenue_share,
        {{ to_money('schemes_totalled.next_period_revenue / schemes_totalled.customers') }}
            as next_period_revenue_per_customer,
        (cast(schemes_totalled.next_period_revenue as {{ type_double() }}) / schemes_totalled.customers)
        / nullif(
            cast(schemes_totalled.scheme_next_period_revenue as {{ type_double() }})
            / schemes_totalled.scheme_customers,
            0
        ) as lift
    from schemes_totalled
    inner join periods_followed
        on schemes_totalled.period_start = periods_followed.period_start
    left join ranks
        on schemes_totalled.scheme = ranks.scheme and schemes_totalled.tier = ranks.tier

)

select * from final

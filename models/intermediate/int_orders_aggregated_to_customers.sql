{#
    One row per customer with at least one order up to the as-of date, per
    as-of date.
    A purchase is a completed or returned order (returned orders are
    purchases whose net revenue is reduced by the refund). Refunds (credit
    notes) are no purchase: they count in the revenue sums on their own
    date, not in dates, counts or purchase days.
#}
with

orders as {{ materialized_cte(false) }} (

    select * from {{ ref('int_orders_enriched') }}

),

purchase_days as (

    select
        customer_id,
        as_of_date,
        ordered_date,
        sum(net_revenue) as day_revenue
    from orders
    where is_purchase
    group by customer_id, as_of_date, ordered_date

),

{# The mean revenue of the purchase days after the first, from the sum of all
    days minus the first day's: exactly DuckDB's avg over those days (cents
    summed as integers, divided once as doubles), without a second pass. #}
days_aggregated_to_customers as (

    select
        customer_id,
        as_of_date,
        count(*) as purchase_days,
        max(ordered_date) as last_purchase_date,
        case
            when count(*) > 1
                then
                    cast((sum(day_revenue) - min_by(day_revenue, ordered_date)) * 100 as {{ type_double() }})
                    / ((count(*) - 1) * 100)
            else 0
        end as repeat_average_value
    from purchase_days
    group by customer_id, as_of_date

),

{# The day before the last purchase day: the latest earlier purchase day, by a
    join and an aggregate (cheaper than two window functions over every
    purchase day of every customer). #}
gaps_aggregated_to_customers as (

    select
        days_aggregated_to_customers.customer_id,
        days_aggregated_to_customers.as_of_date,
        {{ dbt.datediff(
            'max(purchase_days.ordered_date)', 'days_aggregated_to_customers.last_purchase_date', 'day'
        ) }} as gap_before_last_order_days
    from days_aggregated_to_customers
    inner join purchase_days
        on
            days_aggregated_to_customers.customer_id = purchase_days.customer_id
            and days_aggregated_to_customers.as_of_date = purchase_days.as_of_date
            and days_aggregated_to_customers.last_purchase_date > purchase_days.ordered_date
    group by
        days_aggregated_to_customers.customer_id,
        days_aggregated_to_customers.as_of_date,
        days_aggregated_to_customers.last_purchase_date

),

orders_aggregated_to_customers as (

    select
        customer_id,
        as_of_date,
        min(case when is_purchase then ordered_date end) as first_order_date,
        max(case when is_purchase then ordered_date end) as last_order_date,
        count(case when is_purchase then order_id end) as orders_count,
        count(case when is_cancelled then order_id end) as cancelled_orders_count,
        count(case when is_returned then order_id end) as returned_orders_count,
        count(case when is_refund then order_id end) as refunds_count,
        {{ to_money('sum(gross_revenue)') }} as gross_revenue,
        {{ to_money('sum(returned_revenue)') }} as returned_revenue,
        {{ to_money('sum(net_revenue)') }} as net_revenue,
        {{ to_money('sum(cost_of_goods)') }} as cost_of_goods,
        {{ to_money('sum(gross_margin)') }} as gross_margin,
        {{ to_money('sum(shipping_cost)') }} as shipping_cost,
        cast(sum(units) as {{ dbt.type_bigint() }}) as units
    from orders
    group by customer_id, as_of_date

),

tenure_added as (

    select
        orders_aggregated_to_customers.customer_id,
        orders_aggregated_to_customers.as_of_date,
        orders_aggregated_to_customers.first_order_date,
        orders_aggregated_to_customers.last_order_date,
        orders_aggregated_to_customers.orders_count,
        coalesce(days_aggregated_to_customers.purchase_days, 0) as purchase_days,
        coalesce(days_aggregated_to_customers.repeat_average_value, 0) as repeat_average_value,
        orders_aggregated_to_customers.cancelled_orders_count,
        orders_aggregated_to_customers.returned_orders_count,
        orders_aggregated_to_customers.refunds_count,
        orders_aggregated_to_customers.gross_revenue,
        orders_aggregated_to_customers.returned_revenue,
        orders_aggregated_to_customers.net_revenue,
        orders_aggregated_to_customers.cost_of_goods,
        orders_aggregated_to_customers.gross_margin,
        orders_aggregated_to_customers.shipping_cost,
        orders_aggregated_to_customers.units,
        gaps_aggregated_to_customers.gap_before_last_order_days,
        {{ dbt.datediff(
            'orders_aggregated_to_customers.first_order_date', 'orders_aggregated_to_customers.as_of_date', 'day'
        ) }} as tenure_days,
        {{ dbt.datediff(
            'orders_aggregated_to_customers.last_order_date', 'orders_aggregated_to_customers.as_of_date', 'day'
        ) }} as days_since_last_order
    from orders_aggregated_to_customers
    left join days_aggregated_to_customers
        on
            orders_aggregated_to_customers.customer_id = days_aggregated_to_customers.customer_id
            and orders_aggregated_to_customers.as_of_date = days_aggregated_to_customers.as_of_date
    left join gaps_aggregated_to_customers
        on
            orders_aggregated_to_customers.customer_id = gaps_aggregated_to_customers.customer_id
            and orders_aggregated_to_customers.as_of_date = gaps_aggregated_to_customers.as_of_date

)

select * from tenure_added

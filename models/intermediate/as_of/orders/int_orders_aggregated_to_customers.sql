{#
    One row per customer with at least one order up to the as-of date, per
    as-of date.
    A purchase is a completed or returned order (returned orders are
    purchases whose net revenue is reduced by the refund). Refunds (credit
    notes) are no purchase: they count in the revenue sums on their own
    date, not in dates, counts or purchase days.

    Every order is read once, however many as-of dates a backfill computes:
    it is counted in the period of the first as-of date on or after it, and
    each as-of date adds up its own and the earlier periods (running sums,
    minima and maxima), rather than every order being repeated for every
    later as-of date.
#}
with

orders as (

    select * from {{ ref('int_orders_valid') }}

),

as_of as (

    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date
    from {{ ref('int_as_of_date') }}

),

{# The as-of date each order is first counted at. #}
orders_in_periods as (

    select
        orders.*,
        as_of.as_of_date
    from orders
    inner join as_of
        on
            orders.ordered_date <= as_of.as_of_date
            and (orders.ordered_date > as_of.previous_as_of_date or as_of.previous_as_of_date is null)

),

{# Each purchase day with the customer's purchase day before it (over all
    days: the one before the last day up to an as-of date is the same). #}
purchase_days as (

    select
        customer_id,
        as_of_date,
        ordered_date,
        sum(net_revenue) as day_revenue,
        lag(ordered_date) over (partition by customer_id order by ordered_date) as previous_purchase_date
    from orders_in_periods
    where is_purchase
    group by customer_id, as_of_date, ordered_date

),

{# The revenue of each customer's first purchase day: the repeat average
    leaves it out. #}
first_purchase_days as (

    select
        customer_id,
        min_by(day_revenue, ordered_date) as first_day_revenue
    from purchase_days
    group by customer_id

),

days_in_periods as (

    select
        customer_id,
        as_of_date,
        count(*) as purchase_days,
        sum(day_revenue) as purchase_revenue,
        max(previous_purchase_date) as previous_purchase_date
    from purchase_days
    group by customer_id, as_of_date

),

orders_in_periods_aggregated as (

    select
        customer_id,
        as_of_date,
        min(case when is_purchase then ordered_date end) as first_order_date,
        max(case when is_purchase then ordered_date end) as last_order_date,
        count(case when is_purchase then order_id end) as orders_count,
        count(case when is_cancelled then order_id end) as cancelled_orders_count,
        count(case when is_returned then order_id end) as returned_orders_count,
        count(case when is_refund then order_id end) as refunds_count,
        sum(gross_revenue) as gross_revenue,
        sum(returned_revenue) as returned_revenue,
        sum(net_revenue) as net_revenue,
        sum(cost_of_goods) as cost_of_goods,
        sum(gross_margin) as gross_margin,
        sum(shipping_cost) as shipping_cost,
        sum(units) as units
    from orders_in_periods
    group by customer_id, as_of_date

),

periods_joined as (

    select
        orders_in_periods_aggregated.*,
        days_in_periods.purchase_days,
        days_in_periods.purchase_revenue,
        days_in_periods.previous_purchase_date
    from orders_in_periods_aggregated
    left join days_in_periods
        on
            orders_in_periods_aggregated.customer_id = days_in_periods.customer_id
            and orders_in_periods_aggregated.as_of_date = days_in_periods.as_of_date

),

{# Up to each period with orders: the running sums, the first and last
    purchase, and the purchase day before the last (it only grows with the
    last); they hold until the customer's next period with orders. #}
{%- set to_date = 'over (partition by customer_id order by as_of_date'
    ~ ' rows between unbounded preceding and current row)' %}

running_totals as (

    select
        customer_id,
        as_of_date as counted_from_date,
        lead(as_of_date) over (partition by customer_id order by as_of_date) as counted_until_date,
        min(first_order_date) {{ to_date }} as first_order_date,
        max(last_order_date) {{ to_date }} as last_order_date,
        coalesce(sum(orders_count) {{ to_date }}, 0) as orders_count,
        coalesce(sum(purchase_days) {{ to_date }}, 0) as purchase_days,
        sum(purchase_revenue) {{ to_date }} as purchase_revenue,
        max(previous_purchase_date) {{ to_date }} as previous_purchase_date,
        sum(cancelled_orders_count) {{ to_date }} as cancelled_orders_count,
        sum(returned_orders_count) {{ to_date }} as returned_orders_count,
        sum(refunds_count) {{ to_date }} as refunds_count,
        sum(gross_revenue) {{ to_date }} as gross_revenue,
        sum(returned_revenue) {{ to_date }} as returned_revenue,
        sum(net_revenue) {{ to_date }} as net_revenue,
        sum(cost_of_goods) {{ to_date }} as cost_of_goods,
        sum(gross_margin) {{ to_date }} as gross_margin,
        sum(shipping_cost) {{ to_date }} as shipping_cost,
        sum(units) {{ to_date }} as units
    from periods_joined

),

{# Every as-of date from each customer's first order on. #}
running_totals_as_of as (

    select
        running_totals.*,
        as_of.as_of_date
    from running_totals
    inner join as_of
        on
            running_totals.counted_from_date <= as_of.as_of_date
            and (running_totals.counted_until_date > as_of.as_of_date or running_totals.counted_until_date is null)

),

{# The mean revenue of the purchase days after the first: the
    repeat_average_value macro, shared with the backtest's calibration inputs. #}
tenure_added as (

    select
        running_totals_as_of.customer_id,
        running_totals_as_of.as_of_date,
        running_totals_as_of.first_order_date,
        running_totals_as_of.last_order_date,
        cast(running_totals_as_of.orders_count as {{ dbt.type_bigint() }}) as orders_count,
        cast(running_totals_as_of.purchase_days as {{ dbt.type_bigint() }}) as purchase_days,
        {{ repeat_average_value(
            'running_totals_as_of.purchase_revenue',
            'first_purchase_days.first_day_revenue',
            'running_totals_as_of.purchase_days'
        ) }} as repeat_average_value,
        cast(running_totals_as_of.cancelled_orders_count as {{ dbt.type_bigint() }}) as cancelled_orders_count,
        cast(running_totals_as_of.returned_orders_count as {{ dbt.type_bigint() }}) as returned_orders_count,
        cast(running_totals_as_of.refunds_count as {{ dbt.type_bigint() }}) as refunds_count,
        {{ to_money('running_totals_as_of.gross_revenue') }} as gross_revenue,
        {{ to_money('running_totals_as_of.returned_revenue') }} as returned_revenue,
        {{ to_money('running_totals_as_of.net_revenue') }} as net_revenue,
        {{ to_money('running_totals_as_of.cost_of_goods') }} as cost_of_goods,
        {{ to_money('running_totals_as_of.gross_margin') }} as gross_margin,
        {{ to_money('running_totals_as_of.shipping_cost') }} as shipping_cost,
        cast(running_totals_as_of.units as {{ dbt.type_bigint() }}) as units,
        {{ days_between('running_totals_as_of.previous_purchase_date', 'running_totals_as_of.last_order_date') }}
            as gap_before_last_order_days,
        {{ days_between('running_totals_as_of.first_order_date', 'running_totals_as_of.as_of_date') }}
            as tenure_days,
        {{ days_between('running_totals_as_of.last_order_date', 'running_totals_as_of.as_of_date') }}
            as days_since_last_order
    from running_totals_as_of
    left join first_purchase_days
        on running_totals_as_of.customer_id = first_purchase_days.customer_id

)

select * from tenure_added

{#
    BG/NBD and Gamma-Gamma inputs per customer with a purchase, in
    var('clv_time_unit_days') units (7 = weeks), as Fader, Hardie and Lee
    define them (the clv_periods macro, shared with the backtest's
    calibration fit): purchases on the same day count as one transaction;
    frequency = repeat transactions; recency = first to last transaction;
    t = first transaction to the as-of date; repeat_average_value = mean net
    revenue of the repeat transactions (0 without one). One row per customer
    and as-of date.
#}
with

{# A transaction is a purchase day (int_orders_aggregated_to_customers
    counts them once and keeps the mean revenue of those after the first). #}
customers as (

    select * from {{ ref('int_orders_aggregated_to_customers') }}
    where purchase_days > 0

),

periods_computed as (

    {{ clv_periods('customers', 'as_of_date') }}

),

final as (

    select
        customer_id,
        frequency,
        recency,
        t,
        repeat_average_value,
        as_of_date
    from periods_computed

)

select * from final

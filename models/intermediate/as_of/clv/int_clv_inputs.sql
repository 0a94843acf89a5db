{#
    BG/NBD and Gamma-Gamma inputs per customer with a purchase, in
    var('clv_time_unit_days') units (7 = weeks), as Fader, Hardie and Lee
    define them: purchases on the same day count as one transaction;
    frequency = repeat transactions; recency = first to last transaction;
    t = first transaction to the as-of date; repeat_average_value = mean net
    revenue of the repeat transactions (0 without one). One row per customer
    and as-of date.
#}
{%- set unit = var('clv_time_unit_days') -%}

with

customers as (

    select * from {{ ref('int_orders_aggregated_to_customers') }}
    where purchase_days > 0

),

{# A transaction is a purchase day (int_orders_aggregated_to_customers
    counts them once and keeps the mean revenue of those after the first). #}
days_computed as (

    select
        customers.customer_id,
        customers.purchase_days - 1 as frequency,
        {{ days_between('customers.first_order_date', 'customers.last_order_date') }}
            as recency_days,
        {{ days_between('customers.first_order_date', 'customers.as_of_date') }}
            as age_days,
        customers.repeat_average_value,
        customers.as_of_date
    from customers

),

periods_computed as (

    select
        customer_id,
        frequency,
        recency_days / {{ dbt.cast(unit, type_double()) }} as recency,
        age_days / {{ dbt.cast(unit, type_double()) }} as t,
        repeat_average_value,
        as_of_date
    from days_computed

)

select * from periods_computed

{#
    BG/NBD and Gamma-Gamma inputs per customer with a purchase, in
    var('clv_time_unit_days') units (7 = weeks), as Fader, Hardie and Lee
    define them: purchases on the same day count as one transaction;
    frequency = repeat transactions; recency = first to last transaction;
    t = first transaction to the as-of date; repeat_average_value = mean net
    revenue of the repeat transactions (0 without one).
#}
{%- set unit = var('clv_time_unit_days') -%}

with

orders as (

    select * from {{ ref('int_orders_enriched') }}
    where not is_cancelled

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

orders_aggregated_to_days as (

    select
        customer_id,
        ordered_date,
        sum(net_revenue) as day_revenue
    from orders
    group by customer_id, ordered_date

),

first_days as (

    select
        customer_id,
        min(ordered_date) as first_transaction_date
    from orders_aggregated_to_days
    group by customer_id

),

{# Repeat transactions are the days after the first: found by a join with the
    first day (cheaper than numbering every day with a window function). #}
days_aggregated_to_customers as (

    select
        orders_aggregated_to_days.customer_id,
        count(*) - 1 as frequency,
        first_days.first_transaction_date,
        max(orders_aggregated_to_days.ordered_date) as last_transaction_date,
        coalesce(
            avg(
                case
                    when orders_aggregated_to_days.ordered_date > first_days.first_transaction_date
                        then orders_aggregated_to_days.day_revenue
                end
            ),
            0
        ) as repeat_average_value
    from orders_aggregated_to_days
    inner join first_days
        on orders_aggregated_to_days.customer_id = first_days.customer_id
    group by orders_aggregated_to_days.customer_id, first_days.first_transaction_date

),

days_computed as (

    select
        days_aggregated_to_customers.customer_id,
        days_aggregated_to_customers.frequency,
        {{ dbt.datediff('first_transaction_date', 'last_transaction_date', 'day') }}
            as recency_days,
        {{ dbt.datediff('first_transaction_date', 'as_of.as_of_date', 'day') }}
            as age_days,
        days_aggregated_to_customers.repeat_average_value,
        as_of.as_of_date
    from days_aggregated_to_customers
    cross join as_of

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

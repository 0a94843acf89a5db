{#
    Historical value per customer with a purchase up to the as-of date, per
    as-of date.
    Profit = gross margin - cost to serve, where cost to serve = shipping +
    returns x var('cost_per_return') + tickets x var('cost_per_ticket').
#}
with

customers as (

    select * from {{ ref('int_orders_aggregated_to_customers') }}
    where orders_count > 0

),

tickets as (

    select * from {{ ref('int_tickets_aggregated_to_customers') }}

),

history_computed as (

    select
        customers.customer_id,
        customers.as_of_date,
        customers.first_order_date,
        customers.last_order_date,
        customers.tenure_days,
        customers.orders_count,
        customers.returned_orders_count,
        coalesce(tickets.tickets_count, 0) as tickets_count,
        customers.net_revenue as revenue_to_date,
        customers.gross_margin as gross_margin_to_date,
        {{ to_money(
            'customers.shipping_cost
            + customers.returned_orders_count * ' ~ var('cost_per_return') ~ '
            + coalesce(tickets.tickets_count, 0) * ' ~ var('cost_per_ticket')
        ) }} as cost_to_serve,
        {{ to_money('customers.net_revenue / customers.orders_count') }} as average_order_value,
        cast(
            customers.orders_count * {{ var('days_per_year') }}
            / greatest(customers.tenure_days, {{ var('days_per_year') | int }}) as {{ type_double() }}
        ) as orders_per_year
    from customers
    left join tickets
        on customers.customer_id = tickets.customer_id and customers.as_of_date = tickets.as_of_date

),

profit_computed as (

    select
        *,
        {{ to_money('gross_margin_to_date - cost_to_serve') }} as profit_to_date
    from history_computed

)

select * from profit_computed

{#
    Historical value to date and predicted value over the horizon, per
    customer with a purchase. Profit = gross margin - cost to serve, where
    cost to serve = shipping + returns x var('cost_per_return') + tickets x
    var('cost_per_ticket'). Predictions: see the clv_method doc.
#}
with

customers as (

    select * from {{ ref('int_orders_aggregated_to_customers') }}
    where orders_count > 0

),

tickets as (

    select * from {{ ref('int_tickets_aggregated_to_customers') }}

),

predictions as (

    select * from {{ ref('int_clv_predictions') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

history_computed as (

    select
        customers.customer_id,
        as_of.as_of_date,
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
        cast(customers.orders_count * 365.0 / greatest(customers.tenure_days, 365) as {{ type_double() }})
            as orders_per_year
    from customers
    cross join as_of
    left join tickets
        on customers.customer_id = tickets.customer_id

),

final as (

    select
        history_computed.*,
        {{ to_money('history_computed.gross_margin_to_date - history_computed.cost_to_serve') }}
            as profit_to_date,
        predictions.frequency as repeat_transactions,
        predictions.recency as recency_periods,
        predictions.t as age_periods,
        predictions.expected_purchases,
        predictions.probability_alive,
        {{ to_money('predictions.expected_average_value') }} as expected_average_value,
        {{ to_money('predictions.predicted_clv') }} as predicted_clv
    from history_computed
    left join predictions
        on history_computed.customer_id = predictions.customer_id

)

select * from final

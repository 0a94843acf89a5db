{#
    Historical value to date (int_customers_value_history) and predicted
    value over the horizon (int_clv_predictions), the churn probability and
    the expected next order date, per customer with a purchase and as-of
    date. See the clv_method and churn_method docs.
#}
{{ config(tags=['per_as_of'], materialized=view_in_a_backfill()) }}
with

history as (

    select * from {{ ref('int_customers_value_history') }}

),

predictions as (

    select * from {{ ref('int_clv_predictions') }}

),

final as (

    select
        history.customer_id,
        history.as_of_date,
        history.first_order_date,
        history.last_order_date,
        history.tenure_days,
        history.orders_count,
        history.returned_orders_count,
        history.tickets_count,
        history.revenue_to_date,
        history.gross_margin_to_date,
        history.cost_to_serve,
        history.average_order_value,
        history.orders_per_year,
        history.profit_to_date,
        predictions.frequency as repeat_transactions,
        predictions.recency as recency_periods,
        predictions.t as age_periods,
        predictions.expected_purchases,
        predictions.probability_alive,
        {{ to_money('predictions.expected_average_value') }} as expected_average_value,
        {{ to_money('predictions.predicted_clv') }} as predicted_clv,
        predictions.churn_probability,
        predictions.expected_next_order_date,
        predictions.expected_next_order_status
    from history
    left join predictions
        on history.customer_id = predictions.customer_id and history.as_of_date = predictions.as_of_date

)

select * from final

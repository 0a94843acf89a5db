{#
    One row per valid order up to the as-of date: revenue, cost, margin,
    returns. A view over int_orders_enriched (itself int_orders_valid cut at
    the as-of date): the order facts, millions of rows, are stored once, in
    int_orders_valid; BI reads this view like a table, with its contract.
#}
{{ config(materialized='view') }}
with

orders as (

    select * from {{ ref('int_orders_enriched') }}

),

final as (

    select
        order_id,
        customer_id,
        ordered_at,
        ordered_date,
        order_status,
        order_channel,
        currency_code,
        fx_rate,
        is_cancelled,
        is_returned,
        refunds_order_id,
        is_purchase,
        is_refund,
        gross_revenue,
        returned_revenue,
        net_revenue,
        cost_of_goods,
        gross_margin,
        shipping_cost,
        is_cost_estimated,
        line_count,
        units,
        category_count
    from orders

)

select * from final

{#
    Every staged order line with its amounts in the reporting currency, at
    its order's rate; lines of an order that is not valid (not in
    int_orders_valid) are `unknown_order`, implausible lines `out_of_range`
    or `line_exceeds_order` (line_problem: the same rule keeps them out of
    int_orders_valid's costs and line counts).

    A view: its readers (category breadth, the quarantine, the
    reconciliation) each need one pass over the lines, cheaper than storing
    every line once more.
#}
{{ config(materialized='view') }}

with

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

orders as (

    select
        order_id,
        fx_rate,
        gross_revenue
    from {{ ref('int_orders_valid') }}

),

{#- Amounts of the plausible lines only: an absurd one could overflow. #}
{%- set problem %}
    case
        when orders.order_id is null then 'unknown_order'
        else {{ line_problem('order_items', 'products', 'orders.fx_rate', 'orders.gross_revenue') }}
    end
{%- endset %}

rules_applied as (

    select
        order_items.order_id,
        order_items.line_number,
        order_items.product_id,
        {{ line_category('order_items', 'products') }} as category,
        order_items.quantity,
        case
            when ({{ problem }}) is null then {{ line_amount_reporting('order_items', 'orders.fx_rate') }}
        end as line_amount_reporting,
        case
            when ({{ problem }}) is null then {{ line_cost_reporting('order_items', 'products', 'orders.fx_rate') }}
        end as line_cost_reporting,
        {{ problem }} as quarantine_reason,
        order_items._source_row
    from order_items
    left join orders
        on order_items.order_id = orders.order_id
    left join products
        on order_items.product_id = products.product_id

)

select * from rules_applied

{#
    Every staged order with its amounts in the reporting currency and the
    cross-table rule it breaks, if any. Rules, in order:
    unknown_currency (no rate ever given for it), missing_fx_rate (no rate on
    the order date), test_account (placed by a quarantined test account),
    unknown_customer (not in the CRM; only checked when a CRM customer table
    was provided), absurd_amount (its amount, a refund's too, its returned
    amount or shipping cost above var('max_order_amount')), unknown_refunded_order (a refund naming in refunds_order_id
    an order that is not among the customer's staged orders).

    A view: its two readers (int_orders_valid, which stores the valid orders,
    and the quarantine, which wants the few rejected ones) each need one pass,
    cheaper than storing every order once more.
#}
{{ config(materialized='view') }}

with

{# Read by three steps below; inlined in each (materialising every order
    once more costs more than scanning it). #}
orders as {{ materialized_cte(false) }} (

    select * from {{ ref('stg_shop__orders') }}

),

fx_rates as (

    select * from {{ ref('stg_finance__fx_rates') }}

),

customers as (

    select customer_id from {{ ref('stg_crm__customers') }}

),

test_accounts as (

    select customer_id from {{ ref('stg_crm__test_accounts') }}

),

known_currencies as (

    select distinct currency_code from fx_rates

),

crm_size as (

    select count(*) as crm_customers from customers

),

{# The few orders a refund names (a semi-join: the named ids are the small
    side, so no hash table of every order is built), then each naming
    refund checked against its order. #}
refunded_orders as (

    select
        orders.order_id,
        orders.customer_id
    from orders
    where
        orders.order_id in (select naming.refunds_order_id from orders as naming)
        and not orders.is_refund

),

refund_links as (

    select
        refunds.order_id,
        refunded_orders.order_id is not null as is_link_known
    from orders as refunds
    left join refunded_orders
        on
            refunds.refunds_order_id = refunded_orders.order_id
            and refunds.customer_id = refunded_orders.customer_id
    where refunds.refunds_order_id is not null

),

orders_converted as (

    select
        orders.*,
        {{ fx_rate('orders.currency_code', 'fx_rates') }} as fx_rate
    from orders
    left join fx_rates
        on {{ fx_rate_valid_on('fx_rates', 'orders.currency_code', 'orders.ordered_date') }}

),

rules_applied as (

    select
        orders_converted.*,
        {{ converted_money('orders_converted.gross_amount', 'orders_converted.fx_rate') }} as gross_amount_reporting,
        {{ converted_money('orders_converted.returned_amount', 'orders_converted.fx_rate') }} as returned_amount_reporting,
        {{ converted_money('orders_converted.shipping_cost', 'orders_converted.fx_rate') }} as shipping_cost_reporting,
        case
            {{ currency_rules('orders_converted.fx_rate', 'orders_converted.currency_code', 'known_currencies') }}
            {{ customer_rules('orders_converted.customer_id', 'customers', 'test_accounts', 'crm_size') }}
            when
                {{ converted_money('orders_converted.gross_amount', 'orders_converted.fx_rate') }} is null
                or {{ converted_money('orders_converted.returned_amount', 'orders_converted.fx_rate') }} is null
                or {{ converted_money('orders_converted.shipping_cost', 'orders_converted.fx_rate') }} is null
                then 'absurd_amount'
            when not refund_links.is_link_known then 'unknown_refunded_order'
        end as quarantine_reason
    from orders_converted
    cross join crm_size
    left join refund_links
        on orders_converted.order_id = refund_links.order_id
    left join known_currencies
        on orders_converted.currency_code = known_currencies.currency_code
    left join test_accounts
        on orders_converted.customer_id = test_accounts.customer_id
    left join customers
        on orders_converted.customer_id = customers.customer_id

)

select * from rules_applied

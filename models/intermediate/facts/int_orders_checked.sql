{#
    Every staged order with its amounts in the reporting currency and the
    cross-table rule it breaks, if any. Rules, in order:
    unknown_currency (no rate ever given for it), missing_fx_rate (no rate on
    the order date), test_account (placed by a quarantined test account),
    unknown_customer (not in the CRM; only checked when a CRM customer table
    was provided), absurd_amount (its amount, a refund's too, its returned
    amount or shipping cost above var('max_order_amount')), unknown_refunded_order (a refund naming in refunds_order_id
    an order that is not among the customer's staged orders),
    refund_of_cancelled_order (naming a cancelled order, which paid nothing),
    refund_exceeds_order (the refunds naming an order, in date order, pay
    back more than it paid: its amount less what was returned; from the
    first refund beyond it on). A refund naming no order cannot be checked:
    its purchase may predate the data.

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
    side, so no hash table of every order is built), with what each paid:
    its amount less what was returned (nothing when cancelled). #}
refunded_orders as (

    select
        orders.order_id,
        orders.customer_id,
        orders.currency_code,
        orders.is_cancelled,
        case when orders.is_cancelled then 0 else orders.gross_amount - orders.returned_amount end as paid_amount,
        {{ fx_rate('orders.currency_code', 'fx_rates') }} as fx_rate
    from orders
    left join fx_rates
        on {{ fx_rate_valid_on('fx_rates', 'orders.currency_code', 'orders.ordered_date') }}
    where
        orders.order_id in (select naming.refunds_order_id from orders as naming)
        and not orders.is_refund

),

refunds as (

    select
        orders.order_id,
        orders.customer_id,
        orders.refunds_order_id,
        orders.ordered_at,
        orders.currency_code,
        orders.returned_amount,
        orders._source_row,
        {{ fx_rate('orders.currency_code', 'fx_rates') }} as fx_rate
    from orders
    left join fx_rates
        on {{ fx_rate_valid_on('fx_rates', 'orders.currency_code', 'orders.ordered_date') }}
    where orders.refunds_order_id is not null

),

{# Each naming refund checked against its order: the refunds of an order,
    in date order, may pay back what it paid and no more (in the order's
    currency; a refund in another is converted at both dates' rates). #}
refund_links as (

    select
        refunds.order_id,
        refunded_orders.order_id is not null as is_link_known,
        refunded_orders.is_cancelled as is_refund_of_cancelled,
        sum(
            case
                when refunds.currency_code = refunded_orders.currency_code then refunds.returned_amount
                else {{ to_money(
                    'cast(refunds.returned_amount as ' ~ type_double() ~ ') * refunds.fx_rate / refunded_orders.fx_rate'
                ) }}
            end
        ) over (
            partition by refunded_orders.order_id
            order by refunds.ordered_at, refunds._source_row
            rows between unbounded preceding and current row
        ) > refunded_orders.paid_amount as is_beyond_paid
    from refunds
    left join refunded_orders
        on
            refunds.refunds_order_id = refunded_orders.order_id
            and refunds.customer_id = refunded_orders.customer_id

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
        {{ converted_money('orders_converted.returned_amount', 'orders_converted.fx_rate') }}
            as returned_amount_reporting,
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
            when refund_links.is_refund_of_cancelled then 'refund_of_cancelled_order'
            when refund_links.is_beyond_paid then 'refund_exceeds_order'
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

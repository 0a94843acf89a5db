{#
    One row per raw row that did not reach the clean layer as it arrived:
    rejected rows (excluded, with the first rule they broke) and repaired
    rows (kept with the bad value nulled). Row-level rules come from the
    base_ staging models, cross-table rules from the *_checked models.
#}
with

row_level as (

    {{ quarantined_rows('base_crm__customers', 'crm.customers', ['customer_id'], has_repairs=true) }}
    union all
    {{ quarantined_rows('base_crm__leads', 'crm.leads', ['lead_id']) }}
    union all
    {{ quarantined_rows('base_crm__wallet_estimates', 'crm.wallet_estimates', ['customer_id']) }}
    union all
    {{ quarantined_rows('base_crm__sales_reps', 'crm.sales_reps', ['rep_id']) }}
    union all
    {{ quarantined_rows('base_shop__orders', 'shop.orders', ['order_id']) }}
    union all
    {{ quarantined_rows('base_shop__order_items', 'shop.order_items', ['order_id', 'line_number']) }}
    union all
    {{ quarantined_rows('base_shop__products', 'shop.products', ['product_id']) }}
    union all
    {{ quarantined_rows('base_web__events', 'web.events', ['event_id']) }}
    union all
    {{ quarantined_rows('base_billing__invoices', 'billing.invoices', ['invoice_id']) }}
    union all
    {{ quarantined_rows('base_support__tickets', 'support.tickets', ['ticket_id']) }}
    union all
    {{ quarantined_rows('base_finance__fx_rates', 'finance.fx_rates', ['currency_code', 'rate_date']) }}

),

base_orders as (

    select * from {{ ref('base_shop__orders') }}
    where duplicate_rank = 1

),

base_order_items as (

    select * from {{ ref('base_shop__order_items') }}
    where duplicate_rank = 1

),

orders_rejected as (

    select
        'shop.orders' as source_table,
        orders_checked.order_id as raw_key,
        base_orders._source_row as source_row_number,
        orders_checked.quarantine_reason as reason_code,
        'rejected' as disposition,
        'int_orders_checked' as detected_in,
        base_orders.raw_values
    from {{ ref('int_orders_checked') }} as orders_checked
    inner join base_orders
        on orders_checked.order_id = base_orders.order_id
    where orders_checked.quarantine_reason is not null

),

order_items_rejected as (

    select
        'shop.order_items' as source_table,
        {{ raw_key(['items_checked.order_id', 'items_checked.line_number']) }} as raw_key,
        base_order_items._source_row as source_row_number,
        items_checked.quarantine_reason as reason_code,
        'rejected' as disposition,
        'int_order_items_checked' as detected_in,
        base_order_items.raw_values
    from {{ ref('int_order_items_checked') }} as items_checked
    inner join base_order_items
        on
            items_checked.order_id = base_order_items.order_id
            and items_checked.line_number = base_order_items.line_number
    where items_checked.quarantine_reason is not null

),

unioned as (

    select * from row_level
    union all
    select * from orders_rejected
    union all
    select * from order_items_rejected

)

select * from unioned

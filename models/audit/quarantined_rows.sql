{#
    One row per raw row that did not reach the clean layer as it arrived:
    rejected rows (excluded, with the first rule they broke) and repaired
    rows (kept with the bad value nulled). Row-level rules come from the
    base_ staging models, cross-table rules from the *_checked models; the
    raw values come from the raw rows, looked up by row number.
#}
with

{%- for table_name, spec in raw_tables().items() %}

{{ table_name }}_row_level as (

    {{ quarantined_rows(
        table_name,
        ref('base_' ~ spec.source ~ '__' ~ table_name),
        'base_' ~ spec.source ~ '__' ~ table_name,
        key_columns=['currency_code', 'rate_date'] if table_name == 'fx_rates' else none,
        repair_column='repair_reason' if table_name == 'customers' else none,
    ) }}

),
{%- endfor %}

orders_rejected_by_rules as (

    select
        rejected.order_id,
        rejected.quarantine_reason,
        base_orders._source_row
    from {{ ref('int_orders_checked') }} as rejected
    inner join {{ ref('base_shop__orders') }} as base_orders
        on rejected.order_id = base_orders.order_id
    where rejected.quarantine_reason is not null and base_orders.duplicate_rank = 1

),

order_items_rejected_by_rules as (

    select
        rejected.order_id,
        rejected.line_number,
        rejected.quarantine_reason,
        base_items._source_row
    from {{ ref('int_order_items_checked') }} as rejected
    inner join {{ ref('base_shop__order_items') }} as base_items
        on
            rejected.order_id = base_items.order_id
            and rejected.line_number = base_items.line_number
    where rejected.quarantine_reason is not null and base_items.duplicate_rank = 1

),

orders_rejected as (

    {{ quarantined_rows('orders', 'orders_rejected_by_rules', 'int_orders_checked') }}

),

order_items_rejected as (

    {{ quarantined_rows('order_items', 'order_items_rejected_by_rules', 'int_order_items_checked') }}

),

unioned as (

    {%- for table_name in raw_tables() %}
    select * from {{ table_name }}_row_level
    union all
    {%- endfor %}
    select * from orders_rejected
    union all
    select * from order_items_rejected

)

select * from unioned

{#
    Every raw order row, typed, with the first row-level rule it breaks
    (quarantine_reason) and its rank among rows with the same order_id.
    Cross-table rules (customer known, currency known) run later in
    int_orders_checked.
#}
{%- set columns = [
    'order_id', 'customer_id', 'ordered_at', 'amount', 'status', 'currency',
    'returned_amount', 'shipping_cost', 'channel',
] -%}

with

source as (

    {{ select_raw('shop', 'orders', columns, required=['order_id', 'customer_id', 'ordered_at', 'amount']) }}

),

typed as (

    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp('ordered_at') }} as ordered_at,
        {{ parse_decimal('amount') }} as amount,
        coalesce(lower({{ clean_text('status') }}), 'completed') as order_status,
        coalesce(upper({{ clean_text('currency') }}), '{{ var("reporting_currency") }}') as currency_code,
        {{ parse_decimal('returned_amount') }} as returned_amount,
        coalesce({{ parse_decimal('shipping_cost') }}, 0) as shipping_cost,
        lower({{ clean_text('channel') }}) as order_channel,
        {{ clean_text('ordered_at') }} as ordered_at_text,
        {{ clean_text('amount') }} as amount_text,
        {{ clean_text('returned_amount') }} as returned_amount_text,
        _source_row,
        _has_invalid_encoding,
        {{ row_to_json(columns) }} as raw_values
    from source

),

rules_applied as (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when order_id is null or customer_id is null then 'missing_key'
            when ordered_at is null then 'invalid_timestamp'
            when amount is null then 'invalid_number'
            when returned_amount is null and returned_amount_text is not null then 'invalid_number'
            when ordered_at > {{ future_date_cutoff() }} then 'future_date'
            when amount < 0 then 'non_positive_amount'
            when amount = 0 and {{ var('quarantine_zero_amount_orders') }} then 'non_positive_amount'
            when order_status not in ('completed', 'cancelled', 'returned') then 'invalid_status'
            when returned_amount < 0 or returned_amount > amount then 'invalid_returned_amount'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    select
        *,
        {{ duplicate_rank(['order_id']) }} as duplicate_rank
    from rules_applied

)

select * from duplicates_ranked

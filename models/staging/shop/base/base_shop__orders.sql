{#
    Every raw order row, typed, with the first row-level rule it breaks
    (quarantine_reason) and its rank among rows with the same order_id.
    Cross-table rules (customer known, currency known) run later in
    int_orders_checked. Kept fast at scale: plain values take the fast cast
    (see parse_decimal), and only keys that repeat are ranked.
#}
{{ config(
    materialized=incremental_materialization(),
    unique_key='_source_row',
    incremental_strategy='delete+insert',
    tags=['facts']
) }}
with

source as (

    select * from {{ ref('base_shop__orders_raw') }}
    {{ raw_rows_to_parse(
        'orders',
        [clean_text('order_id')],
        ['order_id'],
        'ordered_at'
    ) }}

),

typed as (

    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp('ordered_at', earliest=none) }} as ordered_at,
        {{ typed_number('orders', 'amount') }},
        {{ order_status('status') }} as order_status,
        coalesce(upper({{ clean_text('currency') }}), '{{ var("reporting_currency") }}') as currency_code,
        {{ typed_number('orders', 'returned_amount') }},
        {{ typed_number('orders', 'shipping_cost') }},
        {{ clean_text('shipping_cost') }} is not null as has_shipping_cost,
        lower({{ clean_text('channel') }}) as order_channel,
        {{ clean_text('refunds_order_id') }} as refunds_order_id,
        {{ clean_text('returned_amount') }} as returned_amount_text,
        _source_row,
        _has_invalid_encoding
    from source

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when order_id is null or customer_id is null then 'missing_key'
            when ordered_at is null then 'invalid_timestamp'
            when {{ is_before_earliest_date('ordered_at') }} then 'date_before_earliest'
            when
                {{ out_of_range('orders', 'amount') }}
                or {{ out_of_range('orders', 'returned_amount') }}
                then 'out_of_range'
            when amount is null then 'invalid_number'
            when returned_amount is null and returned_amount_text is not null then 'invalid_number'
            when ordered_at > {{ future_date_cutoff() }} then 'future_date'
            {# A refund's amount may be negative or positive (money paid back);
                it has no returned_amount of its own. #}
            when order_status = 'refund'
                then
                    case
                        when amount = 0 then 'non_positive_amount'
                        when returned_amount_text is not null then 'invalid_returned_amount'
                    end
            when amount < 0 then 'non_positive_amount'
            when amount = 0 and {{ var('quarantine_zero_amount_orders') }} then 'non_positive_amount'
            when order_status not in ('completed', 'cancelled', 'returned') then 'invalid_status'
            when returned_amount < 0 or returned_amount > amount then 'invalid_returned_amount'
        end as quarantine_reason,
        case
            when {{ out_of_range('orders', 'shipping_cost') }} then 'out_of_range'
            when {{ is_unusable_number('has_shipping_cost', 'shipping_cost') }} then 'invalid_optional_number'
        end as repair_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['order_id']) }}

),

final as (

    select
        rules_applied.order_id,
        rules_applied.customer_id,
        rules_applied.ordered_at,
        rules_applied.amount,
        rules_applied.order_status,
        rules_applied.currency_code,
        rules_applied.returned_amount,
        {{ usable_number('rules_applied', 'orders', 'shipping_cost') }} as shipping_cost,
        rules_applied.order_channel,
        rules_applied.refunds_order_id,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        rules_applied.repair_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final

{# Every raw invoice row, typed, with the first rule it breaks and its duplicate rank. #}
with

source as (

    select * from {{ ref('base_billing__invoices_raw') }}

),

typed as (

    select
        {{ clean_text('invoice_id') }} as invoice_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('order_id') }} as order_id,
        {{ parse_date('issued_date', earliest=none) }} as issued_date,
        {{ parse_date('due_date', earliest=none) }} as due_date,
        {{ parse_date('paid_date', earliest=none) }} as paid_date,
        {{ clean_text('paid_date') }} as paid_date_text,
        {{ typed_number('invoices', 'amount') }},
        coalesce(upper({{ clean_text('currency') }}), '{{ var("reporting_currency") }}') as currency_code,
        _source_row,
        _has_invalid_encoding
    from source

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when invoice_id is null or customer_id is null then 'missing_key'
            when issued_date is null or due_date is null then 'invalid_timestamp'
            when paid_date is null and paid_date_text is not null then 'invalid_timestamp'
            when
                {{ is_before_earliest_date('issued_date') }}
                or {{ is_before_earliest_date('due_date') }}
                or {{ is_before_earliest_date('paid_date') }}
                then 'date_before_earliest'
            when {{ out_of_range('invoices', 'amount') }} then 'out_of_range'
            when amount is null then 'invalid_number'
            when amount < 0 then 'non_positive_amount'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['invoice_id']) }}

),

final as (

    select
        rules_applied.invoice_id,
        rules_applied.customer_id,
        rules_applied.order_id,
        rules_applied.issued_date,
        rules_applied.due_date,
        rules_applied.paid_date,
        rules_applied.amount,
        rules_applied.currency_code,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final

{%- set columns = [
    'invoice_id', 'customer_id', 'order_id', 'issued_date', 'due_date',
    'paid_date', 'amount', 'currency',
] -%}

with

source as (

    {{ select_raw('billing', 'invoices', columns, required=['invoice_id', 'customer_id', 'due_date', 'amount']) }}

),

typed as (

    select
        {{ clean_text('invoice_id') }} as invoice_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('order_id') }} as order_id,
        {{ parse_date('issued_date') }} as issued_date,
        {{ parse_date('due_date') }} as due_date,
        {{ parse_date('paid_date') }} as paid_date,
        {{ clean_text('paid_date') }} as paid_date_text,
        {{ parse_decimal('amount') }} as amount,
        coalesce(upper({{ clean_text('currency') }}), '{{ var("reporting_currency") }}') as currency_code,
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
            when invoice_id is null or customer_id is null then 'missing_key'
            when due_date is null then 'invalid_timestamp'
            when paid_date is null and paid_date_text is not null then 'invalid_timestamp'
            when amount is null then 'invalid_number'
            when amount < 0 then 'non_positive_amount'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    select
        *,
        {{ duplicate_rank(['invoice_id']) }} as duplicate_rank
    from rules_applied

)

select * from duplicates_ranked

{%- set columns = ['customer_id', 'estimated_annual_spend', 'currency', 'estimated_at'] -%}

with

source as (

    {{ select_raw('crm', 'wallet_estimates', columns, required=['customer_id', 'estimated_annual_spend']) }}

),

typed as (

    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_decimal('estimated_annual_spend') }} as estimated_annual_spend,
        coalesce(upper({{ clean_text('currency') }}), '{{ var("reporting_currency") }}') as currency_code,
        {{ parse_date('estimated_at') }} as estimated_date,
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
            when customer_id is null then 'missing_key'
            when estimated_annual_spend is null then 'invalid_number'
            when estimated_annual_spend < 0 then 'non_positive_amount'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    select
        *,
        {{ duplicate_rank(['customer_id']) }} as duplicate_rank
    from rules_applied

)

select * from duplicates_ranked

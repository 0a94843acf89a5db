{%- set columns = ['currency', 'rate_date', 'rate_to_reporting'] -%}

with

source as (

    {{ select_raw('finance', 'fx_rates', columns, required=['currency', 'rate_date', 'rate_to_reporting']) }}

),

typed as (

    select
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_date('rate_date') }} as rate_date,
        {{ parse_decimal('rate_to_reporting', scale=8) }} as rate_to_reporting,
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
            when currency_code is null then 'missing_key'
            when rate_date is null then 'invalid_timestamp'
            when rate_to_reporting is null then 'invalid_number'
            when rate_to_reporting <= 0 then 'non_positive_amount'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    select
        *,
        {{ duplicate_rank(['currency_code', 'rate_date']) }} as duplicate_rank
    from rules_applied

)

select * from duplicates_ranked

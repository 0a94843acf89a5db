{# Every raw FX rate row, typed, with the first rule it breaks and its duplicate rank. #}
with

source as (

    select * from {{ ref('base_finance__fx_rates_raw') }}

),

typed as (

    select
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_date('rate_date', earliest=none) }} as rate_date,
        {{ typed_number('fx_rates', 'rate_to_reporting') }},
        _source_row,
        _has_invalid_encoding
    from source

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when currency_code is null then 'missing_key'
            when rate_date is null then 'invalid_timestamp'
            when {{ is_before_earliest_date('rate_date') }} then 'date_before_earliest'
            when {{ out_of_range('fx_rates', 'rate_to_reporting') }} then 'out_of_range'
            when rate_to_reporting is null then 'invalid_number'
            when rate_to_reporting <= 0 then 'non_positive_amount'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['currency_code', 'rate_date']) }}

),

final as (

    select
        rules_applied.currency_code,
        rules_applied.rate_date,
        rules_applied.rate_to_reporting,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final

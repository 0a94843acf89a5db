{# Every raw wallet estimate row, typed, with the first rule it breaks and its duplicate rank. #}
with

source as (

    select * from {{ ref('base_crm__wallet_estimates_raw') }}

),

typed as (

    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ typed_number('wallet_estimates', 'estimated_annual_spend') }},
        coalesce(upper({{ clean_text('currency') }}), '{{ var("reporting_currency") }}') as currency_code,
        {{ parse_date('estimated_at') }} as estimated_date,
        _source_row,
        _has_invalid_encoding
    from source

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when customer_id is null then 'missing_key'
            when {{ out_of_range('wallet_estimates', 'estimated_annual_spend') }} then 'out_of_range'
            when estimated_annual_spend is null then 'invalid_number'
            when estimated_annual_spend < 0 then 'non_positive_amount'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['customer_id']) }}

),

final as (

    select
        rules_applied.customer_id,
        rules_applied.estimated_annual_spend,
        rules_applied.currency_code,
        rules_applied.estimated_date,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final

{# Every raw sales rep row, typed, with the first rule it breaks and its duplicate rank. #}
with

source as (

    select * from {{ ref('base_crm__sales_reps_raw') }}

),

typed as (

    select
        {{ clean_text('rep_id') }} as rep_id,
        {{ clean_text('region') }} as region,
        {{ typed_number('sales_reps', 'capacity_accounts') }},
        coalesce({{ parse_boolean('is_active') }}, true) as is_active,
        _source_row,
        _has_invalid_encoding
    from source

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when rep_id is null then 'missing_key'
            when {{ out_of_range('sales_reps', 'capacity_accounts') }} then 'out_of_range'
            when capacity_accounts is null then 'invalid_number'
            when capacity_accounts <= 0 then 'non_positive_amount'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['rep_id']) }}

),

final as (

    select
        rules_applied.rep_id,
        rules_applied.region,
        rules_applied.capacity_accounts,
        rules_applied.is_active,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final

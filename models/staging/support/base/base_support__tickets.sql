{# Every raw ticket row, typed, with the first rule it breaks and its duplicate rank. #}
with

source as (

    select * from {{ ref('base_support__tickets_raw') }}

),

typed as (

    select
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp('opened_at', earliest=none) }} as opened_at,
        {{ parse_timestamp('closed_at', earliest=none) }} as closed_at,
        {{ clean_text('closed_at') }} as closed_at_text,
        coalesce(lower({{ clean_text('category') }}), 'other') as ticket_category,
        {{ typed_number('tickets', 'satisfaction_score') }},
        {{ clean_text('satisfaction_score') }} is not null as has_satisfaction_score,
        _source_row,
        _has_invalid_encoding
    from source

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when ticket_id is null or customer_id is null then 'missing_key'
            when opened_at is null then 'invalid_timestamp'
            when closed_at is null and closed_at_text is not null then 'invalid_timestamp'
            when
                {{ is_before_earliest_date('opened_at') }}
                or {{ is_before_earliest_date('closed_at') }}
                then 'date_before_earliest'
            when {{ out_of_range('tickets', 'satisfaction_score') }} or satisfaction_score < 1 then 'out_of_range'
        end as quarantine_reason,
        case
            when {{ is_unusable_number('has_satisfaction_score', 'satisfaction_score') }} then 'invalid_optional_number'
        end as repair_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['ticket_id']) }}

),

final as (

    select
        rules_applied.ticket_id,
        rules_applied.customer_id,
        rules_applied.opened_at,
        rules_applied.closed_at,
        rules_applied.ticket_category,
        rules_applied.satisfaction_score,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        rules_applied.repair_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final

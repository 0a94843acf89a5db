{# Every raw web / app event row, typed, with the first rule it breaks and its duplicate rank. #}
{{ config(
    materialized=incremental_materialization(),
    unique_key='_source_row',
    incremental_strategy='delete+insert',
    tags=['facts']
) }}
with

source as (

    select * from {{ ref('base_web__events_raw') }}
    {{ raw_rows_to_parse(
        'events',
        [clean_text('event_id')],
        ['event_id'],
        'occurred_at'
    ) }}

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

typed as (

    select
        {{ clean_text('source.event_id') }} as event_id,
        {{ clean_text('source.customer_id') }} as customer_id,
        lower({{ clean_text('source.event_type') }}) as event_type,
        {{ clean_text('source.product_id') }} as product_id,
        {{ parse_timestamp('source.occurred_at', earliest=none) }} as occurred_at,
        coalesce(lower({{ clean_text('source.device') }}), 'unknown') as device,
        country_aliases.country_code,
        {{ clean_text('source.city') }} as city,
        source._source_row,
        source._has_invalid_encoding
    from source
    left join country_aliases
        on upper({{ clean_text('source.country') }}) = country_aliases.country_alias

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when event_id is null then 'missing_key'
            when occurred_at is null then 'invalid_timestamp'
            when {{ is_before_earliest_date('occurred_at') }} then 'date_before_earliest'
            when occurred_at > {{ future_date_cutoff() }} then 'future_date'
            when event_type not in ('view', 'add_to_cart', 'favorite', 'checkout', 'purchase')
                then 'invalid_event_type'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['event_id']) }}

),

final as (

    select
        rules_applied.event_id,
        rules_applied.customer_id,
        rules_applied.event_type,
        rules_applied.product_id,
        rules_applied.occurred_at,
        rules_applied.device,
        rules_applied.country_code,
        rules_applied.city,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final

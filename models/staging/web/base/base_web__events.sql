{%- set columns = [
    'event_id', 'customer_id', 'event_type', 'product_id', 'occurred_at',
    'device', 'country', 'city',
] -%}

with

source as (

    {{ select_raw('web', 'events', columns, required=['event_id', 'event_type', 'occurred_at']) }}

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
        {{ parse_timestamp('source.occurred_at') }} as occurred_at,
        coalesce(lower({{ clean_text('source.device') }}), 'unknown') as device,
        country_aliases.country_code,
        {{ clean_text('source.city') }} as city,
        source._source_row,
        source._has_invalid_encoding,
        {{ row_to_json(columns) }} as raw_values
    from source
    left join country_aliases
        on upper({{ clean_text('source.country') }}) = country_aliases.country_alias

),

rules_applied as (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when event_id is null then 'missing_key'
            when occurred_at is null then 'invalid_timestamp'
            when occurred_at > {{ future_date_cutoff() }} then 'future_date'
            when event_type not in ('view', 'add_to_cart', 'favorite', 'checkout', 'purchase')
                then 'invalid_event_type'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    select
        *,
        {{ duplicate_rank(['event_id']) }} as duplicate_rank
    from rules_applied

)

select * from duplicates_ranked

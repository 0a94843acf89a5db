{%- set columns = [
    'ticket_id', 'customer_id', 'opened_at', 'closed_at', 'category', 'satisfaction_score',
] -%}

with

source as (

    {{ select_raw('support', 'tickets', columns, required=['ticket_id', 'customer_id', 'opened_at']) }}

),

typed as (

    select
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp('opened_at') }} as opened_at,
        {{ parse_timestamp('closed_at') }} as closed_at,
        {{ clean_text('closed_at') }} as closed_at_text,
        coalesce(lower({{ clean_text('category') }}), 'other') as ticket_category,
        {{ parse_integer('satisfaction_score') }} as satisfaction_score,
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
            when ticket_id is null or customer_id is null then 'missing_key'
            when opened_at is null then 'invalid_timestamp'
            when closed_at is null and closed_at_text is not null then 'invalid_timestamp'
            when satisfaction_score not between 1 and 5 then 'out_of_range'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    select
        *,
        {{ duplicate_rank(['ticket_id']) }} as duplicate_rank
    from rules_applied

)

select * from duplicates_ranked

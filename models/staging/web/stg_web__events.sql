with

events as (

    select * from {{ ref('base_web__events') }}
    where quarantine_reason is null and duplicate_rank = 1

),

renamed as (

    select
        event_id,
        customer_id,
        event_type,
        product_id,
        occurred_at,
        cast(occurred_at as date) as occurred_date,
        case when device in ('ios', 'android', 'web') then device else 'other' end as device,
        country_code,
        city,
        _source_row
    from events

)

select * from renamed

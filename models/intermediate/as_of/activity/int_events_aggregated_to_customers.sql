{#
    One row per known customer with events up to the as-of date (per as-of
    date): event
    counts and the preferred device (most events; ties go to the device
    name first in alphabetical order, so the choice is stable).
#}
with

events as (

    select * from {{ ref('int_events_checked') }}
    where quarantine_reason is null and customer_id is not null

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

events_as_of as (

    select
        events.*,
        as_of.as_of_date
    from events
    inner join as_of
        on events.occurred_date <= as_of.as_of_date

),

devices_ranked as (

    select
        customer_id,
        as_of_date,
        device,
        count(*) as device_events,
        row_number() over (partition by customer_id, as_of_date order by count(*) desc, device) as device_rank
    from events_as_of
    group by customer_id, as_of_date, device

),

events_aggregated_to_customers as (

    select
        customer_id,
        as_of_date,
        count(*) as events_count,
        max(occurred_at) as last_event_at
    from events_as_of
    group by customer_id, as_of_date

),

final as (

    select
        events_aggregated_to_customers.*,
        devices_ranked.device as preferred_device
    from events_aggregated_to_customers
    left join devices_ranked
        on
            events_aggregated_to_customers.customer_id = devices_ranked.customer_id
            and events_aggregated_to_customers.as_of_date = devices_ranked.as_of_date
            and devices_ranked.device_rank = 1

)

select * from final

{#
    segment_outcomes never zero-fills a period without its next period: the
    history's last period has no rows, every row's next period is the period
    after its own (one var('history_period') later) and is held by the
    history with the as-of date the row names, and a next period counted to
    a day before its end is flagged not complete. Fails for each row that
    breaks one of these.
#}
with

outcomes as (

    select * from {{ ref('segment_outcomes') }}

),

history_periods as (

    select
        period_start,
        max(as_of_date) as as_of_date
    from {{ ref('customer_segment_history') }}
    group by period_start

)

select
    outcomes.period_start,
    outcomes.scheme,
    outcomes.tier,
    outcomes.next_period_start,
    outcomes.next_period_as_of_date,
    outcomes.is_next_period_complete,
    held_next.as_of_date as held_next_as_of_date
from outcomes
left join history_periods as held_next
    on outcomes.next_period_start = held_next.period_start
where
    outcomes.period_start = (select max(history_periods.period_start) from history_periods)
    or held_next.period_start is null
    or outcomes.next_period_start
    <> cast({{ dbt.dateadd(var('history_period'), 1, 'outcomes.period_start') }} as date)
    or outcomes.next_period_as_of_date <> held_next.as_of_date
    or outcomes.is_next_period_complete <> (
        outcomes.next_period_as_of_date = cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd(var('history_period'), 1, 'outcomes.next_period_start')) }} as date
        )
    )

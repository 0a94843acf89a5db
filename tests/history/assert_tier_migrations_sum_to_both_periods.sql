{#
    For every period and scheme of tier_migrations, the moves out of a tier
    ('(new)' aside) add up to the scheme's customers of the previous period,
    and the moves into a tier ('(lost)' aside) to those of this period, as
    segment_summary counts them. Fails for each period and scheme where a
    side does not add up.
#}
with

migrations as (

    select * from {{ ref('tier_migrations') }}

),

summary as (

    select * from {{ ref('segment_summary') }}

),

customers_per_period as (

    select
        period_start,
        scheme,
        sum(customers) as customers
    from summary
    group by period_start, scheme

),

sides_summed as (

    select
        period_start,
        previous_period_start,
        scheme,
        sum(case when not is_new then customers else 0 end) as from_customers,
        sum(case when not is_lost then customers else 0 end) as to_customers
    from migrations
    group by period_start, previous_period_start, scheme

)

select
    sides_summed.*,
    coalesce(previous_customers.customers, 0) as previous_period_customers,
    coalesce(current_customers.customers, 0) as period_customers
from sides_summed
left join customers_per_period as previous_customers
    on
        sides_summed.previous_period_start = previous_customers.period_start
        and sides_summed.scheme = previous_customers.scheme
left join customers_per_period as current_customers
    on
        sides_summed.period_start = current_customers.period_start
        and sides_summed.scheme = current_customers.scheme
where
    sides_summed.from_customers <> coalesce(previous_customers.customers, 0)
    or sides_summed.to_customers <> coalesce(current_customers.customers, 0)

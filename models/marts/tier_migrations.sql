{#
    Movements between tiers from each period of customer_segment_history to
    the next: per period, scheme, from-tier and to-tier, the customers who
    made the move. A customer with no tier in the previous period comes from
    '(new)', one with no tier now goes to '(lost)', so for each period and
    scheme the from side sums to the scheme's customers of the previous
    period and the to side to those of this period (a test). Upgrades and
    downgrades follow int_tier_ranks (unranked schemes have neither); a rising
    star moves within var('rising_star_scheme') from one of
    var('rising_star_from_tiers') to one of var('rising_star_to_tiers').
    Incremental by whole periods: a run replaces the moves into the periods
    it computed (int_as_of_date) and into the period after each (whose
    previous period changed); --full-refresh recomputes every period.
#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='period_start',
    on_schema_change='append_new_columns',
    pre_hook="{{ remove_periods_not_in_history(previous_column='previous_period_start') }}",
) }}
{%- set schemes = history_schemes() -%}
{%- set rising_from = "'" ~ var('rising_star_from_tiers') | join("', '") ~ "'" -%}
{%- set rising_to = "'" ~ var('rising_star_to_tiers') | join("', '") ~ "'" -%}
-- depends_on: {{ ref('int_as_of_date') }}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

ranks as (

    select * from {{ ref('int_tier_ranks') }}

),

periods as (

    select
        period_start,
        lag(period_start) over (order by period_start) as previous_period_start
    from (select distinct period_start from history) as history_periods

),

{# The periods moved into whose moves this run computes. #}
moved_periods as (

    select *
    from periods
    where previous_period_start is not null
    {%- if is_incremental() %}
        and (
            period_start in (select as_of.period_start from {{ ref('int_as_of_date') }} as as_of)
            or previous_period_start in (select as_of.period_start from {{ ref('int_as_of_date') }} as as_of)
        )
    {%- endif %}

),

tiers as {{ materialized_cte(true) }} (

    select
        {%- for scheme in schemes %}
        {{ scheme.tier }} as {{ scheme.scheme }},
        {%- endfor %}
        period_start,
        customer_id
    from history
    where
        period_start in (select moved_periods.period_start from moved_periods)
        or period_start in (select moved_periods.previous_period_start from moved_periods)

),

current_tiers as (

    select tiers.*
    from tiers
    inner join moved_periods
        on tiers.period_start = moved_periods.period_start

),

previous_tiers as (

    select
        moved_periods.period_start as next_period_start,
        tiers.*
    from tiers
    inner join moved_periods
        on tiers.period_start = moved_periods.previous_period_start

),

pairs as {{ materialized_cte(true) }} (

    select
        {%- for scheme in schemes %}
        previous_tiers.{{ scheme.scheme }} as from_{{ scheme.scheme }},
        current_tiers.{{ scheme.scheme }} as to_{{ scheme.scheme }},
        {%- endfor %}
        coalesce(current_tiers.period_start, previous_tiers.next_period_start) as period_start
    from current_tiers
    full outer join previous_tiers
        on
            current_tiers.period_start = previous_tiers.next_period_start
            and current_tiers.customer_id = previous_tiers.customer_id

),

moves_counted as (

    {%- for scheme in schemes %}
    select
        period_start,
        '{{ scheme.scheme }}' as scheme,
        coalesce(from_{{ scheme.scheme }}, '(new)') as from_tier,
        coalesce(to_{{ scheme.scheme }}, '(lost)') as to_tier,
        count(*) as customers
    from pairs
    where from_{{ scheme.scheme }} is not null or to_{{ scheme.scheme }} is not null
    group by period_start, coalesce(from_{{ scheme.scheme }}, '(new)'), coalesce(to_{{ scheme.scheme }}, '(lost)')
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        moves_counted.period_start,
        periods.previous_period_start,
        moves_counted.scheme,
        moves_counted.from_tier,
        moves_counted.to_tier,
        from_ranks.tier_rank as from_rank,
        to_ranks.tier_rank as to_rank,
        moves_counted.customers,
        moves_counted.from_tier = '(new)' as is_new,
        moves_counted.to_tier = '(lost)' as is_lost,
        coalesce(to_ranks.tier_rank < from_ranks.tier_rank, false) as is_upgrade,
        coalesce(to_ranks.tier_rank > from_ranks.tier_rank, false) as is_downgrade,
        (
            moves_counted.scheme = '{{ var("rising_star_scheme") }}'
            and moves_counted.from_tier in ({{ rising_from }})
            and moves_counted.to_tier in ({{ rising_to }})
        ) as is_rising_star
    from moves_counted
    inner join periods
        on moves_counted.period_start = periods.period_start
    left join ranks as from_ranks
        on moves_counted.scheme = from_ranks.scheme and moves_counted.from_tier = from_ranks.tier
    left join ranks as to_ranks
        on moves_counted.scheme = to_ranks.scheme and moves_counted.to_tier = to_ranks.tier

)

select * from final

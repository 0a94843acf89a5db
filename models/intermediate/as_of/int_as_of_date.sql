{#
    The dates everything is computed as of: one row per period computed.
    A build computes one: var('as_of_date') when given, else the latest valid
    order date. A backfill (var('history_periods'), set by `segments
    backfill`) computes each var('history_period') period listed, in one pass,
    as of its last day (the build's own cut-off for a period not yet over;
    a period starting after it is left out). Every customer-level model
    carries as_of_date and joins on it, so the Python CLV and cluster models
    read the same dates and a past period re-runs identically.
#}
{%- set period = var('history_period') -%}
{%- set periods = var('history_periods') -%}

with

orders as (

    select max(ordered_date) as latest_order_date
    from {{ ref('int_orders_valid') }}

),

cutoff as (

    select
        {%- if var('as_of_date') %}
        cast('{{ var("as_of_date") }}' as date) as cutoff_date,
        'var as_of_date' as cutoff_source,
        {%- else %}
        latest_order_date as cutoff_date,
        'latest order date' as cutoff_source,
        {%- endif %}
        latest_order_date
    from orders

),

{%- if periods %}

periods as (

    {%- for day in periods %}
    select cast({{ dbt.date_trunc(period, "cast('" ~ day ~ "' as date)") }} as date) as period_start
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

as_of_chosen as (

    select
        case
            when cutoff.cutoff_date < periods_ended.period_end then cutoff.cutoff_date
            else periods_ended.period_end
        end as as_of_date,
        periods_ended.period_start,
        case
            when cutoff.cutoff_date < periods_ended.period_end then cutoff.cutoff_source
            else 'period end'
        end as as_of_source,
        cutoff.latest_order_date
    from (
        select distinct
            period_start,
            cast({{ dbt.dateadd('day', -1, dbt.dateadd(period, 1, 'period_start')) }} as date) as period_end
        from periods
    ) as periods_ended
    cross join cutoff
    where periods_ended.period_start <= cutoff.cutoff_date

)

{%- else %}

as_of_chosen as (

    select
        cutoff_date as as_of_date,
        cast({{ dbt.date_trunc(period, 'cutoff_date') }} as date) as period_start,
        cutoff_source as as_of_source,
        latest_order_date
    from cutoff

)

{%- endif %}

select * from as_of_chosen

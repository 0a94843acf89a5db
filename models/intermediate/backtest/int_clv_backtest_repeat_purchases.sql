{#
    The repeat purchases of the backtest's calibration customers per time
    unit (var('clv_time_unit_days'), weeks by default) from the first
    purchase of any of them up to the as-of date, over calibration and
    holdout: the actual side of the tracking curve. A repeat purchase is a
    purchase day after the customer's first, as in the fits. One row per
    as-of date and period with a repeat purchase (period_index 1 = the
    period starting on the first purchase date).
#}
{%- set unit = dbt.cast(var('clv_time_unit_days'), type_double()) -%}

with

purchases as (

    select * from {{ ref('int_orders_valid') }}
    where is_purchase

),

cohort as (

    select
        customer_id,
        as_of_date,
        first_order_date,
        min(first_order_date) over (partition by as_of_date) as cohort_start_date
    from {{ ref('int_clv_backtest_inputs') }}

),

repeat_days as (

    select distinct
        cohort.as_of_date,
        cohort.cohort_start_date,
        cohort.customer_id,
        purchases.ordered_date
    from cohort
    inner join purchases
        on
            cohort.customer_id = purchases.customer_id
            and cohort.first_order_date < purchases.ordered_date
            and cohort.as_of_date >= purchases.ordered_date

),

periods_assigned as (

    select
        as_of_date,
        cast(
            floor({{ days_between('cohort_start_date', 'ordered_date') }} / {{ unit }}) + 1
            as {{ dbt.type_bigint() }}
        ) as period_index
    from repeat_days

),

final as (

    select
        as_of_date,
        period_index,
        count(*) as repeat_purchases
    from periods_assigned
    group by as_of_date, period_index

)

select * from final

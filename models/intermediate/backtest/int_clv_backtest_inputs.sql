{#
    The backtest's customers: everyone with a purchase up to the calibration
    end (the as-of date minus var('clv_holdout_days')), with the BG/NBD and
    Gamma-Gamma inputs as of that date, computed by the same macros as the
    main fit's (repeat_average_value, clv_periods), and what they actually
    did in the holdout (the days after it up to the as-of date): purchase
    days and their net revenue. Refunds are no purchases, as in the main fit.
    No rows when clv_holdout_days is 0.
#}
{%- set holdout_days = var('clv_holdout_days') | int -%}

with

purchases as (

    select * from {{ ref('int_orders_valid') }}
    where is_purchase

),

as_of as (

    select
        as_of_date,
        cast({{ dbt.dateadd('day', -holdout_days, 'as_of_date') }} as date) as calibration_end_date
    from {{ ref('int_as_of_date') }}
    where {{ holdout_days }} > 0

),

purchase_days as (

    select
        purchases.customer_id,
        as_of.as_of_date,
        as_of.calibration_end_date,
        purchases.ordered_date,
        sum(purchases.net_revenue) as day_revenue
    from purchases
    inner join as_of
        on purchases.ordered_date <= as_of.as_of_date
    group by purchases.customer_id, as_of.as_of_date, as_of.calibration_end_date, purchases.ordered_date

),

calibration_aggregated as (

    select
        customer_id,
        as_of_date,
        calibration_end_date,
        min(ordered_date) as first_order_date,
        max(ordered_date) as last_order_date,
        count(*) as purchase_days,
        sum(day_revenue) as purchase_revenue,
        min_by(day_revenue, ordered_date) as first_day_revenue
    from purchase_days
    where ordered_date <= calibration_end_date
    group by customer_id, as_of_date, calibration_end_date

),

holdout_aggregated as (

    select
        customer_id,
        as_of_date,
        count(*) as holdout_purchases,
        sum(day_revenue) as holdout_revenue
    from purchase_days
    where ordered_date > calibration_end_date
    group by customer_id, as_of_date

),

calibration_valued as (

    select
        customer_id,
        as_of_date,
        calibration_end_date,
        first_order_date,
        last_order_date,
        purchase_days,
        {{ repeat_average_value('purchase_revenue', 'first_day_revenue', 'purchase_days') }}
            as repeat_average_value
    from calibration_aggregated

),

periods_computed as (

    {{ clv_periods('calibration_valued', 'calibration_end_date') }}

),

final as (

    select
        periods_computed.customer_id,
        periods_computed.as_of_date,
        periods_computed.calibration_end_date,
        periods_computed.first_order_date,
        periods_computed.frequency as repeat_transactions,
        periods_computed.recency,
        periods_computed.t,
        periods_computed.repeat_average_value,
        cast(coalesce(holdout_aggregated.holdout_purchases, 0) as {{ dbt.type_bigint() }}) as holdout_purchases,
        {{ to_money('coalesce(holdout_aggregated.holdout_revenue, 0)') }} as holdout_revenue
    from periods_computed
    left join holdout_aggregated
        on
            periods_computed.customer_id = holdout_aggregated.customer_id
            and periods_computed.as_of_date = holdout_aggregated.as_of_date

)

select * from final

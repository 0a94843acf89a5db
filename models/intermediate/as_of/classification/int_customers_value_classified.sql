{#
    Value tier (small / medium / large / VIP by the percentile of window
    revenue, cut points in the value_tiers seed; ties share a tier) and value
    class (MVC / MGC / BZC / none, see value_class) per customer with a
    purchase and as-of date, ranked among the customers of the same as-of
    date. Predicted growth = predicted CLV - window revenue.
#}
with

activity as (

    select * from {{ ref('int_customers_window_activity') }}

),

history as (

    select * from {{ ref('int_customers_value_history') }}

),

predictions as (

    select * from {{ ref('int_clv_predictions') }}

),

value_tiers as (

    select * from {{ ref('value_tiers') }}

),

measures_joined as (

    select
        activity.customer_id,
        activity.as_of_date,
        activity.window_revenue,
        history.profit_to_date,
        predictions.predicted_clv - activity.window_revenue as predicted_growth,
        count(*) over (partition by activity.as_of_date) as buyers
    from activity
    left join history
        on activity.customer_id = history.customer_id and activity.as_of_date = history.as_of_date
    left join predictions
        on activity.customer_id = predictions.customer_id and activity.as_of_date = predictions.as_of_date

),

measures_ranked as (

    select
        *,
        percent_rank() over (partition by as_of_date order by window_revenue) as revenue_percentile,
        rank() over (partition by as_of_date order by profit_to_date desc nulls last) as profit_rank,
        rank() over (partition by as_of_date order by predicted_growth desc nulls last) as growth_rank
    from measures_joined

),

classified as (

    select
        measures_ranked.customer_id,
        measures_ranked.as_of_date,
        measures_ranked.window_revenue,
        cast(measures_ranked.revenue_percentile as {{ type_double() }}) as revenue_percentile,
        value_tiers.value_tier,
        measures_ranked.profit_to_date,
        cast(measures_ranked.predicted_growth as {{ type_double() }}) as predicted_growth,
        {{ value_class(
            'measures_ranked.profit_to_date',
            is_top_share('measures_ranked.profit_rank', 'measures_ranked.buyers',
                var('mvc_top_share'), 'measures_ranked.profit_to_date'),
            is_top_share('measures_ranked.growth_rank', 'measures_ranked.buyers',
                var('mgc_top_share'), 'measures_ranked.predicted_growth'),
        ) }} as value_class
    from measures_ranked
    left join value_tiers
        on
            measures_ranked.revenue_percentile >= value_tiers.lower_percentile
            and measures_ranked.revenue_percentile < value_tiers.upper_percentile

)

select * from classified

{#
    The holdout backtest by calibration frequency: per as-of date and bucket
    of repeat purchases in the calibration period ('0' .. '6', '7+'), the
    mean purchases and spend in the holdout, actual and predicted (Fader,
    Hardie and Lee's conditional-expectations figure). See the
    clv_backtest_method doc.
#}
with

predictions as (

    select * from {{ ref('int_clv_backtest_predictions') }}

),

parameters as (

    select * from {{ ref('int_clv_backtest_parameters') }}

),

bucketed as (

    select
        *,
        case
            when repeat_transactions >= 7 then '7+'
            else cast(cast(repeat_transactions as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
        end as frequency_bucket
    from predictions

),

buckets_aggregated as (

    select
        as_of_date,
        frequency_bucket,
        cast(min(repeat_transactions) as {{ dbt.type_bigint() }}) as bucket_min_frequency,
        count(*) as customers,
        {{ exact_avg('actual_purchases') }} as actual_purchases_mean,
        {{ exact_avg('predicted_purchases') }} as predicted_purchases_mean,
        {{ exact_avg('naive_purchases') }} as naive_purchases_mean,
        {{ exact_avg('actual_value') }} as actual_value_mean,
        {{ exact_avg('predicted_value') }} as predicted_value_mean
    from bucketed
    group by as_of_date, frequency_bucket

),

final as (

    select
        buckets_aggregated.as_of_date,
        parameters.calibration_end_date,
        buckets_aggregated.frequency_bucket,
        buckets_aggregated.bucket_min_frequency,
        cast(buckets_aggregated.customers as {{ dbt.type_bigint() }}) as customers,
        buckets_aggregated.actual_purchases_mean,
        buckets_aggregated.predicted_purchases_mean,
        buckets_aggregated.naive_purchases_mean,
        buckets_aggregated.actual_value_mean,
        buckets_aggregated.predicted_value_mean
    from buckets_aggregated
    inner join parameters
        on buckets_aggregated.as_of_date = parameters.as_of_date

)

select * from final

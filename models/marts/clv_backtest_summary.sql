{#
    The holdout backtest in one row per as-of date: its status, the
    calibration fit, and how the predictions of the holdout compare with what
    happened and with the naive baseline. See the clv_backtest_method doc for
    how each figure is computed.
#}
with

parameters as (

    select * from {{ ref('int_clv_backtest_parameters') }}

),

predictions as (

    select * from {{ ref('int_clv_backtest_predictions') }}

),

{# Errors over the customers with a prediction (all but those left out of
    the fit); the naive baseline over the same customers. #}
errors_aggregated as (

    select
        as_of_date,
        {{ exact_sum('actual_purchases') }} as actual_purchases,
        {{ exact_sum('predicted_purchases') }} as predicted_purchases,
        {{ exact_sum('actual_value') }} as actual_value,
        {{ exact_sum('predicted_value') }} as predicted_value,
        {{ exact_avg('abs(predicted_purchases - actual_purchases)') }} as purchases_mae,
        {{ exact_avg('case when predicted_purchases is not null then abs(naive_purchases - actual_purchases) end') }}
            as naive_purchases_mae,
        {{ exact_avg('abs(predicted_value - actual_value)') }} as value_mae,
        {{ exact_avg('case when predicted_value is not null then abs(naive_value - actual_value) end') }}
            as naive_value_mae,
        {{ exact_avg(
            '(probability_no_purchase - case when bought_in_holdout then 0 else 1 end)'
            ~ ' * (probability_no_purchase - case when bought_in_holdout then 0 else 1 end)'
        ) }} as churn_brier_score
    from predictions
    group by as_of_date

),

{# AUC of P(no purchase) for "did not buy in the holdout": the
    Mann-Whitney statistic from the ranks of the scores, ties at their mean
    rank. #}
ranked as (

    select
        as_of_date,
        bought_in_holdout,
        rank() over (partition by as_of_date order by probability_no_purchase)
        + (count(*) over (partition by as_of_date, probability_no_purchase) - 1) / 2.0 as score_rank
    from predictions
    where probability_no_purchase is not null

),

auc_computed as (

    select
        as_of_date,
        (
            sum(case when not bought_in_holdout then score_rank end)
            - cast(count(case when not bought_in_holdout then 1 end) as {{ type_double() }})
            * (count(case when not bought_in_holdout then 1 end) + 1) / 2
        )
        / nullif(
            cast(count(case when not bought_in_holdout then 1 end) as {{ type_double() }})
            * count(case when bought_in_holdout then 1 end),
            0
        ) as churn_auc
    from ranked
    group by as_of_date

),

final as (

    select
        parameters.as_of_date,
        parameters.calibration_end_date,
        cast(parameters.holdout_days as {{ dbt.type_bigint() }}) as holdout_days,
        cast(parameters.status as {{ dbt.type_string() }}) as status,
        cast(parameters.customers as {{ dbt.type_bigint() }}) as customers,
        cast(parameters.excluded_customers as {{ dbt.type_bigint() }}) as excluded_customers,
        cast(coalesce(errors_aggregated.actual_purchases, 0) as {{ dbt.type_bigint() }}) as actual_purchases,
        errors_aggregated.predicted_purchases,
        {{ to_money('coalesce(errors_aggregated.actual_value, 0)') }} as actual_value,
        errors_aggregated.predicted_value,
        errors_aggregated.predicted_purchases / nullif(errors_aggregated.actual_purchases, 0) as purchases_bias,
        errors_aggregated.purchases_mae,
        errors_aggregated.naive_purchases_mae,
        errors_aggregated.value_mae,
        errors_aggregated.naive_value_mae,
        errors_aggregated.churn_brier_score,
        auc_computed.churn_auc,
        errors_aggregated.purchases_mae < errors_aggregated.naive_purchases_mae
        and (
            errors_aggregated.value_mae is null
            or errors_aggregated.value_mae < errors_aggregated.naive_value_mae
        ) as beats_naive,
        parameters.bgnbd_r,
        parameters.bgnbd_alpha,
        parameters.bgnbd_a,
        parameters.bgnbd_b,
        parameters.bgnbd_log_likelihood,
        parameters.gamma_gamma_p,
        parameters.gamma_gamma_q,
        parameters.gamma_gamma_gamma,
        cast(parameters.bgnbd_status as {{ dbt.type_string() }}) as bgnbd_status,
        cast(parameters.gamma_gamma_status as {{ dbt.type_string() }}) as gamma_gamma_status
    from parameters
    left join errors_aggregated
        on parameters.as_of_date = errors_aggregated.as_of_date
    left join auc_computed
        on parameters.as_of_date = auc_computed.as_of_date

)

select * from final

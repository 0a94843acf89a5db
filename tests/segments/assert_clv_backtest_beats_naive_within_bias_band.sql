{#
    Warns when an evaluated backtest's CLV predictions do not beat the naive
    baseline, or their bias (predicted / actual holdout purchases) is outside
    [clv_backtest_bias_min, clv_backtest_bias_max]: a reason to read
    clv_backtest before trusting customer_clv. The row carries the figures
    (`segments build` prints them too).
#}
{{ config(severity='warn') }}

with

summary as (

    select * from {{ ref('clv_backtest_summary') }}
    where status = 'evaluated'

),

flagged as (

    select
        as_of_date,
        holdout_days,
        purchases_bias,
        purchases_mae,
        naive_purchases_mae,
        value_mae,
        naive_value_mae,
        beats_naive
    from summary
    where
        not beats_naive
        or purchases_bias < {{ var('clv_backtest_bias_min') }}
        or purchases_bias > {{ var('clv_backtest_bias_max') }}

)

select * from flagged

{#
    Warns when an evaluated backtest's CLV predictions do not beat the naive
    baseline, or their bias (predicted / actual holdout purchases) is outside
    [clv_backtest_bias_min, clv_backtest_bias_max]: a reason to read
    clv_backtest before trusting customer_clv. The failing row carries the
    figures, and so does the warning: the summary is read when the test is
    compiled, right before it runs, and each flagged row becomes the warning's
    text (`segments build` prints it).
#}
{{ config(severity='warn') }}
{%- set bias_min = var('clv_backtest_bias_min') -%}
{%- set bias_max = var('clv_backtest_bias_max') -%}
{%- set flagged_rows -%}
    select
        as_of_date,
        holdout_days,
        purchases_bias,
        purchases_mae,
        naive_purchases_mae,
        value_mae,
        naive_value_mae,
        beats_naive
    from {{ ref('clv_backtest_summary') }}
    where
        status = 'evaluated'
        and (
            not beats_naive
            or purchases_bias < {{ bias_min }}
            or purchases_bias > {{ bias_max }}
        )
{%- endset -%}
{%- if execute and load_relation(ref('clv_backtest_summary')) is not none -%}
    {%- for row in run_query(flagged_rows) -%}
        {%- do exceptions.warn(
            'CLV backtest as of ' ~ row['as_of_date'] ~ ' (' ~ row['holdout_days'] ~ '-day holdout): bias '
            ~ '%.3f' | format(row['purchases_bias'] or 0) ~ ' (band ' ~ bias_min ~ ' to ' ~ bias_max
            ~ '), purchases MAE ' ~ '%.3f' | format(row['purchases_mae'] or 0) ~ ' vs naive '
            ~ '%.3f' | format(row['naive_purchases_mae'] or 0)
            ~ (', beats the naive baseline' if row['beats_naive'] else ', does not beat the naive baseline')
            ~ ': see marts.clv_backtest'
        ) -%}
    {%- endfor -%}
{%- endif %}

with

flagged as (

    {{ flagged_rows }}

)

select * from flagged

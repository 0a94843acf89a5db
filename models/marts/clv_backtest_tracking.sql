{#
    The backtest's tracking curve (Fader, Hardie and Lee 2005, figure 2):
    the calibration customers' cumulative repeat purchases per time unit
    over calibration and holdout, actual and expected from the calibration
    fit. Published from int_clv_backtest_tracking (a Python model, which
    cannot carry a contract). See the clv_backtest_method doc.
#}
with

tracking as (

    select * from {{ ref('int_clv_backtest_tracking') }}

),

final as (

    select
        as_of_date,
        cast(period_index as {{ dbt.type_bigint() }}) as period_index,
        cast(period_end_date as date) as period_end_date,
        is_holdout,
        cast(actual_repeat_purchases_cumulative as {{ dbt.type_bigint() }}) as actual_repeat_purchases_cumulative,
        expected_repeat_purchases_cumulative
    from tracking

)

select * from final

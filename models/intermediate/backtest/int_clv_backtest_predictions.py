"""The backtest's predictions of the holdout, per calibration customer and as-of date.

segments.analytics.clv_backtest.predict_holdout: clv_model.predict over the holdout
(undiscounted) with the calibration fit of int_clv_backtest_parameters, the naive
baseline, P(no purchase in the holdout), and what the customer did.
"""

from segments.analytics.clv_backtest import (
    BacktestConfig,
    predict_holdout_per_period,
)
from segments.analytics.clv_model import ClvConfig
from segments.analytics.per_date import with_date_column


def configs(dbt):
    # Literal config.get calls: dbt only passes the keys it finds this way.
    clv = ClvConfig.from_config(
        time_unit_days=dbt.config.get("clv_time_unit_days"),
        horizon_periods=dbt.config.get("clv_horizon_periods"),
        annual_discount_rate=dbt.config.get("clv_annual_discount_rate"),
        profit_margin=dbt.config.get("clv_profit_margin"),
    )
    backtest = BacktestConfig.from_config(
        holdout_days=dbt.config.get("clv_holdout_days"),
        min_customers=dbt.config.get("clv_backtest_min_customers"),
        min_holdout_buyers=dbt.config.get("clv_backtest_min_holdout_buyers"),
        min_holdout_non_buyers=dbt.config.get("clv_backtest_min_holdout_non_buyers"),
    )
    return clv, backtest


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = dbt.ref("int_clv_backtest_inputs").df()
    parameters = dbt.ref("int_clv_backtest_parameters").df()
    return with_date_column(session, predict_holdout_per_period(inputs, parameters, *configs(dbt)))

"""The backtest's calibration fit: BG/NBD + Gamma-Gamma on int_clv_backtest_inputs, per as-of date.

The same fit as int_clv_model_parameters (segments.analytics.clv_model.fit_parameters),
on the customers as of the calibration end; segments.analytics.clv_backtest adds the
backtest's status (off, not enough data, not fitted, evaluated).
"""

from segments.analytics.clv_backtest import BacktestConfig, fit_calibration_per_period
from segments.analytics.clv_model import ClvConfig


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
    as_of_dates = dbt.ref("int_as_of_date").df()["as_of_date"]
    return fit_calibration_per_period(inputs, as_of_dates, *configs(dbt))

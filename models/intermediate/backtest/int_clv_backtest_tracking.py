"""The backtest's tracking curve: cumulative repeat purchases per period, actual and expected.

Fader, Hardie and Lee's tracking plot (2005, figure 2) of the calibration customers over
calibration and holdout; maths in segments.analytics.clv_backtest.tracking.
"""

from segments.analytics.clv_backtest import tracking_per_period
from segments.analytics.clv_model import ClvConfig
from segments.analytics.per_date import with_date_column


def clv_config(dbt):
    # Literal config.get calls: dbt only passes the keys it finds this way.
    return ClvConfig.from_config(
        time_unit_days=dbt.config.get("clv_time_unit_days"),
        horizon_periods=dbt.config.get("clv_horizon_periods"),
        annual_discount_rate=dbt.config.get("clv_annual_discount_rate"),
        profit_margin=dbt.config.get("clv_profit_margin"),
    )


def model(dbt, session):
    dbt.config(materialized="table")
    cohort = (
        dbt.ref("int_clv_backtest_inputs")
        .aggregate("as_of_date, first_order_date, count(*) as customers")
        .order("as_of_date, first_order_date")
        .df()
    )
    weekly = dbt.ref("int_clv_backtest_repeat_purchases").df()
    parameters = dbt.ref("int_clv_backtest_parameters").df()
    tracked = tracking_per_period(cohort, weekly, parameters, clv_config(dbt))
    return with_date_column(session, tracked)

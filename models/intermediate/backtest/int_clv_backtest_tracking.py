"""The backtest's tracking curve: cumulative repeat purchases per period, actual and expected.

Fader, Hardie and Lee's tracking plot (2005, figure 2) of the calibration customers over
calibration and holdout, with the calibration fit of int_clv_backtest_parameters; maths in
segments.analytics.clv_backtest.tracking.
"""

from segments.analytics.clv_backtest import tracking_per_period
from segments.analytics.per_date import with_date_column


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
    return with_date_column(session, tracking_per_period(cohort, weekly, parameters))

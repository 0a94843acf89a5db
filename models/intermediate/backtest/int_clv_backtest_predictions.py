"""The backtest's predictions of the holdout, per calibration customer and as-of date.

segments.analytics.clv_backtest.predict_holdout: clv_model.predict over the holdout
(undiscounted) with the calibration fit of int_clv_backtest_parameters (its time unit and
holdout length too), the naive baseline, P(no purchase in the holdout), and what the
customer did.
"""

from segments.analytics.clv_backtest import predict_holdout_per_period
from segments.analytics.per_date import with_date_column


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = dbt.ref("int_clv_backtest_inputs").df()
    parameters = dbt.ref("int_clv_backtest_parameters").df()
    return with_date_column(session, predict_holdout_per_period(inputs, parameters))

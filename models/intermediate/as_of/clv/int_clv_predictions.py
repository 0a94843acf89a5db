"""Per-customer BG/NBD + Gamma-Gamma predictions from the stored parameters.

Reads the fitted row of int_clv_model_parameters of each as-of date, so the numbers a customer gets
are exactly those an auditor sees there. Maths in segments.analytics.clv_model.
"""

from segments.analytics.clv_model import ChurnConfig, ClvConfig, predict_per_period
from segments.analytics.per_date import with_date_column


def clv_config(dbt):
    # Literal config.get calls: dbt only passes the keys it finds this way.
    return ClvConfig.from_config(
        time_unit_days=dbt.config.get("clv_time_unit_days"),
        horizon_periods=dbt.config.get("clv_horizon_periods"),
        annual_discount_rate=dbt.config.get("clv_annual_discount_rate"),
        profit_margin=dbt.config.get("clv_profit_margin"),
    )


def churn_config(dbt):
    return ChurnConfig.from_config(
        churn_horizon_days=dbt.config.get("churn_horizon_days"),
        next_order_min_probability_alive=dbt.config.get("next_order_min_probability_alive"),
    )


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = dbt.ref("int_clv_inputs").df()
    parameters = dbt.ref("int_clv_model_parameters").df()
    predictions = predict_per_period(inputs, parameters, clv_config(dbt), churn_config(dbt))
    return with_date_column(session, predictions, "expected_next_order_date")

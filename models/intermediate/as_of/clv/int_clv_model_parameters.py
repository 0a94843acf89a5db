"""BG/NBD + Gamma-Gamma parameters fitted on int_clv_inputs, one row per as-of date.

The maths and the fallback live in the tested module segments.analytics.clv_model; this
model only hands it the inputs and the configuration from vars.
"""

from segments.analytics.clv_model import ClvConfig, fit_parameters_per_period


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
    inputs = dbt.ref("int_clv_inputs").df()
    as_of_dates = dbt.ref("int_as_of_date").df()["as_of_date"]
    return fit_parameters_per_period(inputs, as_of_dates, clv_config(dbt))

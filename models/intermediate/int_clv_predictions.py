"""Per-customer BG/NBD + Gamma-Gamma predictions from the stored parameters.

Reads the fitted row of clv_model_parameters, so the numbers a customer gets
are exactly those an auditor sees there. Maths in segments.clv_model.
"""

from segments.clv_model import ClvConfig, predict


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = dbt.ref("int_clv_inputs").df()
    parameters = dbt.ref("clv_model_parameters").df().iloc[0]
    return predict(inputs, parameters, ClvConfig.from_dbt(dbt.config))

"""BG/NBD + Gamma-Gamma parameters fitted on int_clv_inputs (one row per as-of date).

The maths and the fallback live in the tested module segments.clv_model; this
model only hands it the inputs and the configuration from vars.
"""

import pandas as pd

from segments.clv_model import ClvConfig, fit_parameters


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = dbt.ref("int_clv_inputs").df()
    as_of = dbt.ref("int_as_of_date").df()["as_of_date"].iloc[0]
    as_of = None if pd.isna(as_of) else pd.Timestamp(as_of).date()
    return fit_parameters(inputs, as_of, ClvConfig.from_dbt(dbt.config))

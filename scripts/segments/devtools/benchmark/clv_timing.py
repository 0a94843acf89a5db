"""The CLV fit and predictions timed on a built warehouse, with the functions its models call.

`int_clv_model_parameters` and `int_clv_predictions` are dbt Python models: their
execution_time includes moving a million rows between DuckDB and pandas. This
times the two fits alone (`fit_parameters`) and the predictions alone
(`predict`) on the same inputs (`int_clv_inputs`), in a process of their own,
and writes the inputs as CSV for the peers (`peers.py`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from segments.analytics.clv_model import ClvConfig, fit_parameters, predict

PEER_INPUT_COLUMNS = ("frequency", "recency", "t", "repeat_average_value")
PARAMETERS = {
    "bgnbd": ("r", "alpha", "a", "b"),
    "gamma_gamma": ("p", "q", "gamma"),
}


def clv_config(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The clv_* config of the int_clv_model_parameters model, as dbt handed it over."""
    for node in manifest["nodes"].values():
        if node.get("name") == "int_clv_model_parameters":
            return {k: v for k, v in node["config"].items() if k.startswith("clv_")}
    raise KeyError("the manifest has no int_clv_model_parameters model")


def relation(manifest: Mapping[str, Any], name: str) -> str:
    for node in manifest["nodes"].values():
        if node.get("name") == name and node.get("resource_type") == "model":
            return str(node["relation_name"])
    raise KeyError(f"the manifest has no model {name}")


def time_clv(database: Path, manifest_path: Path, inputs_csv: Path) -> dict[str, Any]:
    """Seconds of the two fits and of the predictions; the parameters; the inputs as CSV."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    settings = clv_config(manifest)
    config = ClvConfig.from_config(
        time_unit_days=settings.get("clv_time_unit_days"),
        horizon_periods=settings.get("clv_horizon_periods"),
        annual_discount_rate=settings.get("clv_annual_discount_rate"),
        profit_margin=settings.get("clv_profit_margin"),
    )
    con = duckdb.connect(str(database), read_only=True)
    try:
        inputs = con.sql(f"select * from {relation(manifest, 'int_clv_inputs')}").df()
        as_of = con.sql(f"select as_of_date from {relation(manifest, 'int_as_of_date')}").df()
    finally:
        con.close()
    as_of_date = as_of["as_of_date"].iloc[0]
    as_of_date = None if pd.isna(as_of_date) else pd.Timestamp(as_of_date).date()
    started = time.perf_counter()
    parameters = fit_parameters(inputs, as_of_date, config).iloc[0]
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predict(inputs, parameters, config)
    predict_seconds = time.perf_counter() - started
    inputs.loc[:, list(PEER_INPUT_COLUMNS)].to_csv(inputs_csv, index=False)
    return {
        "customers": len(inputs),
        "fit_seconds": fit_seconds,
        "predict_seconds": predict_seconds,
        "status": {model: str(parameters[f"{model}_status"]) for model in PARAMETERS},
        "parameters": {
            model: {name: float(parameters[f"{model}_{name}"]) for name in names}
            for model, names in PARAMETERS.items()
        },
    }

"""Fit BG/NBD + Gamma-Gamma with a peer library, for `segments benchmark --peers`.

Run by the peers' own virtualenv (`make bench-peers`), never by the warehouse:

    .venv-peers/bin/python peer_fits.py PEER INPUTS_CSV OUT_JSON

PEER is `lifetimes` (its maximum-likelihood fitters, no penalty) or
`pymc-marketing` (maximum a posteriori with flat priors, which is maximum
likelihood). INPUTS_CSV holds the warehouse's CLV inputs (frequency, recency,
t, repeat_average_value: one row per customer, `int_clv_inputs`). Writes the
fit times and parameters, or the error, to OUT_JSON. Standalone on purpose:
it imports nothing of the warehouse's.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
import warnings
from importlib import metadata


def fit_lifetimes(inputs):
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    started = time.perf_counter()
    bgnbd = BetaGeoFitter(penalizer_coef=0.0).fit(inputs.frequency, inputs.recency, inputs.t)
    bgnbd_seconds = time.perf_counter() - started
    repeat = inputs[(inputs.frequency > 0) & (inputs.repeat_average_value > 0)]
    started = time.perf_counter()
    gamma = GammaGammaFitter(penalizer_coef=0.0).fit(repeat.frequency, repeat.repeat_average_value)
    gamma_seconds = time.perf_counter() - started
    return {
        "bgnbd_seconds": bgnbd_seconds,
        "gamma_gamma_seconds": gamma_seconds,
        "bgnbd": {name: float(bgnbd.params_[name]) for name in ("r", "alpha", "a", "b")},
        "gamma_gamma": {
            "p": float(gamma.params_["p"]),
            "q": float(gamma.params_["q"]),
            "gamma": float(gamma.params_["v"]),
        },
        "version": metadata.version("lifetimes"),
    }


def fit_pymc_marketing(inputs):
    import numpy as np
    from pymc_extras.prior import Prior
    from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

    data = inputs.rename(columns={"t": "T"}).assign(customer_id=np.arange(len(inputs)))
    flat = {name: Prior("HalfFlat") for name in ("r", "alpha", "a", "b")}
    started = time.perf_counter()
    bgnbd = BetaGeoModel(data=data[["customer_id", "frequency", "recency", "T"]], model_config=flat)
    bgnbd.fit(method="map", progressbar=False)
    bgnbd_seconds = time.perf_counter() - started
    bgnbd_values = {name: bgnbd.idata.posterior[name].values.item() for name in flat}
    repeat = data[(data.frequency > 0) & (data.repeat_average_value > 0)].rename(
        columns={"repeat_average_value": "monetary_value"}
    )
    flat = {name: Prior("HalfFlat") for name in ("p", "q", "v")}
    started = time.perf_counter()
    gamma = GammaGammaModel(
        data=repeat[["customer_id", "frequency", "monetary_value"]], model_config=flat
    )
    gamma.fit(method="map", progressbar=False)
    gamma_seconds = time.perf_counter() - started
    gamma_values = {name: gamma.idata.posterior[name].values.item() for name in flat}
    return {
        "bgnbd_seconds": bgnbd_seconds,
        "gamma_gamma_seconds": gamma_seconds,
        "bgnbd": {name: float(bgnbd_values[name]) for name in ("r", "alpha", "a", "b")},
        "gamma_gamma": {
            "p": float(gamma_values["p"]),
            "q": float(gamma_values["q"]),
            "gamma": float(gamma_values["v"]),
        },
        "version": metadata.version("pymc-marketing"),
    }


PEERS = {"lifetimes": fit_lifetimes, "pymc-marketing": fit_pymc_marketing}


def main(argv: list[str]) -> int:
    peer, inputs_path, out_path = argv
    warnings.filterwarnings("ignore")
    import pandas as pd

    inputs = pd.read_csv(inputs_path)
    try:
        result = {"status": "fitted", **PEERS[peer](inputs)}
    except Exception as error:  # a peer that cannot fit is reported, not hidden
        result = {"status": f"failed: {type(error).__name__}: {error}".splitlines()[0]}
        traceback.print_exc()
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

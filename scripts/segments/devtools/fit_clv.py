"""Fit (`segments fit-clv`) the BG/NBD and Gamma-Gamma models and predict CLV.

Fits both models on a reference data set (for now the CDNOW sample the
models were published on), prints the parameters, and optionally writes
per-customer predictions. A new data set is one entry in `DATASETS`.

Defaults, in the data set's time unit (weeks for CDNOW):
  --horizon        52 periods, one year of purchases
  --step           1 period, discount every week
  --discount-rate  0.10 a year, the warehouse's clv_annual_discount_rate
                   default, so both give the same CLV for the same inputs
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from segments.analytics import clv
from segments.core.errors import SegmentsError
from segments.devtools import cdnow

DEFAULT_ANNUAL_DISCOUNT_RATE = 0.10
PREDICTION_COLUMNS = (
    "customer_id",
    "frequency",
    "recency",
    "T",
    "expected_purchases",
    "p_alive",
    "expected_avg_value",
    "clv",
)


@dataclass(frozen=True)
class Dataset:
    """A data set the models can be fitted on, and its time unit."""

    description: str
    load: Callable[[], cdnow.RfmSummary]
    period_name: str
    days_per_period: float
    default_horizon: float


DATASETS: dict[str, Dataset] = {
    "cdnow-sample": Dataset(
        description="CDNOW 2,357-customer sample, 39-week calibration (Fader & Hardie)",
        load=cdnow.sample_summary,
        period_name="week",
        days_per_period=cdnow.DAYS_PER_WEEK,
        default_horizon=52.0,
    ),
}


def fit_and_report(
    dataset_name: str,
    *,
    as_json: bool = False,
    predict_out: Path | None = None,
    horizon: float | None = None,
    step: float = 1.0,
    discount_rate: float = DEFAULT_ANNUAL_DISCOUNT_RATE,
    margin: float = 1.0,
) -> None:
    """Fit both models on the data set, print the parameters (a table, or JSON), and with
    `predict_out` write every customer's predictions there."""
    dataset = DATASETS[dataset_name]
    horizon = dataset.default_horizon if horizon is None else horizon
    _check_positive("--horizon", horizon)
    _check_positive("--step", step)
    if not math.isfinite(margin) or margin < 0:
        raise SegmentsError(f"--margin must be >= 0, got {margin}")
    step_rate = clv.per_step_rate(discount_rate, step, dataset.days_per_period)

    summary = dataset.load()
    bgnbd = clv.fit_bgnbd(summary.frequency, summary.recency, summary.T)
    gamma_gamma = clv.fit_gamma_gamma(summary.frequency, summary.monetary_value)

    if as_json:
        print(json.dumps(_parameters_json(bgnbd, gamma_gamma), indent=2))
    else:
        print(_parameters_table(dataset_name, dataset, bgnbd, gamma_gamma))

    if predict_out is not None:
        rows = _predictions(summary, bgnbd, gamma_gamma, horizon, step, step_rate, margin)
        _write_csv(predict_out, rows)
        message = (
            f"wrote {len(summary):,} customer predictions ({horizon:g} {dataset.period_name}s, "
            f"{discount_rate:.0%} a year) to {predict_out}"
        )
        # Keep stdout pure JSON when --json is given.
        print(message, file=sys.stderr if as_json else sys.stdout)


def _check_positive(option: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise SegmentsError(f"{option} must be a number > 0, got {value}")


def _parameters_json(
    bgnbd: clv.BgNbdParams, gamma_gamma: clv.GammaGammaParams
) -> dict[str, dict[str, float]]:
    return {
        "bgnbd": {
            "r": bgnbd.r,
            "alpha": bgnbd.alpha,
            "a": bgnbd.a,
            "b": bgnbd.b,
            "log_likelihood": bgnbd.log_likelihood,
        },
        "gamma_gamma": {
            "p": gamma_gamma.p,
            "q": gamma_gamma.q,
            "gamma": gamma_gamma.gamma,
            "log_likelihood": gamma_gamma.log_likelihood,
        },
    }


def _parameters_table(
    name: str, dataset: Dataset, bgnbd: clv.BgNbdParams, gamma_gamma: clv.GammaGammaParams
) -> str:
    rows = [
        ("BG/NBD", "r", bgnbd.r),
        ("", "alpha", bgnbd.alpha),
        ("", "a", bgnbd.a),
        ("", "b", bgnbd.b),
        ("", "log-likelihood", bgnbd.log_likelihood),
        ("Gamma-Gamma", "p", gamma_gamma.p),
        ("", "q", gamma_gamma.q),
        ("", "gamma", gamma_gamma.gamma),
        ("", "log-likelihood", gamma_gamma.log_likelihood),
    ]
    lines = [
        f"{name}: {dataset.description}; time unit: {dataset.period_name}",
        f"BG/NBD fitted on {bgnbd.n_customers:,} customers; Gamma-Gamma on "
        f"{gamma_gamma.n_customers:,} repeat customers with a positive mean spend",
        "",
        f"{'model':<12} {'parameter':<15} {'estimate':>12}",
    ]
    lines += [f"{model:<12} {parameter:<15} {value:>12.4f}" for model, parameter, value in rows]
    return "\n".join(lines)


def _predictions(
    summary: cdnow.RfmSummary,
    bgnbd: clv.BgNbdParams,
    gamma_gamma: clv.GammaGammaParams,
    horizon: float,
    step: float,
    step_rate: float,
    margin: float,
) -> list[list[object]]:
    rfm = (summary.frequency, summary.recency, summary.T)
    purchases = clv.expected_purchases(bgnbd, horizon, *rfm)
    alive = clv.probability_alive(bgnbd, *rfm)
    value = clv.expected_average_value(gamma_gamma, summary.frequency, summary.monetary_value)
    lifetime_value = clv.discounted_clv(
        bgnbd,
        gamma_gamma,
        *rfm,
        summary.monetary_value,
        horizon_periods=horizon,
        periods_per_step=step,
        discount_rate_per_step=step_rate,
        margin=margin,
    )
    columns = (
        summary.customer_id,
        summary.frequency.astype(np.int64),
        np.round(summary.recency, 6),
        np.round(summary.T, 6),
        np.round(purchases, 6),
        np.round(alive, 6),
        np.round(value, 4),
        np.round(lifetime_value, 4),
    )
    return [list(row) for row in zip(*(column.tolist() for column in columns), strict=True)]


def _write_csv(path: Path, rows: list[list[object]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(PREDICTION_COLUMNS)
            writer.writerows(rows)
    except OSError as error:
        raise SegmentsError(f"cannot write predictions to {path}: {error}") from error

"""`segments fit-clv`: fit the BG/NBD and Gamma-Gamma models and predict CLV.

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

import argparse
import csv
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fit-clv",
        help="fit the BG/NBD + Gamma-Gamma CLV models on a reference data set",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        default="cdnow-sample",
        help="data set to fit (default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print the fitted parameters as JSON")
    parser.add_argument(
        "--predict-out",
        type=Path,
        metavar="FILE",
        help="write per-customer predictions (CSV: " + ", ".join(PREDICTION_COLUMNS) + ")",
    )
    parser.add_argument(
        "--horizon",
        type=float,
        metavar="PERIODS",
        help="prediction horizon in the data set's periods (default: 52 weeks for cdnow-sample)",
    )
    parser.add_argument(
        "--step",
        type=float,
        default=1.0,
        metavar="PERIODS",
        help="periods per discounting step of the CLV sum (default: %(default)s)",
    )
    parser.add_argument(
        "--discount-rate",
        type=float,
        default=DEFAULT_ANNUAL_DISCOUNT_RATE,
        metavar="RATE",
        help="annual discount rate, e.g. 0.10 for 10%% (default: %(default)s)",
    )
    parser.add_argument(
        "--margin",
        type=float,
        default=1.0,
        help="share of spend that is profit; 1 gives revenue CLV (default: %(default)s)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    dataset = DATASETS[args.dataset]
    horizon = dataset.default_horizon if args.horizon is None else args.horizon
    _check_positive("--horizon", horizon)
    _check_positive("--step", args.step)
    if not math.isfinite(args.margin) or args.margin < 0:
        raise SegmentsError(f"--margin must be >= 0, got {args.margin}")
    step_rate = clv.per_step_rate(args.discount_rate, args.step, dataset.days_per_period)

    summary = dataset.load()
    bgnbd = clv.fit_bgnbd(summary.frequency, summary.recency, summary.T)
    gamma_gamma = clv.fit_gamma_gamma(summary.frequency, summary.monetary_value)

    if args.json:
        print(json.dumps(_parameters_json(bgnbd, gamma_gamma), indent=2))
    else:
        print(_parameters_table(args.dataset, dataset, bgnbd, gamma_gamma))

    if args.predict_out is not None:
        rows = _predictions(summary, bgnbd, gamma_gamma, horizon, args.step, step_rate, args.margin)
        _write_csv(args.predict_out, rows)
        message = (
            f"wrote {len(summary):,} customer predictions ({horizon:g} {dataset.period_name}s, "
            f"{args.discount_rate:.0%} a year) to {args.predict_out}"
        )
        # Keep stdout pure JSON when --json is given.
        print(message, file=sys.stderr if args.json else sys.stdout)
    return 0


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

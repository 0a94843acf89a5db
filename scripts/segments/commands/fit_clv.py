"""`segments fit-clv`: fit the CLV models on a reference data set (devtools.fit_clv)."""

from __future__ import annotations

import argparse
from pathlib import Path

from segments.devtools import fit_clv


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fit-clv",
        help="fit the BG/NBD + Gamma-Gamma CLV models on a reference data set",
        description=fit_clv.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        choices=sorted(fit_clv.DATASETS),
        default="cdnow-sample",
        help="data set to fit (default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print the fitted parameters as JSON")
    parser.add_argument(
        "--predict-out",
        type=Path,
        metavar="FILE",
        help="write per-customer predictions (CSV: " + ", ".join(fit_clv.PREDICTION_COLUMNS) + ")",
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
        default=fit_clv.DEFAULT_ANNUAL_DISCOUNT_RATE,
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
    fit_clv.fit_and_report(
        args.dataset,
        as_json=args.json,
        predict_out=args.predict_out,
        horizon=args.horizon,
        step=args.step,
        discount_rate=args.discount_rate,
        margin=args.margin,
    )
    return 0

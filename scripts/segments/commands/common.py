"""Command-line options that several `segments` commands share, declared once."""

from __future__ import annotations

import argparse


def add_target(parser: argparse.ArgumentParser, what: str) -> None:
    """`--target`: the dbt target of profiles.yml; `what` says what it selects here."""
    parser.add_argument(
        "--target",
        default="dev",
        help=f"dbt target {what}, in profiles.yml (dev, ci, spark; default: dev)",
    )


def add_seed(parser: argparse.ArgumentParser, default: int) -> None:
    """`--seed`: the generator's random seed."""
    parser.add_argument(
        "--seed", type=int, default=default, help=f"generator seed (default: {default})"
    )

"""Command-line options that several `segments` commands share, declared once."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

import yaml

from segments.core import pii, project
from segments.core.errors import SegmentsError


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return value


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


def add_vars(parser: argparse.ArgumentParser) -> None:
    """`--vars`: dbt vars as YAML, checked by `parse_vars`."""
    parser.add_argument(
        "--vars",
        dest="dbt_vars",
        help="dbt vars as a YAML mapping, e.g. '{rfm_bins: 4}' (see dbt_project.yml)",
    )


def add_threads(parser: argparse.ArgumentParser) -> None:
    """`--threads`: dbt's threads."""
    parser.add_argument(
        "--threads",
        type=positive_int,
        help="dbt threads (default: the target's threads in profiles.yml)",
    )


def add_as_of(parser: argparse.ArgumentParser) -> None:
    """`--as-of`: the date everything is computed as of (var as_of_date)."""
    parser.add_argument("--as-of", dest="as_of", help="compute everything as of this date")


class DatesAsText(yaml.SafeLoader):
    """YAML's safe loader reading dates as text: settings.check_vars checks them, so
    `as_of_date: 2025-02-30` is an error naming the var, not a stack trace."""


DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_vars(text: str | None, as_of: str | None = None) -> dict[str, Any]:
    """`--vars` text (and `--as-of`) as a mapping of dbt vars, or a clear error."""
    parsed = _vars(text)
    if as_of:
        try:
            parsed["as_of_date"] = date.fromisoformat(as_of).isoformat()
        except ValueError:
            raise SegmentsError(f"--as-of must be a date like 2025-06-30, got {as_of!r}") from None
    return parsed


def _vars(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        parsed = yaml.load(text, Loader=DatesAsText)  # a SafeLoader
    except yaml.YAMLError as error:
        raise SegmentsError(f"--vars is not valid YAML: {error}") from error
    if not isinstance(parsed, dict):
        raise SegmentsError(f"--vars must be a mapping like '{{rfm_bins: 4}}', got {text!r}")
    known = project.project_vars()
    if "pii_salt" in parsed:
        raise SegmentsError(
            f"--vars: the PII salt is not a var (vars are written to dbt's artifacts and "
            f"logs); set the environment variable {pii.ENVIRONMENT_VARIABLE}"
        )
    for key in parsed:
        project.check_key(str(key), known, "--vars: unknown var")
    if isinstance(parsed.get("raw_columns"), dict):
        project.check_mapping(parsed["raw_columns"], "--vars raw_columns")
    return parsed

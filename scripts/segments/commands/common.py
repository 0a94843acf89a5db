"""Command-line options that several `segments` commands share, declared once."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any, NoReturn

import yaml

from segments.core import pii, project
from segments.core.errors import SegmentsError, UsageError


class Parser(argparse.ArgumentParser):
    """argparse's parser that suggests the closest command, option or choice ("did you
    mean"), prints the usage of the command meant, and exits with `UsageError.exit_code`.

    (argparse's own `suggest_on_error` is Python 3.14's.) Every command's parser is a
    `CommandParser`, which refuses what it does not know itself, so that its own usage
    and options are the ones shown.
    """

    usage_shown: argparse.ArgumentParser | None = None

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(self.unrecognized(extras))
        return parsed

    def unrecognized(self, extras: list[str]) -> str:
        """argparse's message for `extras`, with the closest option of this parser."""
        message = f"unrecognized arguments: {' '.join(extras)}"
        options = [option for option in self._option_string_actions if option.startswith("--")]
        for extra in extras:
            if extra.startswith("-"):
                close = difflib.get_close_matches(extra.split("=")[0], options, n=1)
                if close:
                    return f"{message} (did you mean {close[0]}?)"
        return message

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is None or value in action.choices:
            return
        choices = [str(choice) for choice in action.choices]
        message = f"invalid choice: {value!r}"
        close = difflib.get_close_matches(str(value), choices, n=1)
        if close:
            message += f" (did you mean {close[0]!r}?)"
            meant = action.choices[close[0]] if isinstance(action.choices, dict) else None
            if isinstance(meant, argparse.ArgumentParser):
                self.usage_shown = meant
        raise argparse.ArgumentError(action, f"{message}; choose from {', '.join(choices)}")

    def error(self, message: str) -> NoReturn:
        shown = self.usage_shown or self
        shown.print_usage(sys.stderr)
        help_of = shown.prog
        self.exit(
            UsageError.exit_code,
            f"{self.prog}: error: {message}\n(`{help_of} --help` lists the options)\n",
        )


class CommandParser(Parser):
    """The parser of one command: an option it does not know is its own usage error."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(self.unrecognized(extras))
        return parsed, extras


def add_verbose(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """`-v` / `--verbose`: everything dbt and the steps print (segments.core.console).
    Given before or after the command; only the top parser sets the default."""
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="print everything as it happens: dbt's node lines, each file, each period "
        "(default: one line per stage, dbt's full log in its log file)",
    )


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


def iso_date(text: str) -> str:
    """argparse type: a date as YYYY-MM-DD (returned as that text)."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a date as YYYY-MM-DD, e.g. 2025-06-30, got {text!r}"
        ) from None


def add_as_of(parser: argparse.ArgumentParser) -> None:
    """`--as-of`: the date everything is computed as of (var as_of_date)."""
    parser.add_argument(
        "--as-of",
        dest="as_of",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="compute everything as of this date, YYYY-MM-DD (default: var as_of_date, "
        "else the latest order date in the data)",
    )


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

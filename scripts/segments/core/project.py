"""Where things are: the dbt project, the warehouse file, the column mapping."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from segments.core import raw_schema
from segments.core.errors import SegmentsError, StorageError

DEFAULT_WAREHOUSE = "warehouse.duckdb"
TARGET_DEFAULT_PATHS = {"dev": DEFAULT_WAREHOUSE, "ci": "target/ci.duckdb"}
# An unknown-key error lists the valid keys when there are at most this many.
MAX_LISTED = 20


def project_dir() -> Path:
    """The dbt project root: SEGMENTS_PROJECT_DIR, else the checkout this package is in."""
    configured = os.environ.get("SEGMENTS_PROJECT_DIR")
    root = Path(configured) if configured else Path(__file__).resolve().parents[3]
    if not (root / "dbt_project.yml").is_file():
        raise SegmentsError(
            f"no dbt_project.yml in {root}; set SEGMENTS_PROJECT_DIR to the project root"
        )
    return root


def warehouse_path(target: str = "dev") -> Path:
    """The DuckDB file: DUCKDB_PATH if set, else the target's default, under the project root."""
    configured = os.environ.get("DUCKDB_PATH")
    path = Path(configured or TARGET_DEFAULT_PATHS.get(target, DEFAULT_WAREHOUSE))
    path = path if path.is_absolute() else (project_dir() / path).resolve()
    if path.is_dir():
        raise StorageError(
            f"the warehouse path {path} is a directory; DUCKDB_PATH names the DuckDB file, "
            f"e.g. {path / DEFAULT_WAREHOUSE}"
        )
    return path


def project_vars() -> dict[str, Any]:
    """The project's vars from dbt_project.yml."""
    with (project_dir() / "dbt_project.yml").open() as handle:
        config = yaml.safe_load(handle)
    return dict(config.get("vars", {}).get(config["name"], {}))


RULE_SECTION = "# --- Rules"


def rule_vars() -> list[str]:
    """The vars of dbt_project.yml's rule sections (from `# --- Rules` on): the ones
    that decide a tier, hashed into rule_version (the rule_inputs() macro lists them)."""
    text = (project_dir() / "dbt_project.yml").read_text(encoding="utf-8")
    section = text[text.index(RULE_SECTION) : text.index("\nmodels:")]
    return [name for name in project_vars() if re.search(rf"^ +{name}:", section, re.M)]


def effective_vars(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The vars a run sees: dbt_project.yml's, with `overrides` (`--vars`) on top."""
    return project_vars() | (overrides or {})


def column_mapping(mapping_file: Path | None = None) -> dict[str, dict[str, str]]:
    """Raw column names per table: var `raw_columns`, overridden by a mapping file.

    The mapping file is YAML of the same shape as the var:
    `{orders: {order_id: OrderNumber}}` (project name: your name).
    """
    mapping: dict[str, dict[str, str]] = {
        table: dict(columns) for table, columns in (project_vars().get("raw_columns") or {}).items()
    }
    check_mapping(mapping, "var raw_columns in dbt_project.yml")
    if mapping_file is None:
        return mapping
    try:
        with mapping_file.open() as handle:
            overrides = yaml.safe_load(handle) or {}
    except OSError as error:
        raise SegmentsError(f"cannot read column mapping {mapping_file}: {error}") from error
    except yaml.YAMLError as error:
        raise SegmentsError(f"column mapping {mapping_file} is not valid YAML: {error}") from error
    if not isinstance(overrides, dict) or not all(isinstance(v, dict) for v in overrides.values()):
        raise SegmentsError(
            f"column mapping {mapping_file} must map table -> {{project column: your column}}"
        )
    for table, columns in overrides.items():
        mapping.setdefault(str(table), {}).update({str(k): str(v) for k, v in columns.items()})
    check_mapping(mapping, str(mapping_file))
    return mapping


def check_mapping(mapping: dict[str, dict[str, str]], where: str) -> None:
    """Every table and project column of a mapping exists, or an error naming the closest."""
    for table, columns in mapping.items():
        check_key(table, raw_schema.TABLES_BY_NAME, f"{where}: unknown raw table")
        known = raw_schema.table(table).column_names
        for column in columns:
            check_key(column, known, f"{where}: {table} has no column")


def check_key(key: str, valid: Iterable[str], problem: str) -> None:
    """Raise `problem 'key'` with the closest valid key when `key` is not one of them."""
    valid = list(valid)
    if key in valid:
        return
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    listed = f" (valid: {', '.join(sorted(valid))})" if len(valid) <= MAX_LISTED else ""
    raise SegmentsError(f"{problem} '{key}'{hint}{listed}")

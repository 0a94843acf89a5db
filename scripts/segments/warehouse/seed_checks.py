"""Every configuration seed checked before dbt runs, by the tests `seeds/_seeds.yml`
gives it.

The seeds' data tests (not_null, unique, accepted_values, accepted_range,
relationships, primary_key, expression_is_true) are the rules, written once in
`_seeds.yml`. This module runs them on the CSV files, in an in-memory DuckDB,
before dbt runs, so a blank audience threshold or a share of 2 fails in a
second naming the file, the line, the value and the rule; `segments build`
then leaves them out of its dbt build (`dbt.SEED_TESTS`), while `dbt build`
run directly runs them after it loads the seeds. The conditions of custom
category rules and audience targets are then run on one row of typed nulls, so
a condition that only fails when it runs (`first_order_date > 'soon'`) is
refused naming its rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

from segments.core import project, sql
from segments.core.errors import SegmentsError

SEEDS_YML = "seeds/_seeds.yml"
# The seeds whose rows hold conditions, the column holding them and the marts
# whose documented columns a condition may name (see custom_category_columns).
CONDITIONS = {
    "custom_category_rules": ("condition", "category"),
    "audience_definitions": ("target", "audience"),
}
CONDITION_MODELS = ("models/marts/customer_segments.yml", "models/marts/customers.yml")
# The words a condition may hold besides its columns (the grammar of custom_category).
KEYWORDS = {"and", "or", "not", "in", "is", "null", "between", "like", "true", "false"}
TOKEN = re.compile(r"'(?:[^']|'')*'|-?[0-9]+(?:[.][0-9]+)?|<>|!=|<=|>=|=|<|>|[(),]|[A-Za-z_]\w*")
# dbt seed column types as DuckDB types.
TYPES = {"string": "varchar", "integer": "bigint", "double": "double", "boolean": "boolean"}


class SeedError(SegmentsError):
    """A configuration seed row breaks a rule of _seeds.yml."""


@dataclass(frozen=True)
class Failure:
    seed: str
    line: int
    row: dict[str, Any]
    rule: str

    def message(self) -> str:
        shown = ", ".join(f"{name} = {value!r}" for name, value in self.row.items())
        return f"seeds/{self.seed}.csv line {self.line} ({shown}): {self.rule}"


def check_seeds(root: Path | None = None) -> None:
    """Run every seed's data tests of _seeds.yml on the CSVs, then the conditions."""
    root = root or project.project_dir()
    specs = yaml.safe_load((root / SEEDS_YML).read_text())["seeds"]
    con = duckdb.connect()
    try:
        for spec in specs:
            _load(con, root, spec)
        for spec in specs:
            failure = next(_failures(con, spec), None)
            if failure is not None:
                raise SeedError(failure.message())
        for seed, (column, name) in CONDITIONS.items():
            _check_conditions(con, root, seed, column, name)
    finally:
        con.close()


def _load(con: duckdb.DuckDBPyConnection, root: Path, spec: dict[str, Any]) -> None:
    """The seed as a table, its declared column types applied, `_line` its line in the file."""
    path = root / "seeds" / f"{spec['name']}.csv"
    types = (spec.get("config") or {}).get("column_types") or {}
    columns = {name: TYPES.get(kind, kind) for name, kind in types.items()}
    options = f", types = {_struct(columns)}" if columns else ""
    try:
        con.execute(
            f"create table {sql.identifier(spec['name'])} as "
            f"select row_number() over () + 1 as _line, * from "
            f"read_csv({sql.literal(str(path))}, header = true{options})"
        )
    except duckdb.Error as error:
        raise SeedError(f"seeds/{spec['name']}.csv cannot be read: {error}") from error


def _struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"{sql.literal(n)}: {sql.literal(t)}" for n, t in columns.items()) + "}"


def _failures(con: duckdb.DuckDBPyConnection, spec: dict[str, Any]) -> Any:
    """The first failing row of each test of the seed, in the order _seeds.yml lists them."""
    table = sql.identifier(spec["name"])
    tests = [(None, test) for test in spec.get("data_tests") or []]
    for column in spec.get("columns") or []:
        tests += [(column["name"], test) for test in column.get("data_tests") or []]
    for column, test in tests:
        name, arguments = (test, {}) if isinstance(test, str) else next(iter(test.items()))
        arguments = (arguments or {}).get("arguments", arguments or {})
        query = _test_query(table, column, name, arguments)
        if query is None:
            continue
        found = con.execute(f"select * from ({query}) as failing order by _line limit 1")
        row = found.fetchone()
        if row is not None:
            names = [d[0] for d in found.description]
            values = dict(zip(names, row, strict=True))
            line = values.pop("_line")
            yield Failure(spec["name"], line, values, _rule_text(column, name, arguments))


def _test_query(table: str, column: str | None, name: str, arguments: dict[str, Any]) -> str | None:
    """The rows of `table` that break the test, or None for a test only dbt can run."""
    if name == "not_null":
        return f"select * from {table} where {sql.identifier(column)} is null"
    if name == "unique":
        col = sql.identifier(column)
        return (
            f"select * from {table} where {col} in "
            f"(select {col} from {table} group by {col} having count(*) > 1)"
        )
    if name == "accepted_values":
        values = ", ".join(sql.literal(str(v)) for v in arguments["values"])
        col = sql.identifier(column)
        return f"select * from {table} where cast({col} as varchar) not in ({values})"
    if name == "accepted_range":
        col = sql.identifier(column)
        inclusive = arguments.get("inclusive", True)
        bounds = []
        if arguments.get("min_value") is not None:
            bounds.append(f"{col} {'>=' if inclusive else '>'} {arguments['min_value']}")
        if arguments.get("max_value") is not None:
            bounds.append(f"{col} {'<=' if inclusive else '<'} {arguments['max_value']}")
        return f"select * from {table} where {col} is not null and not ({' and '.join(bounds)})"
    if name == "primary_key":
        keys = ", ".join(sql.identifier(c) for c in arguments["columns"])
        nulls = " or ".join(f"{sql.identifier(c)} is null" for c in arguments["columns"])
        return (
            f"select * from {table} where {nulls} or ({keys}) in "
            f"(select ({keys}) from {table} group by {keys} having count(*) > 1)"
        )
    if name == "expression_is_true":
        where = f" and ({arguments['where_clause']})" if arguments.get("where_clause") else ""
        return f"select * from {table} where not coalesce({arguments['expression']}, false){where}"
    if name == "relationships":
        match = re.fullmatch(r"ref\('(\w+)'\)", arguments["to"])
        if match is None:
            return None
        col = sql.identifier(column)
        other = f"select {sql.identifier(arguments['field'])} from {sql.identifier(match[1])}"
        return f"select * from {table} where {col} is not null and {col} not in ({other})"
    return None


def _rule_text(column: str | None, name: str, arguments: dict[str, Any]) -> str:
    """What the failing test asks, in words."""
    subject = f"{column} " if column else ""
    if name == "not_null":
        return f"{subject}is blank; it must be given (not_null)"
    if name == "unique":
        return f"{subject}repeats another row's; it must be unique"
    if name == "accepted_values":
        return f"{subject}must be one of {', '.join(map(str, arguments['values']))}"
    if name == "accepted_range":
        low, high = arguments.get("min_value"), arguments.get("max_value")
        inclusive = "" if arguments.get("inclusive", True) else " (exclusive)"
        bounds = " and ".join(
            text
            for text in (
                f"at least {low}" if low is not None else "",
                f"at most {high}" if high is not None else "",
            )
            if text
        )
        return f"{subject}is out of range; valid: {bounds}{inclusive}"
    if name == "primary_key":
        return f"({', '.join(arguments['columns'])}) repeats another row's or is blank"
    if name == "expression_is_true":
        where = f" where {arguments['where_clause']}" if arguments.get("where_clause") else ""
        return f"must hold: {arguments['expression']}{where}"
    return f"{subject}must be a {arguments.get('field')} of {arguments.get('to')}"


def _check_conditions(
    con: duckdb.DuckDBPyConnection, root: Path, seed: str, column: str, name: str
) -> None:
    """Run each active row's condition on a row of nulls of the columns it may name (on no
    row at all, DuckDB would not cast a literal such as 'soon' to a date, and pass)."""
    columns = _condition_columns(root)
    con.execute(
        "create or replace temp table joined as select "
        + ", ".join(f"cast(null as {kind}) as {sql.identifier(c)}" for c, kind in columns.items())
    )
    text = sql.identifier(column)
    rows = con.execute(
        f"select _line, {sql.identifier(name)}, {text} from {sql.identifier(seed)} "
        f"where is_active and nullif(trim({text}), '') is not null order by _line"
    ).fetchall()
    for line, label, condition in rows:
        # Only a condition of known words runs here; anything else is for the
        # grammar check of custom_category_condition, which names what is wrong.
        words = {t.lower() for t in TOKEN.findall(condition) if t[0].isalpha() or t[0] == "_"}
        if not words <= KEYWORDS | set(columns):
            continue
        try:
            con.execute(f"select ({condition}) from joined").fetchall()
        except duckdb.Error as error:
            detail = str(error).strip().splitlines()[0]
            raise SeedError(
                f"seeds/{seed}.csv line {line}: the {column} of {name} {label!r} fails when it "
                f"runs: {detail}. Condition: {condition}"
            ) from error


def _condition_columns(root: Path) -> dict[str, str]:
    """The documented mart columns a condition may name, with their contract types."""
    columns: dict[str, str] = {}
    for path in CONDITION_MODELS:
        for model in yaml.safe_load((root / path).read_text())["models"]:
            for column in model.get("columns") or []:
                if column["name"].endswith(("_hash", "_masked")):
                    continue
                columns.setdefault(column["name"], column.get("data_type") or "varchar")
    return columns

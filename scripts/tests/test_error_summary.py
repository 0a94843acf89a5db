"""A failed build says what failed in one line per node: the model, its file and the
database's own message, never the caret DuckDB draws under the quoted SQL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from segments import cli
from segments.engines.dbt import node_problem


def duckdb_error(query: str) -> str:
    """DuckDB's message for `query`, as dbt wraps it in a node's message."""
    with pytest.raises(duckdb.Error) as raised:
        duckdb.connect().execute(query)
    return (
        "Runtime Error in model stg_crm__leads (models/staging/crm/stg_crm__leads.sql)\n  "
        + str(raised.value).replace("\n", "\n  ")
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "select\n  a,\n  nope\nfrom (select 1 as a)",
            'Binder Error: Referenced column "nope" not found in FROM clause!',
        ),
        ("select cast('x' as integer)", "Conversion Error: Could not convert string 'x'"),
        ("select * from no_such_table", "Catalog Error: Table with name no_such_table"),
    ],
)
def test_the_summary_is_the_model_and_the_database_message(query: str, expected: str) -> None:
    # GIVEN a node's message ending in DuckDB's LINE and caret
    message = duckdb_error(query)
    assert message.rstrip().endswith("^")
    # WHEN summarised THEN one line: the model and file, then the database's message
    problem = node_problem(message)
    assert problem.startswith("Runtime Error in model stg_crm__leads (models/staging/crm/")
    assert expected in problem and "^" not in problem and "\n" not in problem


def test_jinja_call_stack_and_hints_are_left_out() -> None:
    message = (
        "Compilation Error in model customers (models/marts/customers.sql)\n"
        "  'tier_coverage' is undefined\n\n"
        "  > in macro materialization_table_duckdb (macros/materializations/table.sql)\n"
        "  > called by model customers (models/marts/customers.sql)"
    )
    assert node_problem(message) == (
        "Compilation Error in model customers (models/marts/customers.sql): "
        "'tier_coverage' is undefined"
    )


def test_a_broken_model_is_named_with_its_database_error(
    orders_dir: Path,
    project_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a model that names a column its input does not have
    model = project_copy / "models" / "staging" / "crm" / "stg_crm__leads.sql"
    model.write_text(model.read_text().replace("        lead_source,", "        lead_sourse,"))
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    # WHEN built THEN the error names the model, its file and DuckDB's message, no caret
    code = cli.main(["build", "--raw-dir", str(orders_dir), "--target", "ci"])
    error = capsys.readouterr().err
    assert code == 1
    line = next(line for line in error.splitlines() if "stg_crm__leads: error" in line)
    assert "models/staging/crm/stg_crm__leads.sql" in line
    assert 'Binder Error: Referenced column "lead_sourse" not found' in line
    assert not line.rstrip().endswith("^")
    assert not (tmp_path / "warehouse.duckdb").exists()

"""dbt directly: every `.venv/bin/dbt` command the README and docs/ show runs as written
on a built warehouse, selects what it says, and `dbt show` works on every mart."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from segments.core import project
from segments.engines.dbt import parse_project, run_dbt
from tests.conftest import DemoWarehouse
from tests.reliability import copy_warehouse

DBT = Path(sys.executable).parent / "dbt"
COMMAND = re.compile(r"^\.venv/bin/dbt (.+?)(?:\s+#.*)?$", re.MULTILINE)


def documented_commands() -> list[tuple[str, str]]:
    """(file, arguments) of every dbt command line in the README and docs/."""
    root = project.project_dir()
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    return [
        (page.name, match.group(1))
        for page in pages
        for match in COMMAND.finditer(page.read_text(encoding="utf-8"))
    ]


@pytest.fixture(scope="module")
def dbt_env(demo_warehouse: DemoWarehouse, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """GIVEN a copy of the demo warehouse, and dbt's artifacts and logs in a folder of their own."""
    root = tmp_path_factory.mktemp("dbt_commands")
    warehouse = copy_warehouse(demo_warehouse.path, root / "warehouse.duckdb")
    env = {
        **os.environ,
        "DUCKDB_PATH": str(warehouse),
        "DBT_PROFILES_DIR": str(project.project_dir()),
        "DBT_TARGET_PATH": str(root / "target"),
        "DBT_LOG_PATH": str(root / "logs"),
    }
    # the unit tests are part of what the documented commands select
    env.pop("DBT_EXCLUDE_RESOURCE_TYPES", None)
    return env


def dbt(arguments: list[str], env: dict) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DBT), *arguments],
        cwd=project.project_dir(),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def selected(env: dict) -> set[str]:
    """The unique ids the last dbt command ran (its run_results.json)."""
    results = json.loads((Path(env["DBT_TARGET_PATH"]) / "run_results.json").read_text())
    return {result["unique_id"] for result in results["results"]}


def test_the_docs_show_dbt_commands() -> None:
    commands = documented_commands()
    assert any("--select customer_segments" in arguments for _, arguments in commands)
    assert len(commands) >= 6


@pytest.mark.parametrize(
    ("page", "arguments"), documented_commands(), ids=lambda value: str(value)[:60]
)
def test_a_documented_dbt_command_runs_as_written(
    page: str, arguments: str, dbt_env: dict, tmp_path: Path
) -> None:
    # GIVEN a warehouse of its own (a build as of another date changes it)
    env = {
        **dbt_env,
        "DUCKDB_PATH": str(copy_warehouse(Path(dbt_env["DUCKDB_PATH"]), tmp_path / "w.duckdb")),
    }
    # WHEN the command runs as the page shows it
    result = dbt(shlex.split(arguments), env)
    if arguments.startswith("source freshness"):
        # THEN freshness ages every raw table (the generated data is old: it errors, as
        # documented, and says so per table)
        sources = json.loads((Path(env["DBT_TARGET_PATH"]) / "sources.json").read_text())
        assert {r["status"] for r in sources["results"]} <= {"pass", "warn", "error"}
        assert len(sources["results"]) >= 8, result.stdout[-3000:]
        return
    # THEN it succeeds
    assert result.returncode == 0, f"{page}: dbt {arguments}\n{result.stdout[-3000:]}"
    if "--select customer_segments" in arguments:
        # AND a model's name selects that model's tests alone, not the whole project
        ran = selected(env)
        manifest = json.loads((Path(env["DBT_TARGET_PATH"]) / "manifest.json").read_text())
        nodes = {**manifest["nodes"], **manifest["unit_tests"]}
        mart = "model.customer_classification.customer_segments"
        assert ran and all(
            nodes[node]["resource_type"] in ("test", "unit_test")
            and mart in nodes[node]["depends_on"]["nodes"]
            for node in ran
        ), sorted(ran)[:5]


def test_dbt_show_works_on_every_mart(dbt_env: dict) -> None:
    database = Path(dbt_env["DUCKDB_PATH"])
    marts = sorted(
        path.stem
        for folder in ("marts", "audit")
        for path in (project.project_dir() / "models" / folder).glob("*.sql")
    )
    manifest = parse_project([], database, "ci")
    for mart in marts:
        # WHEN dbt show runs the mart's query (one parse for all of them)
        statuses = run_dbt(
            ["show", "--select", mart, "--limit", "3"], database, "ci", manifest=manifest
        )
        # THEN it shows the mart (dbt runs the mart's tests with it), successfully
        assert set(statuses) == {"success"}, mart
    assert len(marts) >= 15

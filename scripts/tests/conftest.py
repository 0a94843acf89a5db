"""Shared fixtures: small raw folders, one built demo warehouse and one built
dirty warehouse per session, a copy of the project to edit, and the reliability
summary line."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from segments import cli
from segments.core import project
from segments.devtools import generate
from segments.engines import dbt
from segments.pipeline import build
from segments.warehouse import raw_files
from tests.dirty_rows import Dirty, inject
from tests.reliability import TALLY, copy_warehouse

# The builds of these tests skip dbt's unit tests: they run on fixed rows, never on
# the data a test builds, and `make dbt-test` runs every one of them once (a fifth
# of each small build's time).
os.environ.setdefault("DBT_EXCLUDE_RESOURCE_TYPES", "unit_test")
# Every build of the tests hashes PII with this salt (a quote of each kind in it);
# test_pii looks for its first part in every file and table a build leaves.
SALT_MARK = "pepper-7Kx2Qw"
os.environ.setdefault("SEGMENTS_PII_SALT", SALT_MARK + "'\"-s4lt")

ORDERS_HEADER = "order_id,customer_id,ordered_at,amount,status,currency\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def orders_dir(tmp_path: Path) -> Path:
    """A raw folder holding only a small, clean orders.csv."""
    write(
        tmp_path / "raw" / "orders.csv",
        ORDERS_HEADER
        + "o1,c1,2024-01-05T10:00:00Z,100.00,completed,USD\n"
        + 'o2,c1,2024-02-05T10:00:00+02:00,"1,200.50",returned,USD\n'
        + "o3,c2,2024-03-05,50,completed,USD\n",
    )
    return tmp_path / "raw"


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the dbt project the build reads (SEGMENTS_PROJECT_DIR), to edit a seed."""
    root = project.project_dir()
    copy = tmp_path / "project"
    for folder in ("models", "macros", "seeds", "tests", "analyses"):
        shutil.copytree(root / folder, copy / folder, symlinks=True)
    for name in ("dbt_project.yml", "profiles.yml", "selectors.yml"):
        shutil.copy(root / name, copy / name)
    monkeypatch.setenv("SEGMENTS_PROJECT_DIR", str(copy))
    return copy


@dataclass(frozen=True)
class DemoWarehouse:
    raw_dir: Path
    path: Path
    manifest: dict


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> DemoWarehouse:
    """GIVEN generated demo data (1,500 customers) built into a fresh warehouse."""
    root = tmp_path_factory.mktemp("demo")
    raw_dir = root / "raw"
    generate.generate(customers=1_500, seed=11, out=raw_dir)
    warehouse = root / "warehouse.duckdb"
    files = raw_files.find(raw_dir)
    build.build(build.BuildOptions(warehouse, "ci", files, project.column_mapping(), {}))
    manifest = json.loads((raw_dir / generate.MANIFEST_NAME).read_text())
    return DemoWarehouse(raw_dir, warehouse, manifest)


@pytest.fixture(scope="session")
def docs_site(demo_warehouse: DemoWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dbt docs site of (a copy of) the demo warehouse, as `segments docs` writes it."""
    warehouse = copy_warehouse(
        demo_warehouse.path, tmp_path_factory.mktemp("docs") / "warehouse.duckdb"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUCKDB_PATH", str(warehouse))
        assert cli.main(["docs", "--target", "ci"]) == 0
    return dbt.target_path("ci")


@dataclass(frozen=True)
class DirtyBuild:
    raw_dir: Path
    path: Path
    manifest: dict
    injected: list[Dirty]


@pytest.fixture(scope="session")
def dirty_build(tmp_path_factory: pytest.TempPathFactory) -> DirtyBuild:
    """GIVEN generated data (150 customers) with every kind of dirty row slipped in,
    built into a fresh warehouse (shared by the row and determinism tests)."""
    root = tmp_path_factory.mktemp("dirty")
    raw_dir = root / "raw"
    generate.generate(customers=150, seed=23, out=raw_dir)
    injected = inject(raw_dir, seed=23)
    warehouse = root / "warehouse.duckdb"
    build.build(
        build.BuildOptions(warehouse, "ci", raw_files.find(raw_dir), project.column_mapping(), {})
    )
    manifest = json.loads((raw_dir / generate.MANIFEST_NAME).read_text())
    return DirtyBuild(raw_dir, warehouse, manifest, injected)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On a pytest-xdist worker: hand the tally to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["reliability_tally"] = TALLY.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """On the pytest-xdist controller: add up the tallies of the workers."""
    tally = getattr(node, "workeroutput", {}).get("reliability_tally")
    if tally:
        TALLY.merge(tally)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The reliability suite's one-line account, when any of its tests ran."""
    if (
        TALLY.rows_injected
        or TALLY.files_rejected
        or TALLY.settings_refused
        or TALLY.faults_survived
    ):
        terminalreporter.write_sep("=", "reliability summary")
        terminalreporter.write_line(TALLY.line())

"""Reliability, repeat runs: building the same input again, on the same
warehouse and with another number of dbt threads, gives the same marts and the
same quarantine, row for row."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from segments import cli
from segments.engines import dbt
from tests.conftest import DirtyBuild
from tests.reliability import content_digest, copy_warehouse

THREADS = 4  # the ci profile runs 2
AUDIT_TABLES = ("audit.quarantined_rows", "audit.row_reconciliation")


@dataclass(frozen=True)
class Rebuild:
    path: Path
    exit_code: int
    dbt_threads: int


@pytest.fixture(scope="module")
def rebuilt(dirty_build: DirtyBuild, tmp_path_factory: pytest.TempPathFactory) -> Rebuild:
    """WHEN the dirty build's raw files are built again over a copy of its warehouse
    (a repeat run), with 4 dbt threads instead of the profile's 2."""
    root = tmp_path_factory.mktemp("rebuild")
    warehouse = copy_warehouse(dirty_build.path, root / "warehouse.duckdb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUCKDB_PATH", str(warehouse))
        # dbt's artifacts of this build in a folder of its own (other workers' dbt
        # calls write the project's target/ci meanwhile)
        patch.setattr(dbt, "target_path", lambda target: root / "target")
        code = cli.main(
            [
                *("build", "--raw-dir", str(dirty_build.raw_dir), "--target", "ci"),
                *("--threads", str(THREADS)),
            ]
        )
    run_results = root / "target" / "run_results.json"
    threads = json.loads(run_results.read_text())["args"]["threads"]
    return Rebuild(warehouse, code, threads)


def test_threads_option_reaches_dbt(rebuilt: Rebuild) -> None:
    assert rebuilt.exit_code == 0
    assert rebuilt.dbt_threads == THREADS


def test_repeat_build_with_other_threads_gives_identical_marts_and_quarantine(
    dirty_build: DirtyBuild, rebuilt: Rebuild
) -> None:
    # GIVEN the content of the first build WHEN the rebuild's content is hashed
    first = content_digest(dirty_build.path, AUDIT_TABLES)
    second = content_digest(rebuilt.path, AUDIT_TABLES)
    # THEN every marts table and the audit tables are identical, row for row
    different = sorted(name for name in first if first[name] != second.get(name))
    assert different == []
    assert first.keys() == second.keys()
    assert {"marts.orders", "marts.customers", "marts.customer_rfm"} <= first.keys()


@pytest.mark.parametrize("threads", ["0", "-2", "two"])
def test_threads_must_be_a_positive_whole_number(
    threads: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # WHEN --threads is not a whole number of at least 1 THEN argparse refuses it, naming it
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["build", "--threads", threads])
    assert exit_info.value.code == 64  # a usage error (docs/operations.md, exit codes)
    assert "--threads: must be a whole number of at least 1" in capsys.readouterr().err

"""The public demo salt: silent on the generated demo data, a loud warning on any other
data, and refused under `segments build --strict`."""

from __future__ import annotations

from pathlib import Path

import pytest

from segments import cli
from segments.core import pii


@pytest.fixture
def no_salt(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN no SEGMENTS_PII_SALT (the suite sets one for every other build)."""
    monkeypatch.delenv(pii.ENVIRONMENT_VARIABLE, raising=False)


def test_the_demo_salt_is_a_problem_only_on_data_not_generated(
    no_salt: None, tmp_path: Path
) -> None:
    generated, real = tmp_path / "generated", tmp_path / "real"
    generated.mkdir()
    real.mkdir()
    (generated / pii.DEMO_DATA_MANIFEST).write_text("{}")
    assert pii.demo_salt_problem([generated]) is None
    problem = pii.demo_salt_problem([generated, real])
    assert problem and str(real) in problem and pii.ENVIRONMENT_VARIABLE in problem
    assert str(generated) not in problem


def test_a_salt_of_ones_own_is_never_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pii.ENVIRONMENT_VARIABLE, "a secret of my own")
    assert pii.demo_salt_problem([tmp_path]) is None


def test_strict_refuses_the_demo_salt_on_real_data_and_changes_nothing(
    no_salt: None,
    orders_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    warehouse = tmp_path / "w.duckdb"
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    # WHEN data that is not the demo data is built with --strict and no salt
    code = cli.main(["build", "--raw-dir", str(orders_dir), "--target", "ci", "--strict"])
    # THEN the build is refused, saying why, and no warehouse is written
    assert code == 1
    error = capsys.readouterr().err
    assert "demo salt" in error and pii.ENVIRONMENT_VARIABLE in error and "--strict" in error
    assert not warehouse.exists()


def test_without_strict_the_demo_salt_on_real_data_warns(
    no_salt: None,
    orders_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "w.duckdb"))
    assert cli.main(["build", "--raw-dir", str(orders_dir), "--target", "ci"]) == 0
    assert "WARNING:" in capsys.readouterr().err

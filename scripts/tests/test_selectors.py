"""selectors.yml names the common jobs: the full build, the marts only, one
scheme and its parents, the audit layer; each takes what its name says."""

from __future__ import annotations

import pytest
import yaml

from segments.core import project
from segments.engines import dbt

SCHEME_MODELS = {
    "scheme_rfm": "customer_rfm",
    "scheme_clv": "customer_clv",
    "scheme_abc": "int_customers_abc_classified",
    "scheme_value": "int_customers_value_classified",
    "scheme_composite": "int_customers_composite_scored",
    "scheme_strategy": "int_customers_strategy_quadrants",
    "scheme_credit": "int_customers_credit_rated",
    "scheme_clusters": "int_customers_clustered",
    "scheme_prospects": "prospects",
}


@pytest.fixture(scope="module")
def selected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """WHEN every selector of selectors.yml is listed (`dbt ls --selector`): the
    models and the unit tests each takes, by name."""
    from dbt.cli.main import dbtRunner

    root = project.project_dir()
    database = tmp_path_factory.mktemp("selectors") / "warehouse.duckdb"
    manifest = dbt.parse_project(["--target", "ci"], database=database, target="ci")
    names = [
        entry["name"] for entry in yaml.safe_load((root / "selectors.yml").read_text())["selectors"]
    ]
    listed = {}
    for name in names:
        result = dbtRunner(manifest=manifest).invoke(
            [
                *("ls", "--quiet", "--selector", name, "--output", "name"),
                *("--resource-type", "model", "--resource-type", "unit_test"),
                *("--project-dir", str(root), "--profiles-dir", str(root), "--target", "ci"),
                *("--target-path", str(database.parent / "target")),
            ]
        )
        assert result.success, name
        listed[name] = {str(node).split(".")[-1] for node in result.result}
    return listed


def models_under(folder: str) -> set[str]:
    root = project.project_dir() / "models" / folder
    return {path.stem for path in root.rglob("*") if path.suffix in (".sql", ".py")}


def test_the_full_build_takes_every_model(selected: dict[str, set[str]]) -> None:
    assert models_under("") <= selected["everything"]


def test_marts_and_audit_take_their_layer_only(selected: dict[str, set[str]]) -> None:
    every_model = models_under("")
    assert selected["marts"] & every_model == models_under("marts")
    assert selected["audit"] & every_model == models_under("audit")


@pytest.mark.parametrize(("selector", "model"), sorted(SCHEME_MODELS.items()))
def test_a_scheme_takes_its_model_and_parents_not_other_schemes(
    selected: dict[str, set[str]], selector: str, model: str
) -> None:
    # THEN the scheme's model, what it is computed from (back to the staging models),
    # and not the wide mart that gathers every scheme
    assert model in selected[selector]
    assert any(name.startswith("stg_") for name in selected[selector])
    assert "customer_segments" not in selected[selector]


def test_the_rfm_scheme_is_computed_from_the_orders(selected: dict[str, set[str]]) -> None:
    assert {"stg_shop__orders", "int_orders_valid", "int_as_of_date"} <= selected["scheme_rfm"]
    assert "int_customers_clustered" not in selected["scheme_rfm"]


def test_no_selector_takes_the_unit_tests_that_need_a_first_build(
    selected: dict[str, set[str]],
) -> None:
    first_build = {
        "segment_summary_incremental_run_replaces_only_its_periods",
        "segment_outcomes_incremental_run_replaces_its_periods_and_the_one_before",
    }
    assert all(not nodes & first_build for nodes in selected.values())


def test_every_scheme_selector_is_tested() -> None:
    selectors = yaml.safe_load((project.project_dir() / "selectors.yml").read_text())["selectors"]
    names = {entry["name"] for entry in selectors}
    assert {name for name in names if name.startswith("scheme_")} == set(SCHEME_MODELS)

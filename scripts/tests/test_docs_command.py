"""`segments docs [--serve]`: the dbt docs site of the built warehouse, one
file that opens from disk, served on 127.0.0.1 only."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from threading import Thread

import pytest

from segments import cli
from segments.core.errors import SegmentsError
from segments.pipeline import docs


@pytest.fixture(scope="module")
def site(docs_site: Path) -> Path:
    """WHEN `segments docs` runs on (a copy of) the demo warehouse."""
    return docs_site


def test_the_site_holds_every_mart_with_its_warehouse_columns(site: Path) -> None:
    # THEN the one-file site embeds the manifest and the warehouse's catalog: every mart,
    # with the column types the warehouse reports
    page = (site / "static_index.html").read_text(encoding="utf-8")
    catalog = json.loads((site / "catalog.json").read_text())
    marts = {key for key in catalog["nodes"] if key.startswith("model.customer_classification.")}
    assert "model.customer_classification.customer_segments" in marts
    segments_node = catalog["nodes"]["model.customer_classification.customer_segments"]
    segments_columns = segments_node["columns"]
    assert segments_columns["rfm_segment"]["type"].upper() == "VARCHAR"
    for node in ("customer_segments", "customer_rfm", "tier_migrations", "quarantined_rows"):
        assert f"model.customer_classification.{node}" in page


PROJECT = "customer_classification"


def test_the_site_opens_on_the_projects_overview(site: Path) -> None:
    # GIVEN the generated site's manifest
    manifest = json.loads((site / "manifest.json").read_text())
    # THEN the project has its own overview (dbt shows it instead of its welcome page),
    # embedded in the one-file site
    overview = manifest["docs"][f"doc.{PROJECT}.__overview__"]["block_contents"]
    assert "Customer classification warehouse" in overview
    assert "Customer classification warehouse" in (site / "static_index.html").read_text()
    # AND it names every mart of the project, and links each to its page
    marts = [
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["package_name"] == PROJECT
        and node["fqn"][1] == "marts"
    ]
    assert len(marts) > 10
    missing = [name for name in marts if f"(#!/model/model.{PROJECT}.{name})" not in overview]
    assert missing == []


def test_the_wide_mart_says_which_schemes_it_holds(site: Path) -> None:
    # GIVEN the scheme columns of customer_segments: those its tier_coverage tests cover
    manifest = json.loads((site / "manifest.json").read_text())
    model = f"model.{PROJECT}.customer_segments"
    schemes = sorted(
        node["column_name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and (node.get("test_metadata") or {}).get("name") == "tier_coverage"
        and node.get("attached_node") == model
    )
    assert {"abc_class", "rfm_segment", "lifecycle_stage"} <= set(schemes)
    # WHEN its description is read without the method block it ends with
    method = manifest["docs"][f"doc.{PROJECT}.segments_method"]["block_contents"]
    own = manifest["nodes"][model]["description"].split(method)[0]
    # THEN the description's own text names every one
    assert [column for column in schemes if f"`{column}`" not in own] == []


def test_served_on_localhost_only(site: Path) -> None:
    # WHEN the site is served (a free port)
    server = docs.docs_server(site, 0)
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        with urllib.request.urlopen(f"http://{host}:{port}/static_index.html") as response:
            body = response.read()
        # THEN only on 127.0.0.1, and the page is the site
        assert host == "127.0.0.1"
        assert response.status == 200 and b"customer_segments" in body
    finally:
        server.shutdown()
        server.server_close()


def test_no_warehouse_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "missing.duckdb"))
    assert cli.main(["docs", "--target", "ci"]) == 1
    assert "no warehouse at" in capsys.readouterr().err


def test_a_port_in_use_is_a_clear_error(site: Path) -> None:
    first = docs.docs_server(site, 0)
    try:
        with pytest.raises(SegmentsError, match=r"cannot serve on 127\.0\.0\.1"):
            docs.docs_server(site, first.server_address[1])
    finally:
        first.server_close()

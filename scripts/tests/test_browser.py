"""The report and the dbt docs site as a reader sees them: opened in headless
Chromium, every chart is drawn, the docs site draws its lineage graph, neither page
logs anything to the console, and a screenshot of each is taken.

Chromium is the Debian package: installed here when missing (as root, with apt-get);
where it cannot be installed the tests are skipped, saying why."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from threading import Thread

import pytest

from segments import cli
from segments.engines import dbt
from segments.pipeline import docs
from tests.conftest import DemoWarehouse
from tests.reliability import copy_warehouse

BROWSERS = ("chromium", "chromium-browser")
# Time the page's scripts get to draw, in the browser's virtual time.
DRAW_MS = "20000"


@pytest.fixture(scope="module")
def chromium() -> str:
    """The headless browser: on PATH, else installed from Debian's packages."""
    found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("Chromium is not installed and cannot be here (needs root and apt-get)")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=900)
        if done.returncode != 0:
            pytest.skip(
                f"Chromium could not be installed: {' '.join(command)}: {done.stderr[-300:]}"
            )
    return shutil.which("chromium") or pytest.skip("apt-get installed no chromium command")


def open_page(chromium: str, url: str, screenshot: Path) -> tuple[str, list[str]]:
    """The page's DOM after its scripts ran, and what it logged to the console; a
    screenshot is written to `screenshot`."""
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    common += [f"--virtual-time-budget={DRAW_MS}", "--window-size=1280,1400"]
    dumped = subprocess.run(
        [*common, "--enable-logging=stderr", "--v=0", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=180,
    )
    subprocess.run([*common, f"--screenshot={screenshot}", url], capture_output=True, timeout=180)
    console = [line for line in dumped.stderr.splitlines() if ":CONSOLE" in line]
    return dumped.stdout, console


def test_report_draws_every_chart_without_console_messages(
    chromium: str, demo_warehouse: DemoWarehouse, tmp_path: Path
) -> None:
    # GIVEN the report of the demo warehouse, opened from disk
    out = tmp_path / "report"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUCKDB_PATH", str(demo_warehouse.path))
        assert cli.main(["report", "--out", str(out), "--target", "ci"]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    charts = re.findall(r'<div id="([a-z_-]+)" class="plotly-graph-div"', page)
    # WHEN Chromium opens it
    dom, console = open_page(chromium, (out / "report.html").as_uri(), tmp_path / "report.png")
    # THEN every chart is drawn, with marks in it, and nothing was logged
    assert len(charts) >= 15
    drawn = re.findall(r'<div id="([a-z_-]+)" class="plotly-graph-div js-plotly-plot"', dom)
    assert sorted(drawn) == sorted(charts)
    assert dom.count('class="main-svg"') >= 2 * len(charts)
    assert len(re.findall(r'class="(?:point|heatmaplayer|scatterlayer)', dom)) > len(charts)
    assert console == []
    assert (tmp_path / "report.png").stat().st_size > 20_000


def test_docs_site_draws_the_lineage_graph_without_console_messages(
    chromium: str, demo_warehouse: DemoWarehouse, tmp_path: Path
) -> None:
    # GIVEN the docs site of the demo warehouse, served as `segments docs --serve` does
    warehouse = copy_warehouse(demo_warehouse.path, tmp_path / "warehouse.duckdb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUCKDB_PATH", str(warehouse))
        assert cli.main(["docs", "--target", "ci"]) == 0
    server = docs.docs_server(dbt.target_path("ci"), 0)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = server.server_address[:2]
        # WHEN Chromium opens the lineage graph
        dom, console = open_page(
            chromium, f"http://{host}:{port}/index.html#!/overview?g_v=1", tmp_path / "docs.png"
        )
    finally:
        server.shutdown()
        server.server_close()
    # THEN the graph is drawn (its canvas layers), the project's models are listed, and
    # nothing was logged
    assert "Lineage Graph" in dom and dom.count("<canvas") >= 1
    # AND the page opens on the project's overview, not dbt's welcome page
    assert "Customer classification warehouse" in dom and "Welcome!" not in dom
    assert "customer_segments" in dom and "audiences" in dom
    assert console == []
    assert (tmp_path / "docs.png").stat().st_size > 20_000

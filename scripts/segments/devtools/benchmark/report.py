"""The benchmark's results as Markdown (stdout) and JSON (--json)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from segments.core import markdown

Scale = Mapping[str, Any]


def write_json(path: Path, results: Mapping[str, Any]) -> None:
    """Write `results` to `path` as indented JSON, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.2f} s" if value < 10 else f"{value:,.1f} s"


def _wall_and_peak(wall: float | None, peak: float | None) -> str:
    if wall is None:
        return "-"
    return f"{wall:,.1f} s / {peak:,.0f} MB"


def _megabytes(value: int | None) -> str:
    return "-" if value is None else f"{value / 1e6:,.0f} MB"


def _ratio_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _generate(scale: Scale) -> str:
    generate = scale.get("generate") or {}
    if generate.get("reused"):
        return "reused"
    return _wall_and_peak(generate.get("wall_s"), generate.get("peak_rss_mb"))


def _busy(seconds_key: str, count_key: str) -> Callable[[Scale], str]:
    def cell(scale: Scale) -> str:
        if scale.get(seconds_key) is None:
            return "-"
        return f"{scale[seconds_key]:,.1f} s ({scale['nodes'][count_key]})"

    return cell


def _direct(key: str, text: Callable[[Any], str]) -> Callable[[Scale], str]:
    return lambda scale: text(scale["direct"][key]) if scale.get("direct") else "-"


ROWS: list[tuple[str, Callable[[Scale], str]]] = [
    ("orders (raw rows, dirty included)", lambda s: f"{s['orders']:,}"),
    ("raw CSV", lambda s: _megabytes(s.get("raw_bytes"))),
    ("generate: wall / peak RSS", _generate),
    (
        "load alone (own process): wall / peak",
        lambda s: _wall_and_peak(s.get("load_wall_s"), s.get("load_peak_rss_mb")),
    ),
    (
        "**`segments build` (load + dbt build): wall / peak**",
        lambda s: _wall_and_peak(s.get("build_wall_s"), s.get("peak_rss_mb")),
    ),
    ("dbt build elapsed (run_results.json)", lambda s: _seconds(s.get("dbt_wall_s"))),
    ("dbt models: sum of execution_time (nodes)", _busy("models_s", "models")),
    ("dbt data tests: sum of execution_time (nodes)", _busy("tests_s", "data_tests")),
    ("dbt unit tests: sum of execution_time (nodes)", _busy("unit_tests_s", "unit_tests")),
    ("CLV: both fits (BG/NBD + Gamma-Gamma)", lambda s: _seconds(s.get("clv_fit_s"))),
    ("CLV: predictions for every customer", lambda s: _seconds(s.get("clv_predict_s"))),
    ("warehouse file", lambda s: _megabytes(s.get("warehouse_bytes"))),
    ("raw files landed as Parquet", lambda s: _megabytes(s.get("landing_bytes"))),
    ("direct SQL: models one after another", _direct("models_s", _seconds)),
    ("ratio dbt models / direct models", _direct("ratio_dbt_models_to_direct", _ratio_text)),
    (
        "marts + audit row counts equal (dbt vs direct)",
        _direct("row_counts_match", lambda match: "yes" if match else "**no**"),
    ),
    (
        "daily run: the next day appended, the facts built incrementally: wall / peak "
        "(share of the build)",
        lambda s: (
            "not run"
            if "daily" not in s
            else _wall_and_peak(s["daily"]["wall_s"], s["daily"]["peak_rss_mb"])
            + f" ({s['daily']['share_of_build']:.0%})"
        ),
    ),
    (
        "`segments backfill` of the months before the as-of date: wall / peak",
        lambda s: (
            "not run"
            if "backfill" not in s
            else f"{s['backfill']['months']} months: "
            + _wall_and_peak(s["backfill"]["wall_s"], s["backfill"]["peak_rss_mb"])
        ),
    ),
    (
        "machine load average (1 min) after the build",
        lambda s: (
            "n/a"
            if s.get("load_average_1m_after_build") is None
            else f"{s['load_average_1m_after_build']:.1f}"
        ),
    ),
]


def markdown_table(scales: Sequence[Scale]) -> str:
    """One column per scale, one row per measurement; every row says what it measures."""
    return markdown.table(
        ["measurement", *(f"{s['customers']:,} customers" for s in scales)],
        [[name, *(cell(s) for s in scales)] for name, cell in ROWS],
        align="l" + "r" * len(scales),
    )


def slowest_nodes_table(scale: Scale, count: int = 10) -> str:
    """The slowest dbt nodes of one scale, next to the same node run directly when it was."""
    rows = [
        [
            node["unique_id"],
            f"{node['dbt_seconds']:.2f}",
            "-" if node["direct_seconds"] is None else f"{node['direct_seconds']:.2f}",
        ]
        for node in scale.get("slowest_nodes", [])[:count]
    ]
    title = f"Slowest dbt nodes at {scale['customers']:,} customers (execution_time):"
    return title + "\n\n" + markdown.table(["node", "dbt s", "direct s"], rows, align="lrr")


def peers_table(scale: Scale) -> str:
    """Our CLV fit next to the peers' on the same inputs."""
    rows = [
        [
            "this project (segments.analytics.clv)",
            _seconds(scale.get("clv_fit_s")),
            "1.0x",
            "-",
            "fitted",
        ]
    ]
    for peer in scale.get("peers", []):
        fitted = peer.get("status") == "fitted"
        rows.append(
            [
                f"{peer['peer']} {peer.get('version', '')}".strip(),
                _seconds(peer["fit_seconds"]) if fitted else "-",
                _ratio_text(peer.get("times_ours")) if fitted else "-",
                f"{peer['max_relative_parameter_difference']:.1e}" if fitted else "-",
                peer["status"],
            ]
        )
    header = ["library", "BG/NBD + Gamma-Gamma fit", "vs ours"]
    header += ["max relative parameter difference", "status"]
    title = f"CLV fits at {scale['customers']:,} customers (same inputs, maximum likelihood):"
    return title + "\n\n" + markdown.table(header, rows, align="lrrrl")

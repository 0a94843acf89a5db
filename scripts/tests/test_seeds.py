"""The shipped seeds hold what the README documents, cell by cell: a changed segment
label, tier cut, quadrant, weight or policy fails here, not only in the marts. (The
unit tests of each scheme read the same seed files; countries and country_aliases are
generated and checked in test_countries.py.)"""

from __future__ import annotations

import csv
import re

import pytest

from segments.core import project

DOCUMENTED = [
    "value_tiers",
    "service_policies",
    "strategy_quadrants",
    "composite_weights",
    "demographic_bands",
    "rfm_segments",
    "credit_ratings",
    "custom_category_rules",
    "prospect_score_weights",
    "prospect_score_points",
    "prospect_grades",
    "sales_regions",
    "business_types",
    "tier_ranks",
]


def readme() -> str:
    return (project.project_dir() / "README.md").read_text(encoding="utf-8")


def seed_rows(name: str) -> list[list[str]]:
    path = project.project_dir() / "seeds" / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def markdown_table(text: str, heading: str) -> list[list[str]]:
    """The rows (header first) of the first Markdown table after `heading`."""
    after = text[text.index(heading) + len(heading) :]
    lines = []
    for line in after.lstrip("\n").splitlines():
        if not line.startswith("|"):
            break
        lines.append(line)
    cells = [
        [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        for line in lines
    ]
    return [row for row in cells if not all(set(cell) <= {"-"} for cell in row)]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_seed_holds_the_documented_content(name: str) -> None:
    # GIVEN the README's table of the seed WHEN the seed file is read
    documented = markdown_table(readme(), f"#### `{name}`\n")
    # THEN both hold the same header and rows, cell by cell, in the same order
    assert seed_rows(name) == documented


def test_rfm_segment_map_is_the_documented_matrix() -> None:
    # GIVEN the README's R x FM matrix
    matrix = markdown_table(readme(), "`fm_score = ceil((f + m) / 2)`:\n")
    fm_scores = [int(cell) for cell in matrix[0][1:]]
    documented = {
        (int(row[0].strip("*")), fm): segment
        for row in matrix[1:]
        for fm, segment in zip(fm_scores, row[1:], strict=True)
    }
    # WHEN the seed is read THEN it maps every (r, fm) pair to the documented segment
    header, *rows = seed_rows("rfm_segment_map")
    assert header == ["r_score", "fm_score", "rfm_segment"]
    assert {(int(r), int(fm)): segment for r, fm, segment in rows} == documented
    assert len(rows) == len(documented) == 25


def test_documented_rfm_segments_are_the_map_segments() -> None:
    # every segment the map gives is described in rfm_segments, and nothing else
    mapped = {row[2] for row in seed_rows("rfm_segment_map")[1:]}
    described = {row[0] for row in seed_rows("rfm_segments")[1:]}
    assert mapped == described

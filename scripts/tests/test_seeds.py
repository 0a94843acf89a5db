"""The shipped seeds agree with each other. (What each holds is documented in
docs/seeds.md, generated from the seed files and pinned to them in test_docs.py; the
unit tests of each scheme read the same seed files; countries and country_aliases are
generated and checked in test_countries.py.)"""

from __future__ import annotations

import csv

from segments.core import project


def seed_rows(name: str) -> list[list[str]]:
    path = project.project_dir() / "seeds" / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_the_rfm_map_gives_every_cell_a_described_segment() -> None:
    # GIVEN the R x FM map WHEN its segments are compared with rfm_segments
    header, *rows = seed_rows("rfm_segment_map")
    assert header == ["r_score", "fm_score", "rfm_segment"]
    # THEN it covers every (r, fm) pair once, and every segment it gives is described
    assert sorted((int(r), int(fm)) for r, fm, _ in rows) == [
        (r, fm) for r in range(1, 6) for fm in range(1, 6)
    ]
    mapped = {row[2] for row in rows}
    described = {row[0] for row in seed_rows("rfm_segments")[1:]}
    assert mapped == described

"""Python models over many as-of dates: each date's rows computed on their own."""

from __future__ import annotations

from datetime import date

import pandas as pd

from segments.analytics.per_date import per_as_of_date


def test_each_as_of_date_is_computed_on_its_own_rows() -> None:
    # GIVEN rows of two as-of dates
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b", "a"],
            "as_of_date": [date(2025, 2, 28), date(2025, 1, 31), date(2025, 1, 31)],
            "value": [10.0, 1.0, 2.0],
        }
    )
    seen = []

    def share_of_date(day: date | None, rows: pd.DataFrame) -> pd.DataFrame:
        seen.append(day)
        return rows[["customer_id"]].assign(share=rows["value"] / rows["value"].sum())

    # WHEN a computation runs per date
    result = per_as_of_date(frame, share_of_date)
    # THEN it saw each date once, in order, and its results carry their date second
    assert seen == [date(2025, 1, 31), date(2025, 2, 28)]
    assert list(result.columns) == ["customer_id", "as_of_date", "share"]
    assert result.to_dict("records") == [
        {"customer_id": "b", "as_of_date": date(2025, 1, 31), "share": 1 / 3},
        {"customer_id": "a", "as_of_date": date(2025, 1, 31), "share": 2 / 3},
        {"customer_id": "a", "as_of_date": date(2025, 2, 28), "share": 1.0},
    ]


def test_no_rows_give_an_empty_result_with_every_column() -> None:
    frame = pd.DataFrame({"customer_id": [], "as_of_date": [], "value": []})
    result = per_as_of_date(frame, lambda day, rows: rows[["customer_id"]].assign(share=1.0))
    assert result.empty
    assert list(result.columns) == ["customer_id", "as_of_date", "share"]

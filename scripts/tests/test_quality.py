"""The data-quality summary (segments.warehouse.quality): a table whose rows mostly did not reach
the marts, quarantined or merged as duplicates, is named in the warning, and
`--strict` refuses it. Rows merged as duplicates are lost to the marts as surely as
quarantined ones (a file appended to itself loads as "15,778 duplicates merged")."""

from __future__ import annotations

import pytest

from segments.warehouse import quality

SHARE = quality.DEFAULT_MAX_QUARANTINE_SHARE


def table(raw: int, rejected: int = 0, duplicates: int = 0) -> quality.TableQuality:
    reasons = (("unknown_currency", rejected),) if rejected else ()
    clean = raw - rejected - duplicates
    return quality.TableQuality("shop.orders", raw, clean, rejected, duplicates, 0, reasons)


@pytest.mark.parametrize(
    ("given", "loss"),
    [
        pytest.param(
            table(16_100, duplicates=15_778),
            "shop.orders lost 98% of its rows (15,778 merged as duplicates)",
            id="mostly-duplicates",
        ),
        pytest.param(
            table(1_000, rejected=60, duplicates=60),
            "shop.orders lost 12% of its rows (60 quarantined, mostly unknown_currency; "
            "60 merged as duplicates)",
            id="neither-alone-but-both",
        ),
        pytest.param(
            table(3, rejected=2),
            "shop.orders lost 67% of its rows (2 quarantined, mostly unknown_currency)",
            id="mostly-quarantined",
        ),
    ],
)
def test_a_table_that_lost_most_of_its_rows_warns_and_strict_refuses(
    given: quality.TableQuality, loss: str
) -> None:
    # WHEN the summary is written THEN it warns, naming the loss
    lines = quality.report([given], SHARE)
    assert lines[-1] == "WARNING: " + quality.warning([given], SHARE)
    assert loss in lines[-1]
    # AND --strict refuses the build (exit code 5)
    with pytest.raises(quality.DataQualityError, match="Nothing was changed") as refused:
        quality.check_strict([given], SHARE)
    assert refused.value.exit_code == 5


@pytest.mark.parametrize(
    "given",
    [table(1_000, rejected=50, duplicates=50), table(1_000), table(0)],
    ids=["at-the-share", "clean", "empty"],
)
def test_a_table_within_the_share_passes(given: quality.TableQuality) -> None:
    # WHEN at most the share is lost THEN no warning and --strict lets it pass
    assert not quality.report([given], SHARE)[-1].startswith("WARNING")
    quality.check_strict([given], SHARE)

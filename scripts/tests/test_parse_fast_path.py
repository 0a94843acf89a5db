"""The DuckDB fast paths of the parsing macros read every text exactly as their full
readings do: clean_text skips trim where it cannot change the text, parse_integer
and parse_decimal cast the raw text before cleaning it. And the loader's file check
reads a value wherever staging does (one definition of a parseable value). Checked
on hand-picked hostile strings and on random strings over an alphabet of digits,
separators, symbols and Unicode spaces."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from segments.core import raw_schema
from segments.engines.dbt import compile_inline
from segments.warehouse import value_checks

HOSTILE = [
    "12",
    " 12 ",
    "\t12\n",
    "\u00a012",
    "12\u00a0",
    "\u300012",
    "\u2003 12 \u2003",
    "12\u200b",
    "",
    " ",
    "   ",
    "\u00a0",
    "+12",
    "-0",
    "1e3",
    "12.",
    ".5",
    "-12.5",
    "12.345",
    "12.355",
    "1,234",
    "1,234.50",
    "12,50",
    "1.234,50",
    ",5",
    "1,23",
    "$12.50",
    "€ 12",
    "£1,000",
    "12 50",
    "0x1F",
    "0x10",
    "0b101",
    "2.5",
    "3.0",
    "-7.00",
    "1e15",
    "1000000000000000",
    "NaN",
    "inf",
    "Infinity",
    "-inf",
    "1_000",
    "\u0661\u0662",  # Arabic-Indic digits
    "\uff11\uff12",  # fullwidth digits
    "99999999999999999999",
    "( 12 )",
    "12-",
    "abc",
    " a ",
    "a",
    "\u00a0a",
    "é",
    " é ",
    "x\u200b",
    "a b",
    "\r\n",
    "\x0b7\x0c",
]
ALPHABET = [*"0123456789.,+-e$€ ", "\t", "\n", "\u00a0", "\u3000", "a", "é"]
# macro: its arguments after the text (the portable versions take every one)
MACROS = {"clean_text": "", "parse_integer": "", "parse_decimal": ", 2"}
# the full reading each fast path must agree with (parse_decimal's patterns are DuckDB's)
FULL = {
    "clean_text": "default__clean_text",
    "parse_integer": "duckdb__parse_integer_text",
    "parse_decimal": "duckdb__parse_decimal_text",
}


@pytest.fixture(scope="module")
def readings(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    # GIVEN hostile and random texts
    rng = random.Random(7)
    texts = HOSTILE + [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 7))) for _ in range(20_000)
    ]
    # WHEN each macro reads them through its DuckDB fast path and its portable version
    columns = ",\n".join(
        f"{{{{ customer_classification.{macro}('t'{more}) }}}} as fast_{macro}, "
        f"{{{{ customer_classification.{FULL[macro]}('t'{more}) }}}} as portable_{macro}"
        for macro, more in MACROS.items()
    )
    database = tmp_path_factory.mktemp("parse") / "parse.duckdb"
    sql = compile_inline(f"select t,\n{columns}\nfrom texts", Path(database), target="ci")
    con = duckdb.connect()
    con.execute("create table texts (t varchar)")
    con.executemany("insert into texts values (?)", [(text,) for text in [*texts, None]])
    return con.execute(sql).fetchall()


@pytest.mark.parametrize("position,macro", list(enumerate(MACROS)))
def test_fast_path_reads_every_text_as_the_portable_macro(
    readings: list[tuple], position: int, macro: str
) -> None:
    # THEN both read every text the same
    differing = [
        (row[0], row[1 + 2 * position], row[2 + 2 * position])
        for row in readings
        if row[1 + 2 * position] != row[2 + 2 * position]
    ]
    assert differing == [], f"{macro}: (text, fast, portable) {differing[:5]}"


def test_the_hostile_texts_exercise_both_paths(readings: list[tuple]) -> None:
    # THEN the texts include values each path parses and values it rejects
    by_text = {row[0]: row for row in readings}
    assert by_text[" 12 "][1:] == ("12", "12", 12, 12, 12, 12)
    assert by_text["\u00a012"][3] == 12  # only cleaning finds it
    assert by_text["1,234.50"][5] == by_text["1,234.50"][6] == Decimal("1234.50")
    assert by_text["12,50"][5] is None
    assert by_text[""][1] is None


DATES = [
    "2024-03-05",
    "2024-03-05T14:22:10Z",
    "2024-03-05 14:22:10+02:00",
    "2024/03/05",
    "05.03.2024",
    "20240305",
    "03/25/2024",
    "2024-02-30",
    "infinity",
    "-infinity",
    "epoch",
    "not a date",
    "",
    " 2024-03-05 ",
    "05.03.24",
]


@pytest.fixture(scope="module")
def both_readings(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    # GIVEN hostile texts, read by staging's macros and by the loader's file check
    database = tmp_path_factory.mktemp("loader") / "parse.duckdb"
    macros = (
        "{{ customer_classification.parse_decimal('t', 2) }} as staged_decimal, "
        "{{ customer_classification.parse_integer('t') }} as staged_integer, "
        "{{ customer_classification.parse_timestamp('t', earliest=none) }} as staged_timestamp"
    )
    sql = compile_inline(f"select t, {macros} from texts", Path(database), target="ci")
    checks = value_checks.parse_checks()
    text = "nullif(trim(t), '')"
    loader = ", ".join(
        f"{checks[kind].replace(value_checks.COLUMN, text)} as loaded_{kind}"
        for kind in (raw_schema.DECIMAL, raw_schema.INTEGER, raw_schema.TIMESTAMP)
    )
    con = duckdb.connect()
    con.execute("create table texts (t varchar)")
    con.executemany("insert into texts values (?)", [(t,) for t in [*HOSTILE, *DATES, None]])
    return con.execute(
        f"select staged.*, {loader} from ({sql}) as staged join texts using (t)"
    ).fetchall()


def test_the_loader_reads_a_value_wherever_staging_does(both_readings: list[tuple]) -> None:
    # THEN for every text and type, both find a value, or neither does
    differing = [
        (row[0], kind, row[1 + index], row[4 + index])
        for row in both_readings
        for index, kind in enumerate(("decimal", "integer", "timestamp"))
        if (row[1 + index] is None) != (row[4 + index] is None)
    ]
    assert differing == []
    by_text = {row[0]: row for row in both_readings}
    # AND the readings are the rules: no NaN, no infinity, whole numbers only
    assert by_text["NaN"][1:4] == (None, None, None)
    assert by_text["2.5"][1:3] == (Decimal("2.50"), None)
    assert by_text["3.0"][2] == 3 and by_text["0x10"][2] is None and by_text["1e15"][2] is None
    assert by_text["infinity"][3] is None and by_text["2024/03/05"][3] is not None

"""The PII salt: read from the environment by the process that hashes, never written down.

`hash_pii` (macros/pii/hash_pii.sql) hashes with the salt of the session, not
with a literal: on DuckDB the SQL variable `segments_pii_salt`, which the
project's dbt-duckdb plugin (`segments.engines.duckdb_plugin`) sets on every connection
and cursor dbt opens; on Spark the session setting `spark.segments.pii_salt_hex`
(the salt's UTF-8 bytes in hex, so no quote can break the SQL), which
`segments.engines.spark` sets before dbt runs. So the salt is in no compiled SQL, view
definition, log line or dbt artifact, and a salt holding a quote needs no
escaping.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ENVIRONMENT_VARIABLE = "SEGMENTS_PII_SALT"
DEMO_SALT = "demo-salt-change-me"
SQL_VARIABLE = "segments_pii_salt"
SPARK_SETTING = "spark.segments.pii_salt_hex"
# `segments generate` writes this file beside the data it makes: the mark of the demo data.
DEMO_DATA_MANIFEST = "_manifest.json"


def salt() -> str:
    """SEGMENTS_PII_SALT, else the demo salt (fine for the demo data, not for real data)."""
    return os.environ.get(ENVIRONMENT_VARIABLE) or DEMO_SALT


def set_salt(con: Any) -> None:
    """Give a DuckDB connection (or cursor) the salt, as a bound parameter: no SQL text holds it."""
    con.execute(f"set variable {SQL_VARIABLE} = ?", [salt()])


def spark_settings() -> dict[str, str]:
    """The Spark session setting that carries the salt to spark__hash_pii."""
    return {SPARK_SETTING: salt().encode().hex()}


def demo_salt_problem(raw_dirs: Iterable[Path]) -> str | None:
    """Why hashing these folders' data with the demo salt is wrong, or None.

    The demo salt is public, so a hash made with it can be reversed by anyone
    who guesses the address: fine for generated data (a folder holding the
    generator's manifest), not for anything else.
    """
    if os.environ.get(ENVIRONMENT_VARIABLE):
        return None
    real = sorted(
        str(folder) for folder in set(raw_dirs) if not (folder / DEMO_DATA_MANIFEST).is_file()
    )
    if not real:
        return None
    return (
        f"{', '.join(real)} is not the generated demo data, but {ENVIRONMENT_VARIABLE} is not "
        f"set: its emails and phones would be hashed with the public demo salt "
        f"{DEMO_SALT!r}, which anyone can reverse. Set {ENVIRONMENT_VARIABLE} to a secret "
        "of your own (docs/operations.md, PII and the salt)."
    )

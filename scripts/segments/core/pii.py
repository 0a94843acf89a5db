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
from typing import Any

ENVIRONMENT_VARIABLE = "SEGMENTS_PII_SALT"
DEMO_SALT = "demo-salt-change-me"
SQL_VARIABLE = "segments_pii_salt"
SPARK_SETTING = "spark.segments.pii_salt_hex"


def salt() -> str:
    """SEGMENTS_PII_SALT, else the demo salt (fine for the demo data, not for real data)."""
    return os.environ.get(ENVIRONMENT_VARIABLE) or DEMO_SALT


def set_salt(con: Any) -> None:
    """Give a DuckDB connection (or cursor) the salt, as a bound parameter: no SQL text holds it."""
    con.execute(f"set variable {SQL_VARIABLE} = ?", [salt()])


def spark_settings() -> dict[str, str]:
    """The Spark session setting that carries the salt to spark__hash_pii."""
    return {SPARK_SETTING: salt().encode().hex()}

"""The project's dbt-duckdb plugin (profiles.yml `plugins`): the PII salt on every connection.

dbt-duckdb calls `configure_connection` on the connection it opens and
`configure_cursor` on each thread's cursor (a cursor does not inherit the
connection's SQL variables); both set the salt (see `segments.core.pii`).
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from segments.core import pii


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        pii.set_salt(conn)

    def configure_cursor(self, cursor: Any) -> None:
        pii.set_salt(cursor)

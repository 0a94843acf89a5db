"""`python -m segments.devtools.lint_sql lint models ...`: sqlfluff, with sqlparse
unbounded as dbt's CLI runs it.

dbt parses each compiled model with sqlparse to inject its ephemeral CTEs; its CLI lifts
sqlparse's limits on how many tokens a statement may hold (`--sqlparse` defaults to
none), but sqlfluff's dbt templater compiles through dbt's Python API, which does not,
so a base model of many typed columns would be skipped unlinted ("Maximum number of
tokens exceeded"). This sets the limits as dbt's CLI does, then runs sqlfluff.
"""

from __future__ import annotations

import sqlparse.engine.grouping
from sqlfluff.cli.commands import cli

if __name__ == "__main__":
    sqlparse.engine.grouping.MAX_GROUPING_TOKENS = None
    sqlparse.engine.grouping.MAX_GROUPING_DEPTH = None
    cli()

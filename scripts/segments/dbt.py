"""Run dbt in-process (dbtRunner), one invocation at a time, against a given file."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from segments import project
from segments.errors import SegmentsError

FAILED_STATUSES = {"error", "fail", "runtime error"}


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_dbt(args: list[str], database: Path, target: str = "dev") -> dict[str, int]:
    """Invoke `dbt <args>` on `database`; counts of node statuses, or a clear error."""
    from dbt.cli.main import dbtRunner  # imported late: slow, and only needed here

    root = project.project_dir()
    target_path = root / "target" if target == "dev" else root / "target" / target
    full_args = [
        *args,
        "--project-dir",
        str(root),
        "--profiles-dir",
        str(root),
        "--target-path",
        str(target_path),
    ]
    with _environment(DUCKDB_PATH=str(database), DBT_PROFILES_DIR=str(root)):
        result = dbtRunner().invoke(full_args)
    if result.exception is not None:
        raise SegmentsError(f"dbt {args[0]} could not run: {result.exception}")
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    for node_result in result.result or []:
        status = str(node_result.status)
        statuses[status] += 1
        if status in FAILED_STATUSES:
            message = (node_result.message or "").strip().splitlines()
            failures.append(f"{node_result.node.name}: {status} - {message[0] if message else ''}")
    if not result.success or failures:
        listed = "\n  ".join(failures[:20]) or "see the dbt log above"
        raise SegmentsError(f"dbt {args[0]} failed; nothing was changed.\n  {listed}")
    return dict(statuses)

"""Markdown tables, as the README, the schema docs and the benchmark print them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """A Markdown table. `align` has one letter per column, `l` or `r` (right, for
    numbers); columns it does not reach are left-aligned."""
    rules = ["---:" if side == "r" else "---" for side in align.ljust(len(header), "l")]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(rules) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    return "\n".join(lines)

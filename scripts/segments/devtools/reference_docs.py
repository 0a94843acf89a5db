"""Reference docs generated from the project's sources of truth.

`python -m segments.devtools.reference_docs` (re)writes them; a test fails when a
committed file differs from its generation.
"""

from __future__ import annotations

from segments.core.markdown import table as markdown_table
from segments.core.raw_schema import TABLES


def markdown() -> str:
    """The raw schema as Markdown tables (for the README)."""
    lines: list[str] = []
    for tbl in TABLES:
        need = "required" if tbl.required else "optional"
        dated = f"; freshness: {tbl.loaded_at}" if tbl.loaded_at else ""
        lines += [
            f"#### `{tbl.name}` ({tbl.source}, {need}; key: {', '.join(tbl.key)}{dated})",
            "",
            tbl.description,
            "",
            markdown_table(
                ["column", "type", "required", "meaning"],
                [
                    [
                        f"`{col.name}`",
                        col.type,
                        "yes" if col.required else "",
                        col.description + (" **PII**" if col.pii else ""),
                    ]
                    for col in tbl.columns
                ],
            ),
            "",
        ]
    return "\n".join(lines)

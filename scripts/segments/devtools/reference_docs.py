"""Reference docs generated from the project's sources of truth.

`python -m segments.devtools.reference_docs` (re)writes them: docs/raw-schema.md
from the raw contract (segments.core.raw_schema), docs/seeds.md from the seed
files and seeds/_seeds.yml, docs/methods.md from the dbt doc blocks that explain
the methods (the single place a method is written; the docs site shows the same
blocks). A test fails when a committed file differs from its generation.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import yaml

from segments.core.markdown import table as markdown_table
from segments.core.project import project_dir
from segments.core.raw_schema import TABLES

RAW_SCHEMA_PATH = "docs/raw-schema.md"
SEEDS_PATH = "docs/seeds.md"
METHODS_PATH = "docs/methods.md"

# The doc blocks of docs/methods.md, in reading order: block name -> heading.
METHODS: dict[str, str] = {
    "as_of_method": "As of a date",
    "orders_method": "Orders, refunds and money (`orders`)",
    "staging_method": "Staging and the quarantine (`audit`)",
    "rfm_method": "RFM (`customer_rfm`)",
    "clv_method": "Customer lifetime value (`customer_clv`, `clv_model_parameters`)",
    "churn_method": "Churn probability and next order date (`customer_clv`)",
    "clv_backtest_method": "Holdout backtest of the CLV models (`clv_backtest_summary`)",
    "segments_method": "Value classification (`customer_segments`)",
    "composite_method": "Composite score (`customer_score_contributions`)",
    "lifecycle_method": "Lifecycle stage",
    "credit_rating_method": "Credit rating",
    "custom_category_method": "Custom categories",
    "clusters_method": "Clusters (`customer_clusters`)",
    "prospects_method": "Prospect grades (`prospects`)",
    "sales_coverage_method": "Sales coverage (`sales_coverage`)",
    "audiences_method": "Audiences (`audiences`)",
    "history_method": "History and migrations (`customer_segment_history`, `tier_migrations`)",
    "segment_outcomes_method": "Tiers judged by what followed (`segment_outcomes`)",
}
# A seed with at most this many rows is shown row by row; a larger one is named only.
MAX_ROWS_SHOWN = 50
# Seeds shown as a matrix, not row by row: (row column, column column, cell column).
MATRICES: dict[str, tuple[str, str, str]] = {
    "rfm_segment_map": ("r_score", "fm_score", "rfm_segment"),
}
DOC_BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.S)
DOC_CALL = re.compile(r"""{{\s*doc\(\s*["'](\w+)["']\s*\)\s*}}""")


def generated_note(source: str) -> str:
    return (
        f"<!-- Generated from {source} by `python -m segments.devtools.reference_docs`: "
        "edit the source, not this file. -->"
    )


def cell(text: object) -> str:
    """A value as one Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


# --- docs/raw-schema.md --------------------------------------------------------------

RAW_SCHEMA_INTRO = """\
The files `segments build --raw-dir DIR` loads: one per table, named after it
(`orders.csv`, `orders.csv.gz`, `orders.parquet`, or a folder of part files). Only
`orders` is required; a table left out reads as empty and the parts that need it stay
empty. Every value is loaded as text and parsed in staging, so the types below are
what staging parses to; a required column must be in the file (under its name, or
mapped with `--column-map`), an optional one may be absent. PII columns are hashed
or masked after staging. A table's freshness column dates it for `dbt source
freshness`. How values are read (dates, numbers, countries, refunds) and when a file
is refused: [data-quality.md](data-quality.md)."""


def raw_schema_tables() -> str:
    """The raw contract as Markdown: a heading, the description and the columns per table."""
    lines: list[str] = []
    for tbl in TABLES:
        need = "required" if tbl.required else "optional"
        dated = f"; freshness: {tbl.loaded_at}" if tbl.loaded_at else ""
        lines += [
            f"## `{tbl.name}` ({tbl.source}, {need}; key: {', '.join(tbl.key)}{dated})",
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


def raw_schema_doc() -> str:
    return "\n".join(
        [
            "# Raw schema",
            "",
            generated_note("scripts/segments/core/raw_schema.py"),
            "",
            RAW_SCHEMA_INTRO,
            "",
            raw_schema_tables(),
        ]
    )


# --- doc blocks ----------------------------------------------------------------------


def doc_blocks() -> dict[str, str]:
    """Every dbt doc block of the project (models, macros, seeds), by name."""
    root = project_dir()
    blocks: dict[str, str] = {}
    for folder in ("models", "macros", "seeds"):
        for path in sorted((root / folder).rglob("*.md")):
            for name, body in DOC_BLOCK.findall(path.read_text(encoding="utf-8")):
                blocks[name] = body.strip()
    return blocks


def render_doc_calls(text: str, blocks: dict[str, str]) -> str:
    """`{{ doc("x") }}` as a reader of the repository needs it: a method block is a link
    to its section of docs/methods.md, any other block its text."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in METHODS:
            return f"(Method: [{METHODS[name]}](methods.md#{slug(METHODS[name])}).)"
        return blocks[name]

    return DOC_CALL.sub(replace, text).strip()


# --- docs/methods.md -----------------------------------------------------------------


def methods_doc() -> str:
    blocks = doc_blocks()
    lines = [
        "# Methods",
        "",
        generated_note("the dbt doc blocks (`{% docs <name>_method %}` in models/)"),
        "",
        "How each mart is computed, as the dbt docs site (`make docs`) shows it beside",
        "the models: each section is one doc block, named under its heading, that the",
        "models' descriptions include. Thresholds and weights are vars of",
        "`dbt_project.yml` or seeds ([seeds.md](seeds.md)); `rule_version` hashes them all.",
        "",
        *(f"- [{heading}](#{slug(heading)})" for heading in METHODS.values()),
        "",
    ]
    for name, heading in METHODS.items():
        lines += [f"## {heading}", "", f"(doc block `{name}`)", "", blocks[name], ""]
    return "\n".join(lines)


# --- docs/seeds.md -------------------------------------------------------------------


def seed_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def matrix(rows: list[list[str]], spec: tuple[str, str, str]) -> str:
    header, *body = rows
    row_at, column_at, cell_at = (header.index(name) for name in spec)
    values = {(row[row_at], row[column_at]): row[cell_at] for row in body}
    row_keys = sorted({row[row_at] for row in body}, key=float, reverse=True)
    column_keys = sorted({row[column_at] for row in body}, key=float)
    return markdown_table(
        [f"{spec[0]} \\ {spec[1]}", *column_keys],
        [
            [f"**{key}**", *(cell(values.get((key, column), "")) for column in column_keys)]
            for key in row_keys
        ],
    )


def seed_section(name: str, spec: dict[str, Any], blocks: dict[str, str]) -> list[str]:
    path = project_dir() / "seeds" / f"{name}.csv"
    rows = seed_rows(path)
    header, body = rows[0], rows[1:]
    described = {column["name"]: column.get("description", "") for column in spec["columns"]}
    lines = [
        f"## `{name}`",
        "",
        render_doc_calls(spec.get("description", ""), blocks),
        "",
        markdown_table(
            ["column", "meaning"],
            [
                [f"`{column}`", cell(render_doc_calls(described.get(column, ""), blocks))]
                for column in header
            ],
        ),
        "",
    ]
    if len(body) > MAX_ROWS_SHOWN:
        return [*lines, f"{len(body)} rows: `seeds/{name}.csv`.", ""]
    shown = (
        matrix(rows, MATRICES[name])
        if name in MATRICES
        else markdown_table(header, [[cell(value) for value in row] for row in body])
    )
    return [*lines, f"Shipped rows ({len(body)}, `seeds/{name}.csv`):", "", shown, ""]


def seeds_doc() -> str:
    specs = yaml.safe_load((project_dir() / "seeds" / "_seeds.yml").read_text(encoding="utf-8"))
    by_name = {spec["name"]: spec for spec in specs["seeds"]}
    files = sorted(path.stem for path in (project_dir() / "seeds").glob("*.csv"))
    names = [name for name in by_name if name in files]
    names += [name for name in files if name not in by_name]
    blocks = doc_blocks()
    lines = [
        "# Seeds",
        "",
        generated_note("seeds/*.csv and seeds/_seeds.yml"),
        "",
        "The maps, thresholds, weights and reference tables in `seeds/`, as shipped. Edit a",
        "CSV and rebuild to change a rule (configuration seeds are checked against their",
        "tests in `seeds/_seeds.yml` before dbt runs); every seed that decides a tier is",
        "hashed into `rule_version`. `countries` and `country_aliases` are generated by",
        "`python -m segments.devtools.countries`, never edited.",
        "",
        *(f"- [`{name}`](#{slug(name)})" for name in names),
        "",
    ]
    for name in names:
        lines += seed_section(name, by_name.get(name, {"columns": []}), blocks)
    return "\n".join(lines)


def files() -> dict[str, str]:
    """Every generated reference doc, by path."""
    return {
        RAW_SCHEMA_PATH: raw_schema_doc(),
        SEEDS_PATH: seeds_doc(),
        METHODS_PATH: methods_doc(),
    }


if __name__ == "__main__":
    for path, text in files().items():
        target = project_dir() / path
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")

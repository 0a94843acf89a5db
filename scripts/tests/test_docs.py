"""The README's raw-schema section is the contract in raw_schema.py, word for word;
the dbt files that restate the contract are generated from it; the doc blocks read
well where they are appended to descriptions. (Contracts and descriptions are
structure rules: test_project_rules.py.)"""

from __future__ import annotations

import re

import pytest

from segments.core import project
from segments.devtools import raw_dbt_files, reference_docs


def test_readme_documents_every_raw_table_as_the_loader_expects_it() -> None:
    # GIVEN the README WHEN the raw-schema tables are looked for
    readme = (project.project_dir() / "README.md").read_text(encoding="utf-8")
    # THEN the generated Markdown of the contract is there unchanged
    assert reference_docs.markdown() in readme


def test_readme_shows_the_two_commands() -> None:
    readme = (project.project_dir() / "README.md").read_text(encoding="utf-8")
    assert "make build" in readme
    assert "make test" in readme


@pytest.mark.parametrize("path", sorted(raw_dbt_files.generated_files()))
def test_dbt_files_of_the_raw_contract_are_generated_from_it(path: str) -> None:
    # GIVEN a committed dbt file that restates the raw contract: the raw_tables() macro the
    # base and audit models read, or a source system's sources yml
    committed = (project.project_dir() / path).read_text(encoding="utf-8")
    # THEN it is what the contract generates (python -m segments.devtools.raw_dbt_files)
    assert committed == raw_dbt_files.generated_files()[path]


def test_doc_blocks_hold_no_headings() -> None:
    # GIVEN every doc block of the project (they are appended to model, column and
    # seed descriptions, where a Markdown heading renders as a literal "## ...")
    root = project.project_dir()
    blocks = {
        f"{path.relative_to(root)}:{name}": body
        for folder in ("models", "seeds", "macros")
        for path in (root / folder).rglob("*.md")
        for name, body in re.findall(
            r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", path.read_text(), re.S
        )
    }
    # THEN there are some, and no line of one starts a heading
    assert len(blocks) >= 5
    headed = [name for name, body in blocks.items() if re.search(r"^\s*#", body, re.M)]
    assert headed == []

"""Generated files equal a fresh generation from their sources (the raw contract, the
seeds, the doc blocks); what the README and docs/ name exists (repository paths,
`segments` commands and their options, `make` targets, `segments.*` modules); the doc
blocks read well where they are appended to descriptions. Hand-written prose is
never pinned word for word. (Contracts and descriptions are structure rules:
test_project_rules.py.)"""

from __future__ import annotations

import argparse
import importlib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from segments import cli
from segments.core import project
from segments.devtools import raw_dbt_files, reference_docs

README_MAX_LINES = 250
# Top-level folders of the repository: a path in backticks starting with one of these
# names a file or folder of the repository (`target/...`, `data/...` are build output).
REPOSITORY_ROOTS = ("models", "macros", "seeds", "scripts", "docs", "tests", "analyses", ".ci")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
COMMAND = re.compile(r"(?:^|[\s/(])segments\s+([a-z][a-z-]*)([^#|;&]*)")
MAKE = re.compile(r"(?:^|[\s(])make\s+([a-z][\w-]*)")
MODULE = re.compile(r"(?<![\w./])segments(?:\.\w+)+")
TEST_FILE = re.compile(r"^test_\w+\.py$")


def documents() -> list[Path]:
    root = project.project_dir()
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


@cache
def subcommands() -> dict[str, set[str]]:
    """Each `segments` command with its option strings."""
    actions = cli.parser()._subparsers._group_actions  # type: ignore[union-attr]
    choices = next(a for a in actions if isinstance(a, argparse._SubParsersAction)).choices
    return {
        name: {option for action in sub._actions for option in action.option_strings}
        for name, sub in choices.items()
    }


@cache
def make_targets() -> set[str]:
    makefile = (project.project_dir() / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", makefile, re.M))


def headings(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {reference_docs.slug(line.lstrip("#")) for line in re.findall(r"^#+ .*$", text, re.M)}


def is_repository_path(token: str) -> bool:
    return " " not in token and "/" in token and token.split("/")[0] in REPOSITORY_ROOTS


def path_exists(text: str) -> bool:
    """A repository path (a `<placeholder>` or `*` matches any name) exists."""
    pattern = re.sub(r"<[^>/]+>", "*", text.rstrip("/"))
    root = project.project_dir()
    if "*" not in pattern:
        return (root / pattern).exists()
    return any(True for _ in root.glob(pattern))


def module_exists(dotted: str) -> bool:
    """`segments.a.b` is a module, or an attribute of the longest module prefix."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        for name in parts[end:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def code_of(text: str) -> Iterator[str]:
    """The inline code spans and the lines of fenced blocks: where names are written."""
    for block in FENCE.findall(text):
        yield from (line.split(" # ")[0] for line in block.splitlines()[1:-1])
    yield from SPAN.findall(FENCE.sub("", text))


def missing_references(text: str, where: Path) -> list[str]:
    """What `text` (Markdown in the file `where`) names that does not exist."""
    root = project.project_dir()
    found: list[str] = []
    for code in code_of(text):
        token = code.strip()
        if is_repository_path(token) and not path_exists(token):
            found.append(f"path {token}")
        if TEST_FILE.match(token) and not (root / "scripts" / "tests" / token).exists():
            found.append(f"test file {token}")
        for command, rest in COMMAND.findall(code):
            if command not in subcommands():
                found.append(f"command segments {command}")
                continue
            options = re.findall(r"(?<![\w-])(--[a-z][\w-]*)", rest)
            found += [
                f"option segments {command} {option}"
                for option in options
                if option not in subcommands()[command]
            ]
        found += [f"make {target}" for target in MAKE.findall(code) if target not in make_targets()]
        found += [f"module {name}" for name in MODULE.findall(code) if not module_exists(name)]
    for link in LINK.findall(FENCE.sub("", text)):
        if re.match(r"^[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        path = (where.parent / target).resolve() if target else where
        if not path.exists():
            found.append(f"link {link}")
        elif anchor and path.suffix == ".md" and anchor not in headings(path):
            found.append(f"link {link} (no such heading)")
    return found


@pytest.mark.parametrize("path", sorted(raw_dbt_files.generated_files()))
def test_dbt_files_of_the_raw_contract_are_generated_from_it(path: str) -> None:
    # GIVEN a committed dbt file that restates the raw contract: the raw_tables() macro the
    # base and audit models read, or a source system's sources yml
    committed = (project.project_dir() / path).read_text(encoding="utf-8")
    # THEN it is what the contract generates (python -m segments.devtools.raw_dbt_files)
    assert committed == raw_dbt_files.generated_files()[path]


@pytest.mark.parametrize("path", sorted(reference_docs.files()))
def test_reference_docs_are_generated_from_their_sources(path: str) -> None:
    # GIVEN a committed reference doc: the raw schema, the seeds or the methods
    committed = (project.project_dir() / path).read_text(encoding="utf-8")
    # THEN it is what its sources generate (python -m segments.devtools.reference_docs)
    assert committed == reference_docs.files()[path]


def test_every_method_block_is_in_the_methods_doc() -> None:
    # GIVEN the doc blocks named *_method WHEN docs/methods.md lists its blocks
    methods = {name for name in reference_docs.doc_blocks() if name.endswith("_method")}
    # THEN it renders every one, and names no block that does not exist
    assert sorted(methods ^ set(reference_docs.METHODS)) == []


@pytest.mark.parametrize("path", [path.name for path in documents()])
def test_what_the_docs_name_exists(path: str) -> None:
    # GIVEN the README or a file of docs/
    where = next(doc for doc in documents() if doc.name == path)
    # WHEN every repository path, link, command, option, make target and module it names
    # is looked up THEN each exists
    assert missing_references(where.read_text(encoding="utf-8"), where) == []


def test_the_reference_check_sees_what_does_not_exist() -> None:
    # GIVEN text naming a path, a command, an option, a target, a module and a link that do
    # not exist, beside ones that do
    where = project.project_dir() / "docs" / "planted.md"
    text = "\n".join(
        [
            "`scripts/segments/core/raw_schema.py` and `scripts/segments/clv.py`",
            "`models/staging/<source>/base/` and `models/<nothing>/base/`",
            "`segments build --raw-dir DIR --append` and `segments frobnicate`",
            "`segments build --no-such-option` and `make test` and `make everything`",
            "`python -m segments.devtools.reference_docs` and `segments.devtools.gone`",
            "[ops](operations.md#spark) [gone](gone.md) [bad](operations.md#no-heading)",
            "`test_docs.py` and `test_nothing.py`",
            "```sh",
            ".venv/bin/segments report --out DIR  # the report",
            ".venv/bin/segments export --everything",
            "```",
        ]
    )
    # WHEN it is checked THEN exactly the names that do not exist are reported
    assert missing_references(text, where) == [
        "option segments export --everything",
        "path scripts/segments/clv.py",
        "path models/<nothing>/base/",
        "command segments frobnicate",
        "option segments build --no-such-option",
        "make everything",
        "module segments.devtools.gone",
        "test file test_nothing.py",
        "link gone.md",
        "link operations.md#no-heading (no such heading)",
    ]


def test_readme_stays_a_front_door() -> None:
    # GIVEN the README THEN a newcomer reads it in five minutes: reference lives in docs/
    readme = (project.project_dir() / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= README_MAX_LINES


def test_doc_blocks_hold_no_headings() -> None:
    # GIVEN every doc block of the project (they are appended to model, column and
    # seed descriptions, where a Markdown heading renders as a literal "## ..."), but
    # the overview, which the docs site shows as a page of its own
    blocks = reference_docs.doc_blocks()
    appended = {name: body for name, body in blocks.items() if name != "__overview__"}
    # THEN there are some, and no line of one starts a heading
    assert len(appended) >= 5
    headed = [name for name, body in appended.items() if re.search(r"^\s*#", body, re.M)]
    assert headed == []

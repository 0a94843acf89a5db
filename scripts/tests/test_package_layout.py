"""The package's folders are its architecture (docs/extending.md): the entry point and
the sub-packages at the top; each command module only its options and a call into the
library; no module imports from a higher layer; no module grows past MAX_LINES."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from segments import cli

PACKAGE = Path(cli.__file__).parent
# Lowest first. A module imports only its own sub-package and lower layers, so a
# build's path runs one way: command -> library (pipeline, reporting) -> engines ->
# warehouse -> core; analytics (the models' maths) needs only core.
LAYERS = {
    "core": 0,
    "warehouse": 1,
    "analytics": 1,
    "engines": 2,
    "pipeline": 3,
    "reporting": 3,
    "devtools": 4,
    "commands": 5,
    "cli": 6,
}
MAX_LINES = 400
COMMAND_FUNCTIONS = {"register", "run"}


def modules() -> dict[str, Path]:
    """Dotted name below `segments` -> file, for every module of the package."""
    return {
        ".".join(path.relative_to(PACKAGE).with_suffix("").parts): path
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def imported(path: Path) -> set[str]:
    """The `segments` modules a file imports (at its top or inside a function), below
    `segments.`: `from segments.core import project` gives core.project."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("segments"):
            base = node.module.removeprefix("segments").removeprefix(".")
            found |= {f"{base}.{alias.name}".strip(".") for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {
                alias.name.removeprefix("segments.")
                for alias in node.names
                if alias.name.startswith("segments.")
            }
    return found


def layer_of(module: str) -> str:
    return module.split(".")[0]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a layer at or above the importer's, other than its own sub-package."""
    found = []
    for module, targets in graph.items():
        here = layer_of(module)
        for target in sorted(targets):
            there = layer_of(target)
            if there == "__version__" or there == here or there not in LAYERS:
                continue
            if LAYERS[there] >= LAYERS.get(here, -1):
                found.append(f"{module} imports {target} ({here} -> {there})")
    return found


def test_no_module_imports_from_its_own_layer_or_above() -> None:
    graph = {name: imported(path) for name, path in modules().items()}
    assert upward_imports(graph) == []


def test_the_layer_check_catches_an_import_upwards() -> None:
    # GIVEN a planted graph: the engine calling back into the build, the warehouse into
    # the models' maths (same layer), a command's library calling a command
    graph = {
        "engines.spark": {"pipeline.build", "warehouse.load"},
        "warehouse.load": {"analytics.clv_model"},
        "pipeline.build": {"commands.common"},
    }
    # THEN each is reported, the import downwards is not
    assert upward_imports(graph) == [
        "engines.spark imports pipeline.build (engines -> pipeline)",
        "warehouse.load imports analytics.clv_model (warehouse -> analytics)",
        "pipeline.build imports commands.common (pipeline -> commands)",
    ]


def test_the_top_of_the_package_holds_only_the_entry_point_and_the_sub_packages() -> None:
    top = {path.name for path in PACKAGE.iterdir() if not path.name.startswith((".", "__pycache"))}
    packages = {name for name in LAYERS if (PACKAGE / name).is_dir()}
    assert top == {"__init__.py", "cli.py", *packages}
    assert packages == set(LAYERS) - {"cli"}


@pytest.mark.parametrize("name", sorted(n for n in modules() if n.startswith("commands.")))
def test_a_command_module_holds_its_options_and_a_call_into_the_library(name: str) -> None:
    tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    if name in ("commands.__init__", "commands.common"):
        assert "run" not in functions
        return
    assert functions == COMMAND_FUNCTIONS
    assert not [node for node in tree.body if isinstance(node, ast.ClassDef)]


def test_no_module_is_longer_than_the_limit() -> None:
    long = {
        name: lines
        for name, path in modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}

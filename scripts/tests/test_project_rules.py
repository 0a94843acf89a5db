"""The project's structure rules, as a check that fails (dbt-project-evaluator's rules,
re-implemented here because dbt Hub cannot be reached), over the parsed manifest.

Layers, in the order data flows: base (`models/staging/<source>/base/`, the only readers
of sources) -> staging (`stg_`) -> intermediate -> marts; audit reads the layers it
accounts for. A rule broken on purpose is listed in ALLOWED with its reason; an entry
that is no longer needed fails too, so the list only ever holds live exceptions.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from segments.core import project, raw_schema
from segments.engines import dbt
from tests.conftest import DemoWarehouse

PACKAGE = "customer_classification"
MAX_PARENTS = 7

# (rule, node name) -> why the rule does not hold there. Keep it under six entries.
ALLOWED: dict[tuple[str, str], str] = {
    ("max_parents", "quarantined_rows"): (
        "the audit union: the rejected rows of every raw table, from its base model and raw "
        "rows (two parents per raw table); it grows with the raw contract, not with logic"
    ),
    ("max_parents", "row_reconciliation"): (
        "counts every raw table where it arrives, where its clean rows end up and in its "
        "base model (up to three parents per raw table)"
    ),
    ("max_parents", "int_rule_version"): (
        "the rule-version hash: one parent per rule seed (listed once in rule_inputs()); it "
        "grows with the configuration, not with logic"
    ),
    ("primary_key_tested", "int_orders_checked"): (
        "a view of stg_shop__orders (key tested there) with one-row lookups; its valid rows "
        "are stored and key-tested in int_orders_valid. Testing the view runs the checks "
        "again: 1.8 s at 1M customers"
    ),
    ("primary_key_tested", "int_order_items_checked"): (
        "a view of stg_shop__order_items (key tested there) with one-row lookups; testing "
        "it runs the checks again: 2.5 s at 1M customers"
    ),
}

LAYER_ORDER = {"base": 0, "staging": 1, "intermediate": 2, "marts": 3, "audit": 4}

# SQL that runs on DuckDB only. Allowed in `duckdb__` macros; anywhere else (models,
# `default__` bodies, macros that are not dispatched) a new adapter would run it.
DUCKDB_ONLY = re.compile(
    r"::|\btry_cast\s*\(|\bstrptime\s*\(|\bstrftime\s*\(|\bhash\s*\(|\blist_\w+\s*\(|"
    r"\bstruct_pack\s*\(|\bregexp_full_match\s*\(|\bregexp_matches\s*\(|\bbitstring\b|"
    r"\bbit_or\s*\(|\bbit_count\s*\(|\bsha256\s*\(|\bcount_if\s*\(|\bqualify\b|"
    r"\bexclude\s*\(|\bdate_diff\s*\(|\bas\s+(integer|double|varchar|hugeint)\b|\bepoch\s*\(",
    re.IGNORECASE,
)
JINJA_COMMENT = re.compile(r"{#.*?#}", re.S)
# Jinja expressions and statements: what is left is the SQL text written out.
JINJA = re.compile(r"{#.*?#}|{{.*?}}|{%.*?%}", re.S)
HARD_CODED_RELATION = re.compile(r"\b(from|join)\s+[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*", re.I)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """GIVEN the project parsed by dbt (no warehouse needed)."""
    database = tmp_path_factory.mktemp("rules") / "unused.duckdb"
    parsed = dbt.parse_project([], database, "ci")
    return parsed.writable_manifest().to_dict()


def project_nodes(manifest: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        node["unique_id"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == resource_type and node["package_name"] == PACKAGE
    }


def models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return project_nodes(manifest, "model")


def layer(node: dict[str, Any]) -> str:
    parts = Path(node["original_file_path"]).parts
    if parts[1] == "staging":
        return "base" if "base" in parts else "staging"
    return parts[1]


def parents(node: dict[str, Any]) -> list[str]:
    return [parent for parent in node["depends_on"]["nodes"] if not parent.startswith("macro.")]


def name_of(unique_id: str) -> str:
    return unique_id.split(".")[-1]


def broken(rule: str, violations: list[tuple[str, str]]) -> list[str]:
    """The violations of `rule` not allowed on purpose, as readable lines."""
    return [f"{name}: {why}" for name, why in violations if (rule, name) not in ALLOWED]


def violations_of(rule: str, manifest: dict[str, Any]) -> list[tuple[str, str]]:
    return RULES[rule](manifest)


def source_only_in_base(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (node["name"], f"reads a source in the {layer(node)} layer")
        for node in models(manifest).values()
        if any(parent.startswith("source.") for parent in parents(node)) and layer(node) != "base"
    ]


def layers_flow_forward(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """No model reads a later layer (no mart feeding intermediate); only staging and
    audit read base models; staging reads only base models and seeds."""
    nodes = models(manifest)
    found = []
    for node in nodes.values():
        here = layer(node)
        for parent_id in parents(node):
            if parent_id not in nodes:
                continue
            there = layer(nodes[parent_id])
            parent = name_of(parent_id)
            if LAYER_ORDER[there] > LAYER_ORDER[here]:
                found.append((node["name"], f"{here} model reads {there} model {parent}"))
            elif there == "base" and here not in ("base", "staging", "audit"):
                found.append((node["name"], f"{here} model reads base model {parent}"))
            elif here == "staging" and there != "base":
                found.append((node["name"], f"staging model reads {there} model {parent}"))
    return found


def max_parents(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (node["name"], f"{len(parents(node))} direct parents (at most {MAX_PARENTS})")
        for node in models(manifest).values()
        if len(parents(node)) > MAX_PARENTS
    ]


def keys_with_tests(manifest: dict[str, Any]) -> dict[str, set[tuple[str, ...]]]:
    """Per model, the column lists its `primary_key` / `unique` tests hold unique."""
    keys: dict[str, set[tuple[str, ...]]] = {}
    for test in project_nodes(manifest, "test").values():
        metadata = test.get("test_metadata") or {}
        if metadata.get("name") not in ("primary_key", "unique"):
            continue
        kwargs = metadata.get("kwargs", {})
        columns = kwargs.get("columns") or [kwargs.get("column_name") or test.get("column_name")]
        keys.setdefault(test.get("attached_node"), set()).add(tuple(columns))
    return keys


def primary_key_tested(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """Every model with a relation has a `primary_key` (or `unique`) test. Ephemeral
    models have none: they are inlined into the base model that is tested. A view
    that only filters or widens one parent row for row (no join that can repeat a
    row) is not tested again: its yml declares `meta: {primary_key: [...],
    key_tested_on: <parent>}`, a direct parent whose key on those columns is tested
    or itself declared so."""
    nodes = models(manifest)
    keys = keys_with_tests(manifest)

    def key_of(unique_id: str, seen: frozenset[str] = frozenset()) -> set[tuple[str, ...]]:
        node = nodes[unique_id]
        declared = node["meta"].get("key_tested_on")
        if unique_id in keys or not declared or unique_id in seen:
            return keys.get(unique_id, set())
        parent = f"model.{PACKAGE}.{declared}"
        key = tuple(node["meta"].get("primary_key", []))
        if node["config"]["materialized"] != "view" or parent not in parents(node):
            return set()
        return {key} if key in key_of(parent, seen | {unique_id}) else set()

    return [
        (node["name"], "no primary_key or unique test (nor a key tested on its parent)")
        for unique_id, node in nodes.items()
        if node["config"]["materialized"] != "ephemeral" and not key_of(unique_id)
    ]


def described(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for node in [*models(manifest).values(), *project_nodes(manifest, "seed").values()]:
        if not node["description"].strip():
            found.append((node["name"], f"{node['resource_type']} has no description"))
        found += [
            (node["name"], f"column {column} has no description")
            for column, spec in node["columns"].items()
            if not spec["description"].strip()
        ]
    for source in manifest["sources"].values():
        if not (source["description"].strip() and source["source_description"].strip()):
            found.append((source["name"], "source table has no description"))
        found += [
            (source["name"], f"column {column} has no description")
            for column, spec in source["columns"].items()
            if not spec["description"].strip()
        ]
    for macro in manifest["macros"].values():
        # An `<adapter>__` body is described by the macro that dispatches to it.
        if macro["package_name"] != PACKAGE or re.match(r"^[a-z]+__", macro["name"]):
            continue
        if not macro["description"].strip():
            found.append((macro["name"], "macro has no description"))
    return found


def public_marts_have_contracts(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (node["name"], "mart without an enforced contract")
        for node in models(manifest).values()
        if layer(node) == "marts" and not node["config"]["contract"]["enforced"]
    ]


def exposures_read_public_layers(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """Consumers read marts (and audit, for data quality, and the seeds' reference
    tables), never staging or intermediate."""
    nodes = models(manifest)
    return [
        (exposure["name"], f"reads {layer(nodes[parent])} model {name_of(parent)}")
        for exposure in manifest["exposures"].values()
        for parent in exposure["depends_on"]["nodes"]
        if parent in nodes and layer(nodes[parent]) not in ("marts", "audit")
    ]


def no_hard_coded_relations(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (node["name"], f"hard-coded relation: {match.group(0)}")
        for node in models(manifest).values()
        if node["language"] == "sql"
        for match in HARD_CODED_RELATION.finditer(JINJA_COMMENT.sub("", node["raw_code"]))
    ]


def is_adapter_body(name: str) -> bool:
    return re.match(r"^[a-z]+__", name) is not None and not name.startswith("default__")


def portable_sql(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """DuckDB-only SQL lives in `duckdb__` macros; models, `default__` bodies and
    macros that are not dispatched are portable, so a new adapter fails loudly (no
    `<adapter>__` version) instead of running DuckDB SQL."""
    code = {
        macro["name"]: macro["macro_sql"]
        for macro in manifest["macros"].values()
        if macro["package_name"] == PACKAGE and not is_adapter_body(macro["name"])
    }
    code |= {
        node["name"]: node["raw_code"]
        for node in models(manifest).values()
        if node["language"] == "sql"
    }
    return [
        (name, f"DuckDB-only SQL: {match.group(0)!r}")
        for name, text in code.items()
        for match in DUCKDB_ONLY.finditer(JINJA.sub(" ", text))
    ]


def raw_contract_in_dbt(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """Every raw table of the contract (raw_schema.TABLES) is a source with the same
    columns, read by a base model that uses every column (a PII column it has no use
    for may be left out: the quarantine hashes it from the raw rows), staged by a stg_
    model."""
    names = {node["name"] for node in models(manifest).values()}
    sources = {source["name"]: source for source in manifest["sources"].values()}
    found = []
    for table in raw_schema.TABLES:
        base = f"base_{table.source}__{table.name}"
        for needed in (base, f"{base}_raw", f"stg_{table.source}__{table.name}"):
            if needed not in names:
                found.append((table.name, f"no model {needed}"))
        source = sources.get(table.name)
        if source is None or list(source["columns"]) != table.column_names:
            found.append((table.name, "source columns differ from raw_schema"))
        base_code = next(
            (node["raw_code"] for node in models(manifest).values() if node["name"] == base), ""
        )
        found += [
            (base, f"does not read raw column {column}")
            for column in (column.name for column in table.columns if not column.pii)
            if not re.search(rf"\b{column}\b", base_code)
        ]
    extra = set(sources) - {table.name for table in raw_schema.TABLES}
    found += [(name, "source not in raw_schema.TABLES") for name in sorted(extra)]
    return found


def per_as_of_tagged(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """Tag per_as_of = the models from int_as_of_date to customer_segments, both included.

    A backfill runs `tag:per_as_of` into the *_backfill schemas: a model on the
    way left untagged would be read from the current marts, a tagged one off
    the way would be computed for nothing.
    """
    nodes = models(manifest)
    children: dict[str, list[str]] = {}
    for unique_id, node in nodes.items():
        for parent in parents(node):
            children.setdefault(parent, []).append(unique_id)

    def reach(start: str, step: Any) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for found in step(todo.pop()):
                if found in nodes and found not in seen:
                    seen.add(found)
                    todo.append(found)
        return seen

    after = reach(f"model.{PACKAGE}.int_as_of_date", lambda node: children.get(node, []))
    before = reach(f"model.{PACKAGE}.customer_segments", lambda node: parents(nodes[node]))
    on_the_way = after & before
    found = []
    for unique_id, node in nodes.items():
        tagged = "per_as_of" in node["config"].get("tags", [])
        if unique_id in on_the_way and not tagged:
            found.append(
                (name_of(unique_id), "depends on the as-of date but is not tagged per_as_of")
            )
        elif tagged and unique_id not in on_the_way:
            found.append(
                (
                    name_of(unique_id),
                    "tagged per_as_of but not between int_as_of_date and customer_segments",
                )
            )
    return found


def configured_by_folder(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """Intermediate models live in a folder by domain (models/intermediate/<domain>/),
    and dbt_project.yml configures folders, never a model by name (a model's own
    config block or yml says what is particular to it)."""
    nodes = models(manifest)
    found = [
        (node["name"], "intermediate model outside a domain folder")
        for node in nodes.values()
        if layer(node) == "intermediate" and len(Path(node["original_file_path"]).parts) < 4
    ]
    names = {node["name"] for node in nodes.values()}

    def keys(config: Any, path: str) -> Iterator[tuple[str, str]]:
        for key, value in (config or {}).items() if isinstance(config, dict) else ():
            if not str(key).startswith("+"):
                yield str(key), f"{path}/{key}"
                yield from keys(value, f"{path}/{key}")

    settings = yaml.safe_load((project.project_dir() / "dbt_project.yml").read_text())
    configured = settings["models"][PACKAGE]
    found += [
        (key, f"configured by name in dbt_project.yml ({where})")
        for key, where in keys(configured, "models")
        if key in names
    ]
    return found


# Columns whose description is their own (meta own_description): few, each with its reason.
MAX_OWN_DESCRIPTIONS = 15
MIN_REASON_LENGTH = 40


def one_description_per_column(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """A column name means one thing: across models its rendered descriptions are one text
    (a doc block of models/_columns__docs.md). A column whose meaning differs in its model
    declares why in its yml, `meta: {own_description: "<why>"}`, and is then left out of the
    comparison; a declaration with a short reason, or one whose column reads like the rest,
    is reported too. Seeds and sources are not compared: a seed's columns describe its own
    configuration table, and the sources, like the contract columns of the `_raw` readers,
    are the raw contract's wording per table (generated from raw_schema.py)."""
    contract = {
        f"base_{table.source}__{table.name}_raw": set(table.column_names)
        for table in raw_schema.TABLES
    }
    shared: dict[str, dict[str, list[str]]] = {}
    declared: list[tuple[str, str, str, str]] = []
    for node in models(manifest).values():
        for column, spec in node["columns"].items():
            if column in contract.get(node["name"], ()):
                continue
            reason = (spec.get("meta") or {}).get("own_description")
            if reason is None:
                shared.setdefault(column, {}).setdefault(spec["description"], []).append(
                    node["name"]
                )
            else:
                declared.append((node["name"], column, str(reason), spec["description"]))
    found = [
        (
            column,
            f"described {len(texts)} ways: "
            + " | ".join(
                f"{text[:60]!r} in {', '.join(sorted(names))}" for text, names in texts.items()
            ),
        )
        for column, texts in sorted(shared.items())
        if len(texts) > 1
    ]
    for name, column, reason, description in declared:
        if len(reason) <= MIN_REASON_LENGTH:
            found.append((name, f"column {column}: own_description reason too short"))
        if description in shared.get(column, {description: []}):
            found.append((name, f"column {column}: own_description not needed"))
    if len(declared) > MAX_OWN_DESCRIPTIONS:
        found.append(
            ("own_description", f"{len(declared)} declared (at most {MAX_OWN_DESCRIPTIONS})")
        )
    return found


RULES = {
    "source_only_in_base": source_only_in_base,
    "layers_flow_forward": layers_flow_forward,
    "max_parents": max_parents,
    "primary_key_tested": primary_key_tested,
    "described": described,
    "public_marts_have_contracts": public_marts_have_contracts,
    "exposures_read_public_layers": exposures_read_public_layers,
    "no_hard_coded_relations": no_hard_coded_relations,
    "portable_sql": portable_sql,
    "raw_contract_in_dbt": raw_contract_in_dbt,
    "per_as_of_tagged": per_as_of_tagged,
    "configured_by_folder": configured_by_folder,
    "one_description_per_column": one_description_per_column,
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_project_keeps_its_structure_rule(rule: str, manifest: dict[str, Any]) -> None:
    # WHEN the rule is checked over every node THEN only the allowed exceptions break it
    assert broken(rule, violations_of(rule, manifest)) == []


def test_every_allowed_exception_is_needed_and_the_list_stays_short(
    manifest: dict[str, Any],
) -> None:
    # GIVEN the allow-list WHEN each entry's rule is checked
    live = {(rule, name) for rule in RULES for name, _ in violations_of(rule, manifest)}
    # THEN every entry still breaks its rule (else it is removed), and there are few
    assert sorted(set(ALLOWED) - live) == []
    assert len(ALLOWED) < 6
    assert all(len(reason) > 40 for reason in ALLOWED.values())


def test_rules_catch_what_they_are_for(manifest: dict[str, Any]) -> None:
    # GIVEN a copy of the manifest with one break of each kind planted
    planted = copy.deepcopy(manifest)
    nodes = planted["nodes"]
    segments_id = f"model.{PACKAGE}.customer_segments"
    checked_id = f"model.{PACKAGE}.int_orders_checked"
    predictions_id = f"model.{PACKAGE}.int_clv_predictions"
    nodes[checked_id]["depends_on"]["nodes"].append(f"model.{PACKAGE}.base_crm__customers")
    nodes[predictions_id]["depends_on"]["nodes"].append(segments_id)
    nodes[segments_id]["depends_on"]["nodes"] += [f"model.{PACKAGE}.x{i}" for i in range(3)]
    nodes[segments_id]["config"]["contract"]["enforced"] = False
    nodes[segments_id]["columns"]["abc_class"]["description"] = ""
    nodes[segments_id]["raw_code"] += "\nselect x::integer from raw.orders"
    nodes[f"model.{PACKAGE}.orders"]["meta"]["key_tested_on"] = "customers"
    enriched_meta = nodes[f"model.{PACKAGE}.int_orders_enriched"]["meta"]
    enriched_meta["primary_key"] = ["customer_id"]
    nodes[f"model.{PACKAGE}.int_customers_classified"]["config"]["tags"] = []
    nodes[f"model.{PACKAGE}.prospects"]["config"]["tags"] = ["per_as_of"]
    for test in nodes.values():
        if test.get("attached_node") == f"model.{PACKAGE}.int_customers_classified":
            test["test_metadata"] = {"name": "not_null"}
    # WHEN the rules run THEN each planted break is reported
    assert ("int_orders_checked", "intermediate model reads base model base_crm__customers") in (
        layers_flow_forward(planted)
    )
    assert ("int_clv_predictions", "intermediate model reads marts model customer_segments") in (
        layers_flow_forward(planted)
    )
    assert [name for name, _ in max_parents(planted)].count("customer_segments") == 1
    assert ("customer_segments", "mart without an enforced contract") in (
        public_marts_have_contracts(planted)
    )
    assert ("customer_segments", "column abc_class has no description") in described(planted)
    assert ("customer_segments", "hard-coded relation: from raw.orders") in (
        no_hard_coded_relations(planted)
    )
    assert ("customer_segments", "DuckDB-only SQL: '::'") in portable_sql(planted)
    assert {name for name, _ in per_as_of_tagged(planted)} == {
        "int_customers_classified",
        "prospects",
    }
    nodes[checked_id]["original_file_path"] = "models/intermediate/int_orders_checked.sql"
    assert ("int_orders_checked", "intermediate model outside a domain folder") in (
        configured_by_folder(planted)
    )
    unkeyed = {name for name, _ in primary_key_tested(planted)}
    assert {"orders", "int_orders_enriched", "int_customers_classified"} <= unkeyed
    # a shared column described its own way, and a declaration without a reason worth reading
    nodes[f"model.{PACKAGE}.orders"]["columns"]["customer_id"]["description"] = "The buyer."
    nodes[f"model.{PACKAGE}.customers"]["columns"]["city"]["meta"] = {"own_description": "x"}
    described_apart = {name: why for name, why in one_description_per_column(planted)}
    assert described_apart["customer_id"].startswith("described 2 ways: ")
    assert ("customers", "column city: own_description reason too short") in (
        one_description_per_column(planted)
    )
    assert ("customers", "column city: own_description not needed") in (
        one_description_per_column(planted)
    )


@pytest.fixture(scope="module")
def warehouse_columns(demo_warehouse: DemoWarehouse) -> Iterator[dict[str, list[str]]]:
    con = duckdb.connect(str(demo_warehouse.path), read_only=True)
    try:
        rows = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema in ('staging', 'intermediate', 'marts', 'audit', 'config') "
            "order by table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    yield columns


def test_every_column_of_every_built_model_and_seed_is_documented(
    manifest: dict[str, Any], warehouse_columns: dict[str, list[str]]
) -> None:
    # GIVEN the demo warehouse's relations WHEN their columns are compared with the yml
    undocumented = []
    for node in [*models(manifest).values(), *project_nodes(manifest, "seed").values()]:
        if node.get("config", {}).get("materialized") == "ephemeral":
            continue
        built = warehouse_columns.get(node["name"])
        assert built is not None, f"{node['name']} is not in the demo warehouse"
        documented = list(node["columns"])
        # THEN the yml lists exactly the relation's columns
        if sorted(built) != sorted(documented):
            missing = sorted(set(built) - set(documented))
            extra = sorted(set(documented) - set(built))
            undocumented.append(f"{node['name']}: not in yml {missing}, not built {extra}")
    assert undocumented == []


@pytest.mark.parametrize(
    ("modules", "exposure", "private"),
    [
        (
            tuple(
                f"reporting/{name}.py"
                for name in ("report", "report_data", "html_data", "tiers", "report_html")
            ),
            "segments_report",
            set(),
        ),
        # the clear email of --include-pii is only in the staging layer
        (("reporting/export.py",), "audience_exports", {("staging", "base_crm__customers")}),
    ],
)
def test_exports_read_what_their_exposures_declare(
    manifest: dict[str, Any], modules: tuple[str, ...], exposure: str, private: set[tuple[str, str]]
) -> None:
    # GIVEN the SQL of a `segments` command that hands data to its consumers
    folder = project.project_dir() / "scripts" / "segments"
    code = "\n".join((folder / module).read_text() for module in modules)
    read = set(re.findall(r"\b(marts|audit|config|intermediate|staging)\.([a-z_]+)\b", code))
    # THEN it reads public relations (marts, audit, seeds) declared by its exposure
    public = read - private
    assert {schema for schema, _ in public} <= {"marts", "audit", "config"}
    node = manifest["exposures"][f"exposure.{PACKAGE}.{exposure}"]
    declared = {name_of(parent) for parent in node["depends_on"]["nodes"]}
    assert {table for _, table in public} <= declared


def test_rule_version_hashes_every_var_of_the_rule_sections() -> None:
    # GIVEN the vars dbt_project.yml declares from its rule sections ("--- Rules" on)
    root = project.project_dir()
    declared = project.project_vars()
    in_rule_sections = set(project.rule_vars())
    assert "abc_a_cut" in in_rule_sections and "as_of_date" not in in_rule_sections
    # WHEN the rule_inputs() macro's list is read
    macro = (root / "macros" / "scoring" / "rule_inputs.sql").read_text(encoding="utf-8")
    listed = ast.literal_eval(re.search(r"'vars': (\[.*?\])", macro, re.S).group(1))
    # THEN every rule var is hashed into rule_version, and every listed var exists
    assert sorted(in_rule_sections - set(listed)) == []
    assert sorted(set(listed) - set(declared)) == []

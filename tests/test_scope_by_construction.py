"""Scope by construction: code that touches members' rows takes a scope, or says why not.

A public function of a domain package that names a member-owned table (one with a
``member_id``, an ``asset_id`` or a ``series_id``) must take a ``scope`` parameter, be
named ``*_unscoped``, or be listed with its reason in its module's ``UNSCOPED`` mapping;
a whole system module (the store, the central system's recording) states its reason once
in ``UNSCOPED_REASON``. The web and command-line layers never name these tables: they call
the domain packages.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Table

from convergence.db.schema import load_all_tables

PACKAGE = Path(__file__).parents[1] / "src" / "convergence"
EDGES = frozenset({"web", "cli"})
NOT_DOMAIN = frozenset({"demo", "simulation", "db"})  # the demo builds its own territory


def member_owned() -> frozenset[str]:
    keys = {"member_id", "asset_id", "series_id"}
    return frozenset(t.name for t in load_all_tables().sorted_tables if keys & set(t.c.keys()))


def modules(*, under: frozenset[str] | None = None) -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if len(parts) == 1 or "migrations" in parts or parts[0] in NOT_DOMAIN:
            continue
        if (under is None and parts[0] not in EDGES) or (under and parts[0] in under):
            yield "convergence." + ".".join(parts), path


def owned_tables_named(module_name: str, owned: frozenset[str]) -> frozenset[str]:
    module = importlib.import_module(module_name)
    return frozenset(
        name
        for name, value in vars(module).items()
        if isinstance(value, Table) and value.name in owned
    )


def unscoped_functions(module_name: str, path: Path, owned: frozenset[str]) -> list[str]:
    module = importlib.import_module(module_name)
    if getattr(module, "UNSCOPED_REASON", ""):
        return []
    allowed = getattr(module, "UNSCOPED", {})
    tables = owned_tables_named(module_name, owned)
    found = []
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        arguments = {a.arg for a in [*node.args.args, *node.args.kwonlyargs]}
        exempt = "scope" in arguments or node.name.endswith("_unscoped") or node.name in allowed
        if names & tables and not exempt:
            found.append(f"{module_name}.{node.name} uses {sorted(names & tables)}")
    return found


def test_the_walk_sees_the_member_owned_tables() -> None:
    owned = member_owned()
    assert {"assets", "readings", "series", "alerts", "dead_letters"} <= owned
    assert owned_tables_named("convergence.registry.service", owned)


def test_every_domain_function_on_members_rows_takes_a_scope_or_says_why() -> None:
    owned = member_owned()
    missing = [f for name, path in modules() for f in unscoped_functions(name, path, owned)]
    assert missing == []


def test_every_stated_reason_is_a_sentence_about_a_real_function() -> None:
    for name, _path in modules():
        module = importlib.import_module(name)
        for function, reason in getattr(module, "UNSCOPED", {}).items():
            assert callable(getattr(module, function, None)), f"{name}.{function}"
            assert len(reason.split()) >= 4, f"{name}.{function}: say why"
        if hasattr(module, "UNSCOPED_REASON"):
            assert len(module.UNSCOPED_REASON.split()) >= 4, name


@pytest.mark.parametrize("layer", sorted(EDGES))
def test_the_edges_never_name_a_member_owned_table(layer: str) -> None:
    owned = member_owned()
    naming = [
        name for name, _ in modules(under=frozenset({layer})) if owned_tables_named(name, owned)
    ]
    assert naming == []

"""The core names no service line: no installed line's name is a key of a dispatch dict, a
side of a comparison, or a ``Domain.<line>`` member in a core module; nor is a simulated kind
of a line (``FleetContribution.kind``: ``water_sensor``), nor a member named after one of an
enum of the core (a ``SimKind.water_sensor`` that the demo would dispatch on).

The line packages (``convergence/lines/``, and a top-level package named after its line such
as ``convergence/video/``) may name lines; so may the debts listed in ``KNOWN``, each with
its reason. The simulation and the demo name none: their fleet, its setup, the cameras and
the planned projects are what the lines contribute. A listed debt that is paid must leave
the list.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import convergence
from convergence.servicelines import service_lines
from convergence.simulation.fleet import fleet_kinds

ROOT = Path(convergence.__file__).parent
ALLOWED_PACKAGES = {"lines"}
# The core's asset kinds (``registry.kinds.AssetKind``): a simulated kind may bear the name of
# the asset kind of its assets (``charge_point``), which the core may name.
CORE_KINDS = "AssetKind"

# (module, name): why it still names the line (or its simulated kind).
KNOWN: dict[tuple[str, str], str] = {}


def _named(node: ast.AST, names: set[str], kinds: frozenset[str] = frozenset()) -> Iterator[str]:
    """Line names ``node`` uses as a dispatch key, a compared value or a ``Domain`` member, and
    simulated ``kinds`` it uses so or as the member of an enum other than the asset kinds."""
    candidates: list[ast.expr] = []
    if isinstance(node, ast.Dict):
        candidates = [key for key in node.keys if key is not None]
    elif isinstance(node, ast.Compare):
        candidates = [node.left, *node.comparators]
    elif isinstance(node, ast.Attribute):
        candidates = [node]
    for item in candidates:
        if isinstance(item, ast.Constant) and item.value in names | kinds:
            yield str(item.value)
        if isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name):
            enum = item.value.id
            line = enum == "Domain" and item.attr in names
            if line or (enum != CORE_KINDS and item.attr in kinds):
                yield item.attr


def _core_namings(names: set[str], kinds: frozenset[str] = frozenset()) -> set[tuple[str, str]]:
    found = set()
    for path in sorted(ROOT.rglob("*.py")):
        module = path.relative_to(ROOT)
        if len(module.parts) > 1 and module.parts[0] in ALLOWED_PACKAGES | names:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found |= {(module.as_posix(), name) for name in _named(node, names, kinds)}
    return found


def test_no_core_module_names_a_line() -> None:
    names = set(service_lines().names())
    found = _core_namings(names, frozenset(fleet_kinds()))
    assert found - KNOWN.keys() == set(), "dispatch on the line's declaration instead"
    assert KNOWN.keys() - found == set(), "a debt was paid: remove it from KNOWN"


def test_the_scan_sees_each_kind_of_naming() -> None:
    source = 'X = {"air": 1}\nif d == "noise": pass\ny = Domain.water\nz = {"other": 2}\n'
    found = {
        name
        for node in ast.walk(ast.parse(source))
        for name in _named(node, {"air", "noise", "water"})
    }
    assert found == {"air", "noise", "water"}


def test_the_scan_sees_a_dispatch_on_simulated_kinds() -> None:
    source = (
        "a = [x for x in p if x.sim_kind == SimKind.water_sensor]\n"
        'b = {"charge_point": 1}\n'
        "c = AssetKind.charge_point\n"
        "d = SimKind.noise_sensor\n"
    )
    kinds = frozenset({"water_sensor", "charge_point", "noise_sensor"})
    found = [name for node in ast.walk(ast.parse(source)) for name in _named(node, set(), kinds)]
    assert sorted(found) == ["charge_point", "noise_sensor", "water_sensor", "water_sensor"]

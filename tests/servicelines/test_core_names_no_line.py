"""The core names no service line: no installed line's name is a key of a dispatch dict, a
side of a comparison, or a ``Domain.<line>`` member in a core module.

The line packages (``convergence/lines/``, and a top-level package named after its line such
as ``convergence/video/``) may name lines; so may the debts listed in ``KNOWN``, each with
its reason (the demo's story: its planned projects, its cameras). The simulation names none:
its fleet is what the lines contribute. A listed debt that is paid must leave the list.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import convergence
from convergence.servicelines import service_lines

ROOT = Path(convergence.__file__).parent
ALLOWED_PACKAGES = {"lines"}

# (module, line): why it still names the line.
PLANNED = "the demo's planned projects, a story told commune by commune"
CAMERAS = "the demo's cameras, not part of the simulated fleet"
KNOWN: dict[tuple[str, str], str] = {
    ("demo/projects.py", "air"): PLANNED,
    ("demo/projects.py", "noise"): PLANNED,
    ("demo/projects.py", "traffic"): PLANNED,
    ("demo/projects.py", "water"): PLANNED,
    ("demo/projects.py", "lighting"): PLANNED,
    ("demo/projects.py", "charging"): PLANNED,
    ("demo/projects.py", "video"): PLANNED + "; " + CAMERAS,
    ("demo/catalogue.py", "video"): CAMERAS + " (their device model)",
    ("demo/equipment.py", "video"): CAMERAS + " (the units of their project)",
    ("demo/video.py", "video"): CAMERAS + " (recorders, registers)",
}


def _named(node: ast.AST, names: set[str]) -> Iterator[str]:
    """Line names ``node`` uses as a dispatch key, a compared value or a ``Domain`` member."""
    candidates: list[ast.expr] = []
    if isinstance(node, ast.Dict):
        candidates = [key for key in node.keys if key is not None]
    elif isinstance(node, ast.Compare):
        candidates = [node.left, *node.comparators]
    elif isinstance(node, ast.Attribute):
        candidates = [node]
    for item in candidates:
        if isinstance(item, ast.Constant) and item.value in names:
            yield str(item.value)
        if (
            isinstance(item, ast.Attribute)
            and isinstance(item.value, ast.Name)
            and item.value.id == "Domain"
            and item.attr in names
        ):
            yield item.attr


def _core_namings(names: set[str]) -> set[tuple[str, str]]:
    found = set()
    for path in sorted(ROOT.rglob("*.py")):
        module = path.relative_to(ROOT)
        if len(module.parts) > 1 and module.parts[0] in ALLOWED_PACKAGES | names:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found |= {(module.as_posix(), name) for name in _named(node, names)}
    return found


def test_no_core_module_names_a_line() -> None:
    names = set(service_lines().names())
    found = _core_namings(names)
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

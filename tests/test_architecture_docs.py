"""docs/architecture.md stays true: its packages, its layers and its processes are the code's."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
DOC = (ROOT / "docs" / "architecture.md").read_text()
PACKAGE = ROOT / "src" / "convergence"


def test_every_top_level_package_and_module_is_on_the_map() -> None:
    names = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    names |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    missing = sorted(n for n in names if f"`convergence.{n}`" not in DOC)
    assert missing == []


def test_the_map_names_no_package_that_is_gone() -> None:
    named = set(re.findall(r"`convergence\.(\w+)`", DOC))
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    packages = {n for n in named if f"convergence.{n}" not in groups}
    gone = sorted(n for n in packages if not any(PACKAGE.glob(f"{n}*")))
    assert gone == []


def test_the_layers_are_the_import_linter_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    layers = DOC.split("## Layers")[1].split("\n## ")[0]
    documented = re.findall(r"^\d+\. (.+)$", layers, flags=re.MULTILINE)
    as_written = [
        " · ".join(f"`{m.strip()}`" for m in layer.split("|")) for layer in contract["layers"]
    ]
    assert documented == as_written


def test_every_process_that_builds_a_runtime_is_listed() -> None:
    builders = sorted(
        path.stem
        for path in (PACKAGE / "cli").glob("*.py")
        if "open_runtime(" in path.read_text() or "Runtime.build(" in path.read_text()
    )
    commands = {
        "serve": "convergence serve",
        "ingest": "convergence ingest mqtt",
        "demo": "convergence demo",
        "deadletters": "convergence deadletters replay",
    }
    missing = [name for name in builders if name in commands and f"`{commands[name]}`" not in DOC]
    assert missing == []
    assert {"serve", "ingest", "demo", "deadletters"} <= set(builders)

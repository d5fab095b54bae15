"""The documentation lists every setting and every command (it fails when one is missing)."""

from __future__ import annotations

from pathlib import Path

import typer.main
from typer import _click as click
from typer.core import TyperGroup

from convergence.cli.main import app
from convergence.settings import Settings

DOCS = Path(__file__).parents[1] / "docs"


def _command_paths(group: typer.Typer, prefix: str = "convergence") -> list[str]:
    root = typer.main.get_command(group)
    paths: list[str] = []

    def walk(command: click.Command, path: str, parent: click.Context | None) -> None:
        context = click.Context(command, info_name=command.name, parent=parent)
        if not isinstance(command, TyperGroup):
            paths.append(path)
            return
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None, f"{path} {name} is listed but cannot be loaded"
            walk(sub, f"{path} {name}", context)

    walk(root, prefix, None)
    return paths


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    missing = [
        f"CONVERGENCE_{name.upper()}"
        for name in Settings.model_fields
        if f"`CONVERGENCE_{name.upper()}`" not in text
    ]
    assert missing == []


def test_every_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    missing = [path for path in _command_paths(app) if f"`{path}`" not in text]
    assert missing == []


def test_the_readme_opens_with_the_two_commands() -> None:
    head = (Path(__file__).parents[1] / "README.md").read_text().splitlines()[:30]
    assert any("convergence serve" in line or "convergence demo" in line for line in head)
    assert any("pytest" in line for line in head)

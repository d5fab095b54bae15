"""``convergence coordination generate`` and ``list`` against a real database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from convergence.cli.main import app
from convergence.settings import get_settings
from tests.coordination.builders import LE_CHESNAY, VERSAILLES, Builder

runner = CliRunner()


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("CONVERGENCE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONVERGENCE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_generate_then_list_from_the_command_line(cli_env: None, build: Builder) -> None:
    build.project(build.commune(VERSAILLES), start=date(2027, 3, 1), units=12)
    build.project(build.commune(LE_CHESNAY), start=date(2027, 5, 1), units=8)

    first = runner.invoke(app, ["coordination", "generate"])
    assert first.exit_code == 0, first.output
    assert "1 nouvelle(s), 0 mise(s) à jour, 0 inchangée(s)" in first.output
    second = runner.invoke(app, ["coordination", "generate"])
    assert "0 nouvelle(s), 0 mise(s) à jour, 1 inchangée(s)" in second.output

    listing = runner.invoke(app, ["coordination", "list", "--kind", "joint_purchase"])
    assert listing.exit_code == 0, listing.output
    assert "joint_purchase" in listing.output
    assert "1 proposition(s) sur 1." in listing.output
    empty = runner.invoke(app, ["coordination", "list", "--domain", "noise"])
    assert "0 proposition(s) sur 0." in empty.output


def test_an_unknown_kind_is_refused(cli_env: None) -> None:
    result = runner.invoke(app, ["coordination", "list", "--kind", "nope"])
    assert result.exit_code == 2

"""``convergence alerts``: one scheduled run, the list, the digest."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from convergence.cli.main import app
from convergence.db.types import utcnow
from convergence.members.roles import Role
from convergence.settings import get_settings
from tests.alerts.conftest import user_scope
from tests.alerts.flow import ingest, rule
from tests.support import Territory

runner = CliRunner()


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("CONVERGENCE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONVERGENCE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_evaluate_list_and_digest_from_the_command_line(
    cli_env: None, engine: Engine, territory: Territory, river_sensor: int
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Limnimètre muet",
        target_kind="asset",
        asset_id=river_sensor,
        params={"kind": "silence", "max_silence_s": 600},
    )
    an_hour_ago = utcnow() - timedelta(hours=1)
    ingest(engine, asset_id=river_sensor, member_id=territory.versailles.id,
           points=[(an_hour_ago, 1.0)], now=an_hour_ago)  # fmt: skip
    result = runner.invoke(app, ["alerts", "evaluate"])
    assert result.exit_code == 0, result.output
    assert "1 alerte(s) déclenchée(s)" in result.output
    listed = runner.invoke(app, ["alerts", "list", "--member", "78646", "--open"])
    assert listed.exit_code == 0
    assert "Limnimètre" in listed.output
    digest = runner.invoke(app, ["alerts", "digest", "--member", "78646"])
    assert digest.exit_code == 0
    assert "Alertes toujours en cours : 1" in digest.output
    bad = runner.invoke(app, ["alerts", "digest", "--member", "78646", "--day", "hier"])
    assert bad.exit_code == 2
    assert runner.invoke(app, ["alerts", "deliveries", "--failed"]).exit_code == 0

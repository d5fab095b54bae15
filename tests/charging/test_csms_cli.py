"""``convergence charging``: passwords, IRVE files, alert rules, offline sweep."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from convergence.alerts.tables import alert_rules
from convergence.charging.credentials import verify_authorization_key
from convergence.charging.tables import charge_points
from convergence.cli.main import app
from convergence.db.types import utcnow
from convergence.settings import get_settings
from tests.charging.conftest import register_charge_point, rows
from tests.support import Territory

runner = CliRunner()


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("CONVERGENCE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONVERGENCE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_set_password_generates_a_key_shown_once(
    cli_env: None, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-CLI", password=None)
    code, out = invoke("charging", "set-password", "--ocpp-id", "CP-CLI")
    assert code == 0, out
    [key] = re.findall(r"\b[0-9a-f]{40}\b", out)
    [row] = rows(engine, select(charge_points.c.password_hash))
    assert verify_authorization_key(row.password_hash, key)
    code, out = invoke("charging", "set-password", "--ocpp-id", "CP-CLI", "--password", "short")
    assert code == 2
    assert "16" in out
    assert invoke("charging", "set-password", "--ocpp-id", "NOPE")[0] == 2


def test_irve_files_are_written_only_when_valid(
    cli_env: None, engine: Engine, territory: Territory, tmp_path: Path
) -> None:
    register_charge_point(engine, territory.versailles, "CP-CLI")
    target = tmp_path / "statique.csv"
    code, out = invoke("charging", "irve", "--kind", "static", "-o", str(target))
    assert code == 2
    assert "no charging point" in out
    assert not target.exists()
    dynamic = tmp_path / "dynamique.csv"
    code, out = invoke(
        "charging", "irve", "--kind", "dynamic", "-o", str(dynamic), "--member", "78646"
    )
    assert code == 0, out
    assert dynamic.read_text().startswith("id_pdc_itinerance,etat_pdc")


def test_alert_rules_and_offline_sweep(cli_env: None, engine: Engine, territory: Territory) -> None:
    code, out = invoke("charging", "alert-rules", "--member", "78646")
    assert code == 0, out
    # Faulted, unavailable, offline, failing sessions.
    assert len(rows(engine, select(alert_rules))) == 4
    asset_id = register_charge_point(engine, territory.versailles, "CP-SWEEP")
    with engine.begin() as conn:
        conn.execute(
            update(charge_points)
            .where(charge_points.c.asset_id == asset_id)
            .values(online=True, heartbeat_interval_s=60, last_seen_at=utcnow().replace(year=2025))
        )
    code, out = invoke("charging", "sweep")
    assert code == 0, out
    assert "1 borne" in out
    [row] = rows(engine, select(charge_points.c.online))
    assert row.online is False

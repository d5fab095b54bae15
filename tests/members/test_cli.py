"""The command line, run in-process against a real database: outputs and exit codes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from typer.testing import CliRunner

from convergence.cli.main import app
from convergence.members.tables import audit_log
from convergence.settings import get_settings

runner = CliRunner()


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Point the CLI at the test database (as an operator would with the env variable)."""
    monkeypatch.setenv("CONVERGENCE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONVERGENCE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def invoke(*args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.output


def test_an_operator_sets_up_a_commune_from_the_command_line(cli_env: None, tmp_path: Path) -> None:
    code, out = invoke(
        "members",
        "create",
        "--siren",
        "217806462",
        "--name",
        "Versailles",
        "--kind",
        "commune",
        "--insee",
        "78646",
    )
    assert code == 0, out
    code, out = invoke(
        "users",
        "create",
        "--member",
        "78646",
        "--email",
        "tech@versailles.fr",
        "--role",
        "technician",
        "--password",
        "un mot de passe long",
    )
    assert code == 0, out
    code, out = invoke(
        "tokens",
        "create",
        "--member",
        "Versailles",
        "--name",
        "capteurs",
        "--scope",
        "ingest",
        "--scope",
        "read",
    )
    assert code == 0, out
    assert "cvg_" in out
    token_id = re.search(r"Jeton #(\d+)", out).group(1)  # type: ignore[union-attr]
    csv_file = tmp_path / "equipements.csv"
    csv_file.write_text("nom,type,longitude,latitude\nMât 1,sensor,2.1301,48.8049\n")
    code, out = invoke("assets", "import", str(csv_file), "--member", "217806462")
    assert code == 0, out
    assert "1 équipements importés" in out
    code, out = invoke("assets", "export", "--member", "78646")
    assert "Mât 1,sensor" in out
    code, out = invoke("tokens", "list")
    assert code == 0, out
    assert f"│ {token_id} " in out or f" {token_id} " in out
    code, out = invoke("tokens", "revoke", token_id)
    assert code == 0, out
    code, out = invoke("audit", "verify")
    assert code == 0, out


def test_errors_exit_with_code_2_and_one_line(cli_env: None, tmp_path: Path) -> None:
    code, out = invoke("members", "create", "--siren", "12", "--name", "X", "--kind", "commune")
    assert code != 0
    code, out = invoke(
        "users",
        "create",
        "--member",
        "99999",
        "--email",
        "a@b.fr",
        "--role",
        "viewer",
        "--password",
        "un mot de passe long",
    )
    assert code == 2
    assert "no member matches" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind\nok,sensor\n,sensor\n")
    invoke(
        "members",
        "create",
        "--siren",
        "217806462",
        "--name",
        "Versailles",
        "--kind",
        "commune",
        "--insee",
        "78646",
    )
    code, out = invoke("assets", "import", str(bad), "--member", "78646")
    assert code == 2
    assert "ligne 3" in out
    assert "rien n'a été importé" in out


def test_audit_verify_detects_a_modified_row(cli_env: None, engine: Engine) -> None:
    invoke(
        "members",
        "create",
        "--siren",
        "217806462",
        "--name",
        "Versailles",
        "--kind",
        "commune",
        "--insee",
        "78646",
    )
    invoke("tokens", "create", "--member", "78646", "--name", "t", "--scope", "read")
    assert invoke("audit", "verify")[0] == 0
    with engine.begin() as conn:
        first = conn.execute(select(func.min(audit_log.c.id))).scalar_one()
        conn.execute(update(audit_log).where(audit_log.c.id == first).values(actor="quelqu'un"))
    code, out = invoke("audit", "verify")
    assert code == 2
    assert f"altéré à l'entrée #{first}" in out

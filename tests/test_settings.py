"""Settings: sensible defaults, and secrets that refuse placeholders outside development."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from convergence.settings import Environment, Settings


def test_the_default_database_is_a_sqlite_file_in_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve()}/convergence.sqlite3"
    assert settings.is_embedded_database


def test_the_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/convergence"
    monkeypatch.setenv("CONVERGENCE_DATABASE_URL", url)
    assert Settings().resolved_database_url == url
    assert not Settings().is_embedded_database


@pytest.mark.parametrize("environment", [Environment.production, Environment.test])
@pytest.mark.parametrize("secret", ["dev-secret-key", "changethis", "short-but-random-3f9a"])
def test_placeholder_or_short_secrets_are_refused_outside_development(
    environment: Environment, secret: str
) -> None:
    with pytest.raises(ValidationError, match="CONVERGENCE_SECRET_KEY"):
        Settings(environment=environment, secret_key=secret)


def test_development_runs_with_the_development_secret() -> None:
    assert Settings(environment=Environment.development).secret_key.get_secret_value()

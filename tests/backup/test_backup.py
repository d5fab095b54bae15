"""Backup then restore into an empty database gives identical counts and checksums."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from convergence.backup.checksums import canonical, database_digests
from convergence.backup.errors import BackupBackendMismatch, BackupCorrupted, RestoreRefused
from convergence.backup.manifest import manifest_path
from convergence.backup.service import create_backup, restore_backup
from convergence.cli.main import app
from convergence.settings import get_settings
from tests.support import Territory
from tests.timeseries.queries_support import make_asset, regular, store

T0 = datetime(2026, 11, 2, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture
def filled(engine: Engine, territory: Territory) -> Engine:
    """Members, users, tokens, assets, two days of readings with their rollups."""
    v = territory.versailles.id
    asset = make_asset(engine, member_id=v, name="Sonomètre", domain="noise", where="versailles")
    values = [50.0 + (i % 23) / 3 for i in range(288)]
    store(
        engine,
        asset_id=asset,
        member_id=v,
        quantity="laeq",
        points=regular(T0, timedelta(minutes=10), values),
    )
    return engine


@pytest.fixture
def empty_target(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """The URL of a database that does not exist yet, on the same backend; dropped afterwards."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'convergence.sqlite3'}"
        return
    name = f"convergence_restore_{secrets.token_hex(4)}"
    url = engine.url.set(database=name)
    yield url.render_as_string(hide_password=False)
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _digests(url: str) -> list[object]:
    target = create_engine(url)
    try:
        with target.connect() as conn:
            return list(database_digests(conn))
    finally:
        target.dispose()


def _exists(engine: Engine, url: str) -> bool:
    if engine.dialect.name == "sqlite":
        return Path(make_url(url).database or "").exists()
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": make_url(url).database}
        ).first()
    return found is not None


def test_backup_then_restore_gives_identical_counts_and_checksums(
    filled: Engine, tmp_path: Path, empty_target: str
) -> None:
    result = create_backup(engine=filled, output_dir=tmp_path / "backups")
    with filled.connect() as conn:
        source = database_digests(conn)
    assert result.manifest.tables == source
    by_name = {d.name: d.rows for d in source}
    assert by_name["readings"] == 288
    assert by_name["readings_hourly"] == 48
    assert by_name["members"] == 4
    summary = restore_backup(backup_file=result.file, target_url=empty_target)
    assert summary.rows == result.manifest.total_rows
    assert _digests(empty_target) == source


def test_a_corrupted_backup_is_refused_before_touching_the_target(
    filled: Engine, tmp_path: Path, empty_target: str
) -> None:
    result = create_backup(engine=filled, output_dir=tmp_path)
    content = bytearray(result.file.read_bytes())
    content[len(content) // 2] ^= 0x01
    result.file.write_bytes(bytes(content))
    with pytest.raises(BackupCorrupted, match="CORRUPTED BACKUP"):
        restore_backup(backup_file=result.file, target_url=empty_target)
    assert not _exists(filled, empty_target)


def test_a_backup_without_its_manifest_is_refused(
    filled: Engine, tmp_path: Path, empty_target: str
) -> None:
    result = create_backup(engine=filled, output_dir=tmp_path)
    manifest_path(result.file).unlink()
    with pytest.raises(BackupCorrupted, match="manifest"):
        restore_backup(backup_file=result.file, target_url=empty_target)


def test_a_database_with_data_is_not_overwritten_without_force(
    filled: Engine, tmp_path: Path
) -> None:
    result = create_backup(engine=filled, output_dir=tmp_path)
    source_url = filled.url.render_as_string(hide_password=False)
    with pytest.raises(RestoreRefused, match="--force"):
        restore_backup(backup_file=result.file, target_url=source_url)


def test_force_replaces_a_database(filled: Engine, tmp_path: Path, empty_target: str) -> None:
    result = create_backup(engine=filled, output_dir=tmp_path)
    restore_backup(backup_file=result.file, target_url=empty_target)
    again = restore_backup(backup_file=result.file, target_url=empty_target, force=True)
    assert again.rows == result.manifest.total_rows


def test_a_backup_restores_into_its_own_backend_only(filled: Engine, tmp_path: Path) -> None:
    result = create_backup(engine=filled, output_dir=tmp_path)
    other = (
        "postgresql+psycopg://postgres@127.0.0.1:5432/nowhere"
        if filled.dialect.name == "sqlite"
        else f"sqlite:///{tmp_path / 'x.sqlite3'}"
    )
    with pytest.raises(BackupBackendMismatch):
        restore_backup(backup_file=result.file, target_url=other)


def test_checksums_see_values_not_their_spelling() -> None:
    assert canonical(Decimal("12.50")) == canonical(Decimal("12.5")) == "12.5"
    assert canonical(Decimal("100")) == "100"
    assert canonical(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00+00:00"
    assert canonical({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'
    assert canonical(0.1) == (0.1).hex()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("CONVERGENCE_DATA_DIR", str(tmp_path / "data"))
    yield monkeypatch
    get_settings.cache_clear()


def test_the_backup_and_restore_commands(
    filled: Engine, tmp_path: Path, empty_target: str, cli_env: pytest.MonkeyPatch
) -> None:
    cli_env.setenv("CONVERGENCE_DATABASE_URL", filled.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    made = runner.invoke(app, ["backup", "--output", str(tmp_path / "out")])
    assert made.exit_code == 0, made.output
    assert "Sauvegarde terminée" in made.output
    (backup_file,) = [p for p in (tmp_path / "out").iterdir() if not p.name.endswith(".json")]
    cli_env.setenv("CONVERGENCE_DATABASE_URL", empty_target)
    get_settings.cache_clear()
    restored = runner.invoke(app, ["restore", str(backup_file)])
    assert restored.exit_code == 0, restored.output
    assert "Restauration terminée et vérifiée" in restored.output
    backup_file.write_bytes(backup_file.read_bytes()[:-1])
    refused = runner.invoke(app, ["restore", str(backup_file), "--force"])
    assert refused.exit_code == 2
    assert "CORRUPTED BACKUP" in refused.output


def test_a_backup_and_its_manifest_are_readable_by_their_owner_only(
    filled: Engine, tmp_path: Path
) -> None:
    # Finding 9 of #13: backups were written 0644, readable by every account of the server.
    previous = os.umask(0o022)  # the usual umask, which used to give 0644
    try:
        result = create_backup(engine=filled, output_dir=tmp_path / "backups")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(result.file.stat().st_mode) == 0o600
    assert stat.S_IMODE(result.manifest_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700

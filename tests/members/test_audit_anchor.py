"""The audit chain is keyed and its head anchored outside the database (finding 8 of #13).

Before: deleting the last rows, or editing a row and recomputing the following hashes,
passed ``convergence audit verify``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, delete, func, select, update
from typer.testing import CliRunner

from convergence.cli.main import app
from convergence.db.engine import make_engine
from convergence.members import audit, audit_checkpoint
from convergence.members.tables import audit_log
from convergence.settings import get_settings

runner = CliRunner()


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("CONVERGENCE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONVERGENCE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def write_some_entries() -> None:
    invoke("members", "create", "--siren", "217806462", "--name", "Versailles",
           "--kind", "commune", "--insee", "78646")  # fmt: skip
    for name in ("a", "b", "c"):
        invoke("tokens", "create", "--member", "78646", "--name", name, "--scope", "read")


def rechain(conn: Connection, *, key: bytes | None, start: int) -> None:
    """Recompute every hash from entry ``start`` on, as a forger would."""
    rows = conn.execute(select(audit_log).order_by(audit_log.c.id)).all()
    prev = audit.GENESIS_HASH
    for row in rows:
        if row.id >= start:
            fields = {c: getattr(row, c) for c in ("ts", "actor", "member_id", "action", "target")}
            digest = audit.entry_hash(prev_hash=prev, details=row.details, key=key, **fields)
            conn.execute(
                update(audit_log)
                .where(audit_log.c.id == row.id)
                .values(prev_hash=prev, hash=digest)
            )
            prev = digest
        else:
            prev = row.hash


def test_cutting_the_last_entries_is_detected(cli_env: Path, engine: Engine) -> None:
    write_some_entries()
    assert invoke("audit", "verify")[0] == 0
    assert (cli_env / "audit-checkpoint.json").exists()
    with engine.begin() as conn:
        last = conn.execute(select(func.max(audit_log.c.id))).scalar_one()
        conn.execute(delete(audit_log).where(audit_log.c.id >= last - 1))
    code, out = invoke("audit", "verify")
    assert code == 2, out
    assert "truncated" in out


def test_a_rewrite_with_recomputed_hashes_is_detected(cli_env: Path, engine: Engine) -> None:
    write_some_entries()
    assert invoke("audit", "verify")[0] == 0
    with engine.begin() as conn:
        second = conn.execute(select(audit_log.c.id).order_by(audit_log.c.id).offset(1)).scalar()
        conn.execute(update(audit_log).where(audit_log.c.id == second).values(actor="falsifié"))
        rechain(conn, key=None, start=second)  # SHA-256: the forger does not have the key
    code, out = invoke("audit", "verify")
    assert code == 2, out
    assert f"#{second}" in out
    with engine.begin() as conn:
        rechain(conn, key=None, start=0)  # every entry "unkeyed": the chain alone passes…
    with engine.connect() as conn:
        assert audit.verify_chain(conn)[1] is None
    code, out = invoke("audit", "verify")
    assert code == 2, out  # …but not the anchored head
    assert "rewritten" in out


def test_a_forged_checkpoint_is_refused(cli_env: Path) -> None:
    write_some_entries()
    assert invoke("audit", "verify")[0] == 0
    path = cli_env / "audit-checkpoint.json"
    forged = json.loads(path.read_text()) | {"entries": 1}
    path.write_text(json.dumps(forged))
    code, out = invoke("audit", "verify")
    assert code == 2, out
    assert "signature" in out


def test_the_chain_does_not_verify_under_another_key(engine: Engine, territory: object) -> None:
    other = make_engine(engine.url.render_as_string(hide_password=False), audit_key=b"k" * 32)
    try:
        with other.connect() as conn:
            checked, broken = audit.verify_chain(conn)
    finally:
        other.dispose()
    assert checked == 0
    assert broken is not None
    with engine.connect() as conn:
        assert audit.verify_chain(conn)[1] is None


def test_a_backup_manifest_carries_a_signed_checkpoint(cli_env: Path) -> None:
    write_some_entries()
    code, out = invoke("backup", "--output", str(cli_env / "backups"))
    assert code == 0, out
    [manifest] = (cli_env / "backups").glob("*.manifest.json")
    anchor = json.loads(manifest.read_text())["audit_checkpoint"]
    checked = audit_checkpoint.checked(anchor, key=get_settings().resolved_audit_key)
    assert checked.entries >= 4

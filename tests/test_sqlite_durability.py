"""An acknowledged reading survives a power loss on SQLite too (finding 9 of #13).

Before: ``synchronous=NORMAL`` in WAL mode kept commits through a crash of the process but
not through a power loss, although the API acknowledges a reading only once it is durable.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from convergence.db.engine import make_engine

FULL = 2


def test_every_sqlite_connection_syncs_each_commit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'durable.sqlite3'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA synchronous")).scalar_one() == FULL
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    finally:
        engine.dispose()

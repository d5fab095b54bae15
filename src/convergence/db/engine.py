"""Engine factory: SQLite (WAL) for the embedded default, PostgreSQL (psycopg 3) in production."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

# Where a connection carries the key of the audit chain's HMAC (members/audit.py): the key
# comes from the settings, never from the database it protects.
AUDIT_KEY_INFO = "convergence_audit_key"
# An execution option for the connections that write: on SQLite only their transaction takes
# the write lock up front (see ``writing``); the others read a snapshot beside the writer.
WRITING = "convergence_writing"


def make_engine(url: str, *, audit_key: bytes | None = None, **kwargs: Any) -> Engine:
    """Create the engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout.

    ``audit_key`` keys the audit chain written and checked through this engine (without it,
    the development key: entries written so do not verify in production).
    """
    engine = _make_engine(url, **kwargs)
    if audit_key is not None:

        def carry_key(_dbapi_connection: Any, record: Any) -> None:
            record.info[AUDIT_KEY_INFO] = audit_key

        event.listen(engine, "connect", carry_key)
    return engine


# Connections kept open between requests: a server runs up to 40 requests at once (the thread
# pool); with SQLAlchemy's default of 5, every request beyond them opened and closed its own
# connection (on SQLite with its PRAGMAs, on PostgreSQL with a new backend process).
POOL = {"pool_size": 20, "max_overflow": 20}


def _make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    file_or_server = parsed.get_backend_name() == "postgresql" or parsed.database not in (
        None,
        "",
        ":memory:",
    )
    if file_or_server:
        kwargs = {**POOL, **kwargs}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        engine.begin = _writing_begin(engine)  # type: ignore[method-assign]
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy drive transactions (pysqlite's implicit BEGIN is disabled here and
    # issued in _sqlite_begin instead).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: WAL is synced at every commit, so what was acknowledged (HTTP answered, MQTT
    # PUBACK sent) also survives a power loss, not only a crash of the process.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Writers take the lock up front: no "database is locked" upgrade failures mid-transaction.
    # Every other transaction only reads: deferred, it reads a snapshot beside the writer (WAL)
    # instead of queueing behind it, so a slow write never holds a page or /healthz.
    if conn.get_execution_options().get(WRITING):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def writing(conn: Connection) -> Connection:
    """Mark a connection whose next transaction writes (``engine.begin()`` does it itself)."""
    return conn.execution_options(**{WRITING: True})


def _writing_begin(engine: Engine) -> Any:
    """``engine.begin()`` for SQLite: a connection marked as writing, in one transaction."""

    @contextmanager
    def begin() -> Iterator[Connection]:
        with engine.connect() as conn:
            writing(conn)
            with conn.begin():
                yield conn

    return begin

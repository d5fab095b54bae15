"""A lease in the database: which one of several processes does a job that must run once.

``convergence serve --workers N`` runs N processes that each build their runtime; the
platform's periodic work (the alert schedule, the maintenance pass it drives, the catch-up of
rate-limited uplinks) must run in one of them only. Each worker tries to hold the lease named
``platform``: the holder renews it every third of its duration; when it dies, the lease
expires and another worker takes it at its next try. The same table works on SQLite and
PostgreSQL, and between servers sharing one PostgreSQL database.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Column, Engine, String, Table, insert, or_, update
from sqlalchemy.exc import IntegrityError

from convergence.db.metadata import metadata
from convergence.db.types import UTCDateTime, utcnow

logger = logging.getLogger(__name__)
PLATFORM = "platform"

leases = Table(
    "leases",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("expires_at", UTCDateTime(timezone=True), nullable=False),
    Column("renewed_at", UTCDateTime(timezone=True), nullable=False),
)


def holder_name() -> str:
    """This process, as a lease names it: host, process id and a nonce (a reused pid differs)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def try_hold(
    engine: Engine, *, name: str, holder: str, ttl_s: float, now: datetime | None = None
) -> bool:
    """Take or renew the lease ``name`` for ``ttl_s`` seconds: True if ``holder`` holds it."""
    now = now or utcnow()
    values = {"holder": holder, "expires_at": now + timedelta(seconds=ttl_s), "renewed_at": now}
    with engine.begin() as conn:
        taken = conn.execute(
            update(leases)
            .where(
                leases.c.name == name,
                or_(leases.c.holder == holder, leases.c.expires_at <= now),
            )
            .values(**values)
        ).rowcount
    if taken:
        return True
    try:
        with engine.begin() as conn:
            conn.execute(insert(leases).values(name=name, **values))
    except IntegrityError:  # it exists and another holds it
        return False
    return True


def release(engine: Engine, *, name: str, holder: str) -> None:
    """Let the lease go now (a worker stopping), so that another takes it at its next try."""
    with engine.begin() as conn:
        conn.execute(
            update(leases)
            .where(leases.c.name == name, leases.c.holder == holder)
            .values(expires_at=utcnow())
        )


class Leadership:
    """Holds the lease ``name`` from a thread; ``leads()`` says whether this process does."""

    def __init__(
        self,
        engine: Engine,
        *,
        ttl_s: float,
        name: str = PLATFORM,
        on_gain: Callable[[], None] | None = None,
    ) -> None:
        self.engine, self.name, self.ttl_s = engine, name, ttl_s
        self.holder = holder_name()
        self._on_gain = on_gain
        self._leading = threading.Event()
        # Until when (monotonic) the last renewal holds: a renewal that waits on a busy
        # database must not let this process lead past its lease while another takes it.
        self._held_until = 0.0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="leadership", daemon=True)

    def leads(self) -> bool:
        return self._leading.is_set() and time.monotonic() < self._held_until

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop renewing, and let the lease go if this process held it."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.ttl_s)
        if self._leading.is_set():
            self._leading.clear()
            try:
                release(self.engine, name=self.name, holder=self.holder)
            except Exception:
                logger.exception("could not release the %s lease; it expires by itself", self.name)

    def renew(self) -> bool:
        """One try: take or renew the lease, and say whether this process leads now."""
        tried_at = time.monotonic()
        try:
            held = try_hold(self.engine, name=self.name, holder=self.holder, ttl_s=self.ttl_s)
        except Exception:  # the database is unreachable: stop leading before the lease ends
            logger.exception("could not renew the %s lease", self.name)
            held = False
        gained = held and not self._leading.is_set()
        if held:
            self._held_until = tried_at + self.ttl_s
            self._leading.set()
        else:
            self._leading.clear()
        if gained:
            logger.info("this process (%s) now holds the %s lease", self.holder, self.name)
            if self._on_gain is not None:
                self._on_gain()
        return held

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.renew()
            self._stopping.wait(self.ttl_s / 3)

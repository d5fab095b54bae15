"""``convergence serve --workers 2``: two processes, one lead, one budget per sender.

Started as a user starts it, configured by its environment only: a reading over a threshold
opens one alert and sends one e-mail; the uplinks kept beyond their integration's rate are
replayed once, by the worker holding the platform's lease; when the leading worker dies,
another takes the lease; a token's budget outlives the workers that spent it.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx
from sqlalchemy import Engine, select

from convergence.db.leases import PLATFORM, leases
from convergence.db.types import utcnow
from convergence.ingest.envelope import RATE_LIMITED
from convergence.ingest.tables import dead_letters
from tests.alerts.servers import Mailbox, free_port
from tests.alerts.test_processes import GAUGE, eventually, firing, process, river_gauge_with_rule
from tests.ingest.test_catch_up import _count, _kept
from tests.support import Territory

T = TypeVar("T")
RULE = "Ru de Gally au-dessus d'un mètre"
# One request, then the next in ten minutes: longer than the workers take to die and start
# again on a busy machine, so a second 429 can only come from the budget they shared.
RATE_PER_MINUTE = 0.1
TWO_WORKERS = {
    "CONVERGENCE_LEADER_LEASE_S": "2",
    "CONVERGENCE_INGEST_RATE_PER_MINUTE": str(RATE_PER_MINUTE),
}

# Two workers import the application at once: on a busy machine of two cores, a minute.
STARTUP_S = 120.0


@contextmanager
def served(engine: Engine, smtp_port: int, tmp_path: Path) -> Iterator[str]:
    """``convergence serve`` with two workers on a free port, once it answers ``/healthz``."""
    port = free_port()
    options = {"CONVERGENCE_HOST": "127.0.0.1", "CONVERGENCE_PORT": str(port), **TWO_WORKERS}
    with process(
        ["serve", "--workers", "2"],
        engine=engine,
        smtp_port=smtp_port,
        tmp_path=tmp_path,
        **options,
    ) as log:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_S
        while not _healthy(url):
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
        yield url


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def until(check: Callable[[], T | None], *, what: str) -> T:
    """``check``'s first true answer, within the time a worker takes to start."""
    deadline = time.monotonic() + STARTUP_S
    while not (answer := check()):
        assert time.monotonic() < deadline, f"{what}: not within {STARTUP_S} s"
        time.sleep(0.2)
    return answer


def leader(engine: Engine, *, other_than: tuple[int, ...] = ()) -> int | None:
    """The process id of the worker holding the platform's lease now (not one of
    ``other_than``), if any."""
    with engine.connect() as conn:
        row = conn.execute(
            select(leases.c.holder).where(leases.c.name == PLATFORM, leases.c.expires_at > utcnow())
        ).first()
    pid = int(row.holder.split(":")[1]) if row else None
    return None if pid in other_than else pid


def post_reading(url: str, territory: Territory) -> int:
    """One request on a connection of its own (as several senders' would spread)."""
    reading = {"device": GAUGE, "ts": utcnow().replace(microsecond=0).isoformat(),
               "quantity": "water_level", "value": 3.3, "unit": "m"}  # fmt: skip
    headers = territory.versailles.bearer("ingest") | {"Connection": "close"}
    return httpx.post(f"{url}/api/v1/ingest", json=[reading], headers=headers).status_code


def test_two_workers_share_one_lead_and_one_budget(
    engine: Engine, territory: Territory, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, smtp_port = smtp
    river_gauge_with_rule(engine, territory)
    _kept(engine, territory, 5)
    with served(engine, smtp_port, tmp_path) as url:
        spent_at = time.monotonic()
        assert post_reading(url, territory) == 200  # the token's one request in ten minutes
        eventually(lambda: mailbox.messages, what="the alert e-mail")
        eventually(
            lambda: _count(engine, dead_letters, reason_code=RATE_LIMITED, status="replayed") == 5,
            what="the kept uplinks replayed by the leader",
        )
        assert post_reading(url, territory) == 429
        # Both workers that served so far die, the leader first: each time another leads,
        # and what was spent stays spent for the workers started in their place.
        first = until(lambda: leader(engine), what="a worker holding the lease")
        os.kill(first, signal.SIGKILL)
        second = until(lambda: leader(engine, other_than=(first,)), what="the other worker leading")
        os.kill(second, signal.SIGKILL)
        until(lambda: leader(engine, other_than=(first, second)), what="a new worker leading")
        assert post_reading(url, territory) == 429
        assert time.monotonic() - spent_at < 60 / RATE_PER_MINUTE  # else refilled: moot
    assert len(firing(engine, RULE)) == 1
    assert len(mailbox.messages) == 1
    assert _count(engine, dead_letters, reason_code=RATE_LIMITED, status="pending") == 0

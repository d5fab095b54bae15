"""The platform's lease: one holder at a time, taken over when it expires or is let go."""

from __future__ import annotations

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from convergence.db.leases import Leadership, release, try_hold
from convergence.db.schema import load_all_tables
from convergence.db.types import utcnow

TTL_S = 15.0


def test_the_migration_creates_exactly_the_leases_table(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), load_all_tables()
        )
    assert [d for d in differences if "leases" in str(d)] == []


def test_one_holder_at_a_time_until_its_lease_expires(engine: Engine) -> None:
    now = utcnow()
    assert try_hold(engine, name="platform", holder="worker-1", ttl_s=TTL_S, now=now)
    assert not try_hold(engine, name="platform", holder="worker-2", ttl_s=TTL_S, now=now)
    renewed = now + timedelta(seconds=10)
    assert try_hold(engine, name="platform", holder="worker-1", ttl_s=TTL_S, now=renewed)
    # Renewed at +10 s, the lease runs until +25 s: still worker-1's at +20 s.
    later = now + timedelta(seconds=20)
    assert not try_hold(engine, name="platform", holder="worker-2", ttl_s=TTL_S, now=later)
    dead = now + timedelta(seconds=26)  # worker-1 stopped renewing: its lease ran out
    assert try_hold(engine, name="platform", holder="worker-2", ttl_s=TTL_S, now=dead)
    assert not try_hold(engine, name="platform", holder="worker-1", ttl_s=TTL_S, now=dead)


def test_a_lease_let_go_is_taken_at_once(engine: Engine) -> None:
    assert try_hold(engine, name="platform", holder="worker-1", ttl_s=TTL_S)
    release(engine, name="platform", holder="worker-2")  # not its lease: nothing happens
    assert not try_hold(engine, name="platform", holder="worker-2", ttl_s=TTL_S)
    release(engine, name="platform", holder="worker-1")
    assert try_hold(engine, name="platform", holder="worker-2", ttl_s=TTL_S)


def test_of_two_processes_trying_one_leads_and_the_other_follows(engine: Engine) -> None:
    first, second = Leadership(engine, ttl_s=TTL_S), Leadership(engine, ttl_s=TTL_S)
    assert first.renew()
    assert first.leads()
    assert not second.renew()
    assert not second.leads()
    first.close()  # a worker stopping lets the lease go
    assert not first.leads()
    assert second.renew()
    assert second.leads()


def test_taking_the_lead_is_told_once_not_at_each_renewal(engine: Engine) -> None:
    gained: list[str] = []
    leadership = Leadership(engine, ttl_s=TTL_S, on_gain=lambda: gained.append("lead"))
    leadership.renew()
    leadership.renew()
    assert gained == ["lead"]  # the alert worker evaluates its schedule at once, then by period

"""A ChirpStack webhook at a steady rate against a live `convergence serve`: is every uplink stored?

A ChirpStack HTTP integration sends one request per uplink and retries none. This runs
`convergence serve` as an operator starts it, declares a ChirpStack integration with its
default settings and a token bound to it, then sends ``--rate`` uplinks per second for
``--seconds`` seconds (open loop: request i leaves at i / rate, whatever the answers) and
counts what was stored, what was kept as a dead letter, and the answers' latencies.

Run from the repository root::

    python bench/bench_webhook_rate.py [--rate 500] [--seconds 60] [--devices 500] [--postgres]
        [--workers 2]

PostgreSQL is reached at CONVERGENCE_TEST_POSTGRES_URL (default postgres@127.0.0.1:5432) in a
scratch database, dropped afterwards. Prints figures only; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from scratch import postgres_database
from sqlalchemy import Engine, func, select

from convergence.bootstrap import prepare_database
from convergence.db.engine import make_engine
from convergence.db.types import utcnow
from convergence.ingest.schemas import IntegrationCreate, IntegrationKind
from convergence.ingest.service import create_integration
from convergence.ingest.tables import dead_letters
from convergence.members import service as members
from convergence.members.roles import MemberKind, TokenScope
from convergence.members.schemas import MemberCreate, TokenCreate
from convergence.members.scope import command_line_scope
from convergence.members.tokens import create_token
from convergence.registry import service as registry
from convergence.registry.schemas import AssetCreate
from convergence.simulation.webhooks import FloodResult, convergence_serve, flood, uplink_bodies
from convergence.timeseries.tables import readings

POSTGRES_ADMIN = os.environ.get(
    "CONVERGENCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PATH = "/api/v1/ingest/chirpstack?event=up"
READINGS_PER_UPLINK = 2


def populate(engine: Engine, devices: int) -> tuple[str, list[str], int]:
    """A commune, its ChirpStack integration (default settings), a bound token, its sensors."""
    prepare_database(engine)
    with engine.begin() as conn:
        member = members.create_member(
            conn,
            data=MemberCreate(
                siren="217806462", name="Versailles", kind=MemberKind.commune, insee="78646"
            ),
            actor="bench",
        )
        integration = create_integration(
            conn,
            scope=command_line_scope(),
            data=IntegrationCreate(
                kind=IntegrationKind.chirpstack, name="ChirpStack", member_id=member.id
            ),
        )
        euis = [f"70B3D5E75E{index:06X}" for index in range(devices)]
        for eui in euis:
            data = AssetCreate(
                member_id=member.id, name=eui, kind="sensor", dev_eui=eui, lon=2.1301, lat=48.8049
            )
            registry.create_asset(conn, scope=command_line_scope(), data=data)
        token = create_token(
            conn,
            member_id=member.id,
            actor="bench",
            data=TokenCreate(
                name="chirpstack", scopes=[TokenScope.ingest], integration_id=integration.id
            ),
        )
    return token.secret, euis, integration.config.max_uplinks_per_second


@contextmanager
def database(use_postgres: bool, directory: Path) -> Iterator[str]:
    """A SQLite file in ``directory``, or a scratch PostgreSQL database."""
    if use_postgres:
        with postgres_database(POSTGRES_ADMIN, label="webhook_") as url:
            yield url
    else:
        yield f"sqlite:///{directory / 'convergence.sqlite3'}"


def counts(engine: Engine) -> tuple[int, dict[str, int]]:
    """Readings stored, and dead letters by reason code."""
    with engine.connect() as conn:
        stored = int(conn.execute(select(func.count()).select_from(readings)).scalar_one())
        letters = conn.execute(
            select(dead_letters.c.reason_code, func.count()).group_by(dead_letters.c.reason_code)
        ).all()
    return stored, {code: int(number) for code, number in letters}


def report(result: FloodResult, stored: int, letters: dict[str, int], limit: int) -> None:
    """Every figure of the run."""
    expected = result.sent * READINGS_PER_UPLINK
    print(f"  integration limit (default settings): {limit} uplinks/s, a minute of burst")
    print(
        f"  uplinks sent:             {result.sent:>10,} in {result.elapsed_s:.1f} s "
        f"({result.sent / result.elapsed_s:,.0f}/s)"
    )
    print(f"  answers by status:        {dict(sorted(result.statuses.items()))}")
    print(f"  transport failures:       {dict(result.failures) or 'none'}")
    print(
        f"  readings stored:          {stored:>10,} of {expected:,} "
        f"({'every uplink stored' if stored == expected else 'MISSING ' + str(expected - stored)})"
    )
    print(f"  dead letters by reason:   {letters or 'none'}")
    print(
        f"  latency p50 / p99 / max:  {result.percentile(0.5) * 1000:.0f} / "
        f"{result.percentile(0.99) * 1000:.0f} / {max(result.latencies_s, default=0) * 1000:.0f} ms"
    )
    print(f"  sender's worst lag:       {result.max_lag_s * 1000:.0f} ms behind schedule")


def main() -> None:
    """Run once and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=500, help="uplinks per second")
    parser.add_argument("--seconds", type=float, default=60, help="length of the run")
    parser.add_argument("--devices", type=int, default=500, help="sensors sending")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes of serve (one per core)"
    )
    args = parser.parse_args()
    total = int(args.rate * args.seconds)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"CPU cores: {os.cpu_count()}, load average at start: {load:.1f}; {backend}")
    print(f"ChirpStack webhook, {args.rate:g} uplinks/s for {args.seconds:g} s, ", end="")
    print(f"{args.devices} devices, serve --workers {args.workers}:")
    with tempfile.TemporaryDirectory() as scratch, database(args.postgres, Path(scratch)) as url:
        engine = make_engine(url)
        token, euis, limit = populate(engine, args.devices)
        # Timestamps in the past: a device sends one uplink per (devices / rate) seconds.
        start = utcnow() - timedelta(seconds=total // args.devices + 3600)
        bodies = uplink_bodies(euis, total, start)
        with convergence_serve(url, Path(scratch), workers=args.workers) as base_url:
            server_before, client_before = server_cpu_s(), time.process_time()
            result = asyncio.run(
                flood(
                    f"{base_url}{PATH}", token, bodies, rate=args.rate, connections=args.connections
                )
            )
            server_cpu = server_cpu_s() - server_before
            client_cpu = time.process_time() - client_before
        stored, letters = counts(engine)
        engine.dispose()
    report(result, stored, letters, limit)
    print(
        f"  CPU per uplink:           server {server_cpu / result.sent * 1000:.2f} ms "
        f"({server_cpu:.1f} s), sender {client_cpu / result.sent * 1000:.2f} ms "
        f"({client_cpu:.1f} s); load average at end: {os.getloadavg()[0]:.1f}"
    )


def server_cpu_s(pid: int | None = None) -> float:
    """CPU seconds (user + system) of the `convergence serve` started by this process and of
    its workers (Linux)."""
    me = os.getpid() if pid is None else pid
    children = Path(f"/proc/{me}/task/{me}/children")
    if not children.exists():
        return float("nan")
    total = 0.0
    for child in children.read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # gone meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        total += server_cpu_s(int(child))
    return total


if __name__ == "__main__":
    main()

"""Hosting a whole territory: load a simulated fleet, then time the queries of a dashboard.

Loads the simulated fleet (~2,000 series at scale 1, one reading every 10 minutes) through the
ingestion bulk path (COPY into a temporary table, idempotent insert, rollups) into a separate
database, then times, over repeated runs, what a dashboard asks — a commune's 30-day hourly
chart, a one-year daily chart, the latest value of every asset of a commune, the territory's
daily totals — and the same aggregates computed from raw rows, in the same run. Prints p50
and p95 and the ratio; asserts nothing.

    python bench/bench_hosting.py --backend postgresql --days 365        # ~100 million readings
    python bench/bench_hosting.py --backend sqlite --days 30             # a slice
    python bench/bench_hosting.py --backend postgresql --days 365 --skip-load --keep

The PostgreSQL database (``convergence_bench``) is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from convergence.bootstrap import prepare_database
from convergence.db.engine import make_engine
from convergence.members.roles import Role
from convergence.members.scope import MemberScope, command_line_scope
from convergence.registry.tables import assets
from convergence.simulation.fleet import plan_fleet
from convergence.simulation.fleet_writer import (
    RegisteredFleet,
    WriteReport,
    register_fleet,
    write_readings,
)
from convergence.timeseries.query_schemas import Aggregation, Resolution, SeriesFilter, TimeRange
from convergence.timeseries.raw_rollups import buckets_from_raw, combined_values_from_raw
from convergence.timeseries.series_queries import (
    combined_values,
    find_series,
    latest_by_asset,
    selection_values,
)
from convergence.timeseries.tables import readings, series

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/convergence_bench"
END = datetime(2026, 11, 1, tzinfo=UTC)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--url", help="database URL (default: convergence_bench / a temp file)")
    parser.add_argument("--days", type=int, default=365, help="days of readings to load")
    parser.add_argument("--scale", type=float, default=1.0, help="fleet size (1 = ~2,000 series)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=30, help="runs of each rollup query")
    parser.add_argument("--raw-repeat", type=int, default=3, help="runs of each raw-row query")
    parser.add_argument("--skip-load", action="store_true", help="reuse a loaded database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def database_url(args: argparse.Namespace) -> str:
    if args.url:
        return str(args.url)
    if args.backend == "postgresql":
        return POSTGRES_URL
    return f"sqlite:///{Path(os.environ.get('TMPDIR', '/tmp')) / 'convergence_bench.sqlite3'}"


def create_database(url: str) -> None:
    """A fresh PostgreSQL database (dropped first if it exists)."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def load(engine: Engine, args: argparse.Namespace) -> RegisteredFleet:
    """Register the fleet and write its readings, printing the pace every ten days."""
    plan = plan_fleet(seed=args.seed, scale=args.scale)
    with engine.begin() as conn:
        fleet = register_fleet(conn, plan=plan)
    if args.skip_load:
        return fleet
    communes = len(plan.communes)
    print(f"fleet: {len(plan.assets)} assets, {plan.series_count} series, {communes} communes")

    def pace(report: WriteReport) -> None:
        if report.days % 10 == 0 or report.days == args.days:
            rate = report.inserted / report.seconds
            done = f"{report.days:>3}/{args.days}"
            print(f"  day {done}: {report.inserted:>12,} readings, {rate:>9,.0f}/s", flush=True)

    report = write_readings(
        engine, fleet=fleet, start=END - timedelta(days=args.days), end=END, progress=pace
    )
    minutes, rate = report.seconds / 60, report.inserted / report.seconds
    print(f"loaded {report.inserted:,} readings in {minutes:.1f} min ({rate:,.0f}/s)")
    return fleet


@dataclass
class Timing:
    label: str
    runs: list[float]
    rows: int

    @property
    def p50(self) -> float:
        return statistics.median(self.runs) * 1000

    @property
    def p95(self) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def timed(engine: Engine, label: str, query: Callable[[Connection], int], repeat: int) -> Timing:
    """Run ``query`` ``repeat`` times (after one warm-up), each on a fresh connection checkout."""
    runs, rows = [], 0
    for attempt in range(repeat + 1):
        with engine.connect() as conn:
            started = time.perf_counter()
            rows = query(conn)
            elapsed = time.perf_counter() - started
        if attempt:
            runs.append(elapsed)
    return Timing(label, runs, rows)


def busiest_commune(conn: Connection) -> tuple[str, int]:
    """The commune (and its member) with the most series."""
    row = conn.execute(
        select(assets.c.commune_insee, assets.c.member_id, func.count(series.c.id).label("n"))
        .join(series, series.c.asset_id == assets.c.id)
        .group_by(assets.c.commune_insee, assets.c.member_id)
        .order_by(func.count(series.c.id).desc())
        .limit(1)
    ).one()
    return row.commune_insee, row.member_id


def elected_scope(member_id: int) -> MemberScope:
    """What an elected official of the commune reads (their own member's data)."""
    own = frozenset({member_id})
    return MemberScope(
        member_id=member_id,
        actor="bench",
        role=Role.elected,
        full_member_ids=own,
        aggregate_member_ids=own,
    )


def latest_from_raw(conn: Connection, series_ids: list[int]) -> int:
    """The latest reading of each series, looked up in the raw rows (what ``last_*`` saves)."""
    latest = readings.alias("latest")
    newest = (
        select(func.max(latest.c.ts))
        .where(latest.c.series_id == series.c.id)
        .correlate(series)
        .scalar_subquery()
    )
    query = (
        select(series.c.id, readings.c.value)
        .select_from(series)
        .join(readings, (readings.c.series_id == series.c.id) & (readings.c.ts == newest))
        .where(series.c.id.in_(series_ids))
    )
    return len(conn.execute(query).all())


Query = Callable[[Connection], int]


@dataclass(frozen=True)
class Merged:
    """A merged curve, from rollups or from raw rows."""

    scope: MemberScope
    selection: SeriesFilter
    window: TimeRange
    resolution: Resolution
    aggregation: Aggregation

    def rollups(self, conn: Connection) -> int:
        return len(combined_values(conn, **self._arguments()).points)

    def raw(self, conn: Connection) -> int:
        return len(combined_values_from_raw(conn, **self._arguments()).points)

    def _arguments(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "selection": self.selection,
            "time_range": self.window,
            "resolution": self.resolution,
            "aggregation": self.aggregation,
        }


@dataclass(frozen=True)
class PerSeries:
    """Every series' own curve, from rollups or from raw rows."""

    scope: MemberScope
    series_ids: list[int]
    window: TimeRange
    resolution: Resolution

    def rollups(self, conn: Connection) -> int:
        found = selection_values(
            conn,
            scope=self.scope,
            selection=SeriesFilter(series_ids=tuple(self.series_ids)),
            time_range=self.window,
            resolution=self.resolution,
        )
        return sum(len(v.points) for v in found)

    def raw(self, conn: Connection) -> int:
        buckets = buckets_from_raw(
            conn,
            series_ids=self.series_ids,
            decibel_ids=frozenset(),
            time_range=self.window,
            resolution=self.resolution,
            merge=False,
        )
        return len(buckets)


def scenarios(conn: Connection, days: int) -> list[tuple[str, Query, Query]]:
    """(label, rollup query, the same aggregate from raw rows) for each dashboard query."""
    insee, member_id = busiest_commune(conn)
    commune, everyone = elected_scope(member_id), command_line_scope("bench")
    month = TimeRange(start=END - timedelta(days=30), end=END)
    year = TimeRange(start=END - timedelta(days=min(365, days)), end=END)
    in_commune = SeriesFilter(commune_insee=insee)
    ids = [s.id for s in find_series(conn, scope=commune, selection=in_commune)]
    noise = SeriesFilter(commune_insee=insee, quantity="laeq")
    one = find_series(conn, scope=commune, selection=noise)[0].id
    print(f"commune {insee}: {len(ids)} series; the one-year chart is series {one}")
    no2 = Merged(
        commune,
        in_commune.model_copy(update={"quantity": "no2"}),
        month,
        Resolution.hourly,
        Aggregation.mean,
    )
    hourly = PerSeries(commune, ids, month, Resolution.hourly)
    yearly = PerSeries(commune, [one], year, Resolution.daily)
    traffic = Merged(
        commune,
        in_commune.model_copy(update={"quantity": "vehicle_count"}),
        year,
        Resolution.daily,
        Aggregation.sum,
    )
    totals = Merged(
        everyone, SeriesFilter(quantity="vehicle_count"), year, Resolution.daily, Aggregation.sum
    )

    def latest(c: Connection) -> int:
        return len(latest_by_asset(c, scope=commune, selection=in_commune))

    return [
        ("commune 30-day hourly chart, NO2 merged", no2.rollups, no2.raw),
        ("commune 30-day hourly charts, every series", hourly.rollups, hourly.raw),
        ("one-year daily chart, one noise series", yearly.rollups, yearly.raw),
        ("one-year daily chart, commune traffic", traffic.rollups, traffic.raw),
        ("latest value of every asset of the commune", latest, lambda c: latest_from_raw(c, ids)),
        ("territory daily vehicle totals, one year", totals.rollups, totals.raw),
    ]


def describe(engine: Engine) -> None:
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(readings)).scalar_one()
        print(f"readings: {count:,}")
        if engine.dialect.name == "postgresql":
            size = conn.execute(
                text("SELECT pg_size_pretty(pg_database_size(current_database()))")
            ).scalar_one()
            print(f"database size: {size}")


def run_queries(engine: Engine, args: argparse.Namespace) -> None:
    with engine.connect() as conn:
        planned = scenarios(conn, args.days)
    head = ("query", "rows", "p50 ms", "p95 ms", "raw p50 ms", "raw p95 ms", "ratio")
    print("\n{:<46} {:>6} {:>9} {:>9} {:>11} {:>11} {:>7}".format(*head))
    for label, fast, slow in planned:
        rollup = timed(engine, label, fast, args.repeat)
        raw = timed(engine, label, slow, args.raw_repeat)
        raw_cells = f"{raw.p50:>11.1f} {raw.p95:>11.1f} {raw.p50 / rollup.p50:>6.0f}×"
        print(
            f"{label:<46} {rollup.rows:>6} {rollup.p50:>9.1f} {rollup.p95:>9.1f} {raw_cells}",
            flush=True,
        )


def main() -> None:
    args = parse_args()
    url = database_url(args)
    if not args.skip_load:
        if args.backend == "postgresql":
            create_database(url)
        else:
            drop_database(url)
    engine = make_engine(url)
    try:
        prepare_database(engine)
        load(engine, args)
        describe(engine)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        run_queries(engine, args)
    finally:
        engine.dispose()
        if not args.keep:
            drop_database(url)
            print("database dropped")


if __name__ == "__main__":
    main()

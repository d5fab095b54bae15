"""Putting a simulated fleet into a database: members, assets, series, then its readings.

Registration is idempotent (assets are found again by member and serial), and readings go
through the ingestion store's bulk path, ``store.insert_readings``: an idempotent insert that
maintains the hourly and daily rollups and the latest values in the same transaction, one day
of the whole fleet per transaction. Re-running a window stores nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select

from convergence.db.types import utcnow
from convergence.decoders.quantities import get_quantity
from convergence.members import audit
from convergence.members.roles import MemberKind
from convergence.members.schemas import MemberCreate
from convergence.members.service import create_member
from convergence.members.tables import members
from convergence.quality.qualify import qualify
from convergence.registry.tables import assets
from convergence.simulation.episodes import Episode
from convergence.simulation.fleet import STEP, AssetPlan, FleetPlan, simulate
from convergence.simulation.signals import DAY_S
from convergence.territory.reference import load_territory
from convergence.timeseries.partitions import ensure_partitions
from convergence.timeseries.store import ReadingRow, SeriesKey, ensure_series, insert_readings

ACTOR = "simulation"
INSTALLED_ON = date(2020, 1, 1)


@dataclass(frozen=True, slots=True)
class SimSeries:
    series_id: int
    asset: AssetPlan
    quantity: str
    unit: str

    @property
    def decibel(self) -> bool:
        return get_quantity(self.quantity).decibel


@dataclass(frozen=True, slots=True)
class RegisteredFleet:
    plan: FleetPlan
    series: tuple[SimSeries, ...]
    asset_ids: Mapping[str, int]  # serial → asset id


def ensure_commune_members(
    conn: Connection, insee_codes: Iterable[str], *, actor: str = ACTOR
) -> dict[str, int]:
    """The member of each commune, created (as a commune member) when missing."""
    wanted = sorted(set(insee_codes))
    rows = conn.execute(select(members.c.id, members.c.insee).where(members.c.insee.in_(wanted)))
    found = {r.insee: r.id for r in rows}
    territory = load_territory()
    for insee in (code for code in wanted if code not in found):
        commune = territory.commune(insee)
        data = MemberCreate(
            siren=commune.siren, name=commune.name, kind=MemberKind.commune, insee=insee
        )
        found[insee] = create_member(conn, data=data, actor=actor).id
    return found


def _asset_row(asset: AssetPlan, member_id: int, seed: int, now: datetime) -> dict[str, object]:
    return {
        "member_id": member_id,
        "name": asset.name,
        "kind": asset.spec.kind,
        "domain": asset.spec.domain,
        "serial": asset.serial,
        "lon": asset.lon,
        "lat": asset.lat,
        "commune_insee": asset.commune_insee,
        "status": "active",
        "installed_on": INSTALLED_ON,
        "tags": ["simulation", asset.sim_kind, f"seed:{seed}"],
        "created_at": now,
        "updated_at": now,
    }


def _register_assets(
    conn: Connection, plan: FleetPlan, member_of: Mapping[str, int]
) -> dict[str, int]:
    serials = [a.serial for a in plan.assets]
    existing = {
        (r.member_id, r.serial): r.id
        for r in conn.execute(
            select(assets.c.id, assets.c.member_id, assets.c.serial).where(
                assets.c.serial.in_(serials)
            )
        )
    }
    now = utcnow()
    missing = [
        _asset_row(a, member_of[a.commune_insee], plan.seed, now)
        for a in plan.assets
        if (member_of[a.commune_insee], a.serial) not in existing
    ]
    if missing:
        conn.execute(insert(assets), missing)
        rows = conn.execute(
            select(assets.c.id, assets.c.member_id, assets.c.serial).where(
                assets.c.serial.in_(serials)
            )
        )
        existing = {(r.member_id, r.serial): r.id for r in rows}
    return {a.serial: existing[(member_of[a.commune_insee], a.serial)] for a in plan.assets}


def register_fleet(conn: Connection, *, plan: FleetPlan, actor: str = ACTOR) -> RegisteredFleet:
    """Create (or find again) the communes' members, the assets and their series."""
    member_of = ensure_commune_members(conn, plan.communes, actor=actor)
    asset_ids = _register_assets(conn, plan, member_of)
    keys = [
        SeriesKey(asset_ids[a.serial], member_of[a.commune_insee], q, get_quantity(q).unit)
        for a in plan.assets
        for q in a.spec.quantities
    ]
    refs = ensure_series(conn, keys)
    series = tuple(
        SimSeries(refs[(asset_ids[a.serial], q)].id, a, q, refs[(asset_ids[a.serial], q)].unit)
        for a in plan.assets
        for q in a.spec.quantities
    )
    audit.record(
        conn,
        actor=actor,
        action="simulation.register",
        details={"seed": plan.seed, "assets": len(plan.assets), "series": len(series)},
    )
    return RegisteredFleet(plan=plan, series=series, asset_ids=asset_ids)


def _instants(epoch_s: Iterable[int]) -> list[datetime]:
    return [datetime.fromtimestamp(int(s), UTC) for s in epoch_s]


def readings_between(
    fleet: RegisteredFleet,
    *,
    start: datetime,
    end: datetime,
    step: timedelta = STEP,
    extra_episodes: tuple[Episode, ...] = (),
) -> Iterator[list[ReadingRow]]:
    """The fleet's readings in [start, end), one UTC day of every series at a time."""
    start_s, end_s, step_s = int(start.timestamp()), int(end.timestamp()), int(step.total_seconds())
    for chunk in range(start_s - start_s % DAY_S, end_s, DAY_S):
        lower, upper = max(chunk, start_s), min(chunk + DAY_S, end_s)
        rows: list[ReadingRow] = []
        for s in fleet.series:
            epoch, values = simulate(
                fleet.plan,
                s.asset,
                s.quantity,
                start_s=lower,
                end_s=upper,
                step_s=step_s,
                extra_episodes=extra_episodes,
            )
            rows += zip([s.series_id] * len(epoch), _instants(epoch), values.tolist(), strict=True)
        yield rows


@dataclass(slots=True)
class WriteReport:
    days: int = 0
    sent: int = 0
    inserted: int = 0
    seconds: float = 0.0


def write_readings(
    engine: Engine,
    *,
    fleet: RegisteredFleet,
    start: datetime,
    end: datetime,
    step: timedelta = STEP,
    extra_episodes: tuple[Episode, ...] = (),
    progress: Callable[[WriteReport], None] | None = None,
) -> WriteReport:
    """Store the fleet's readings through the ingestion bulk path, one day per transaction."""
    report, started = WriteReport(), time.monotonic()
    with engine.begin() as conn:
        ensure_partitions(conn, since=start)
    decibels = frozenset(s.series_id for s in fleet.series if s.decibel)
    for rows in readings_between(
        fleet, start=start, end=end, step=step, extra_episodes=extra_episodes
    ):
        with engine.begin() as conn:
            flags = qualify(conn, rows)  # as on ingestion: simulated faults are set aside
            stored = insert_readings(conn, rows, decibel_series=decibels, quality=flags)
            report.inserted += len(stored.inserted)
        report.days, report.sent = report.days + 1, report.sent + len(rows)
        report.seconds = time.monotonic() - started
        if progress is not None:
            progress(report)
    return report

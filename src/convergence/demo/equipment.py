"""The demo's equipment: a catalogue of device models, then ~600 assets registered one by one.

Assets go through the registry service (position resolved to its commune, identifiers
checked, audit entry), and are found again by (member, serial) on a re-run. Their series are
declared through the time-series store, as the ingestion does for a first reading.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import Connection, select

from convergence.csv_output import SafeDictWriter
from convergence.decoders.quantities import get_quantity
from convergence.demo.catalogue import (
    COMMUNE_CODES,
    DEMO_ACTOR,
    DEMO_SEED,
    ModelSpec,
    catalogue_models,
    commune,
    demo_equipment,
)
from convergence.demo.placement import camera_points
from convergence.errors import InvalidInput
from convergence.members.scope import MemberScope
from convergence.registry.csv_io import COLUMNS, TAG_SEPARATOR, import_assets
from convergence.registry.kinds import AssetStatus
from convergence.registry.schemas import AssetCreate, DeviceModelCreate, FieldMapping
from convergence.registry.service import register_device_model
from convergence.registry.tables import assets, device_models
from convergence.servicelines import DemoEquipment
from convergence.simulation.fleet import AssetPlan, FleetPlan
from convergence.simulation.fleet_writer import RegisteredFleet, SimSeries
from convergence.territory.reference import load_territory
from convergence.timeseries.store import SeriesKey, ensure_series

Advance = Callable[[int], None]


def ensure_device_models(conn: Connection) -> dict[str, int]:
    """The id of each catalogue model (by simulated kind, or other demo equipment's kind:
    ``camera``), created if missing."""
    rows = conn.execute(select(device_models.c.id, device_models.c.vendor, device_models.c.model))
    known = {(r.vendor, r.model): r.id for r in rows}
    ids: dict[str, int] = {}
    for key, spec in catalogue_models().items():
        if (spec.vendor, spec.model) not in known:
            known[(spec.vendor, spec.model)] = register_device_model(
                conn, data=_model_data(spec), actor=DEMO_ACTOR
            ).id
        ids[str(key)] = known[(spec.vendor, spec.model)]
    return ids


def _model_data(spec: ModelSpec) -> DeviceModelCreate:
    field_map = {
        name: FieldMapping(quantity=quantity, unit=get_quantity(quantity).unit)
        for name, quantity in spec.fields.items()
    }
    return DeviceModelCreate(
        vendor=spec.vendor,
        model=spec.model,
        domain=spec.domain,
        field_map=field_map,
        expected_period_s=spec.expected_period_s,
    )


def ocpp_id_of(asset: AssetPlan) -> str | None:
    """The OCPP identity of a simulated charge point: ``CVG-<INSEE>-<serial number>``."""
    if not asset.spec.contribution.ocpp:
        return None
    return f"CVG-{asset.commune_insee}-{asset.serial.rsplit('-', 1)[-1]}"


def _installed_on(seed: int, number: int, anchor: date) -> date:
    rng = np.random.default_rng([seed, number, 5021])
    return anchor - timedelta(days=int(rng.integers(200, 5 * 365)))


def _cost(spec: ModelSpec, insee: str) -> Decimal:
    price = Decimal(spec.unit_price_eur) * Decimal(str(commune(insee).price_factor))
    return price.quantize(Decimal("1"))


def _fleet_asset(asset: AssetPlan, *, model_id: int, anchor: date, seed: int) -> AssetCreate:
    return AssetCreate(
        name=asset.name,
        kind=asset.spec.kind,
        domain=asset.spec.domain,
        status=AssetStatus.faulty if asset.faulty else AssetStatus.active,
        device_model_id=model_id,
        serial=asset.serial,
        ocpp_id=ocpp_id_of(asset),
        lon=asset.lon,
        lat=asset.lat,
        installed_on=_installed_on(seed, asset.number, anchor),
        cost_eur=_cost(catalogue_models()[asset.sim_kind], asset.commune_insee),
        tags=["démo", asset.sim_kind],
    )


def _unit(
    item: DemoEquipment,
    insee: str,
    k: int,
    point: tuple[float, float],
    *,
    model_id: int,
    anchor: date,
) -> AssetCreate:
    """The ``k``-th unit of a line's other demo equipment in a commune (its ``k``-th camera)."""
    spec, name = catalogue_models()[item.kind], load_territory().commune(insee).name
    return AssetCreate(
        name=f"{item.label} {k} ({name})",
        kind=spec.kind,
        domain=spec.domain,
        status=AssetStatus.active,
        device_model_id=model_id,
        serial=f"{item.serial}-{insee}-{k:02d}",
        lon=point[0],
        lat=point[1],
        installed_on=_installed_on(DEMO_SEED, item.seed_offset + k, anchor),
        cost_eur=_cost(spec, insee),
        tags=["démo", item.kind],
    )


def planned_assets(
    plan: FleetPlan, *, model_ids: Mapping[str, int], anchor: date
) -> list[tuple[str, AssetCreate]]:
    """Every demo asset with its commune: the simulated fleet, then the lines' other demo
    equipment (the cameras), commune by commune."""
    found = [
        (
            a.commune_insee,
            _fleet_asset(a, model_id=model_ids[a.sim_kind], anchor=anchor, seed=plan.seed),
        )
        for a in plan.assets
    ]
    for insee in COMMUNE_CODES:
        for _, item in demo_equipment():
            points = camera_points(insee, item.per_commune, seed=plan.seed)
            model_id = model_ids[item.kind]
            found += [
                (insee, _unit(item, insee, k, point, model_id=model_id, anchor=anchor))
                for k, point in enumerate(points, start=1)
            ]
    return found


def equipment_units(plan: FleetPlan) -> Counter[tuple[str, str]]:
    """How many assets each commune has per domain (the lines' other demo equipment
    included)."""
    units = Counter((a.commune_insee, a.spec.domain) for a in plan.assets)
    for line, item in demo_equipment():
        units.update({(insee, line): item.per_commune for insee in COMMUNE_CODES})
    return units


def _registered(conn: Connection, member_ids: Mapping[str, int]) -> dict[tuple[int, str], int]:
    rows = conn.execute(
        select(assets.c.id, assets.c.member_id, assets.c.serial).where(
            assets.c.member_id.in_(sorted(set(member_ids.values())))
        )
    )
    return {(r.member_id, r.serial): r.id for r in rows}


def _csv(rows: Sequence[AssetCreate]) -> bytes:
    """Rows in the registry's CSV import format (what a commune's spreadsheet would hold)."""
    out = io.StringIO()
    writer = SafeDictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for data in rows:
        row = data.model_dump(mode="json", include=set(COLUMNS))
        row["tags"] = TAG_SEPARATOR.join(data.tags)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue().encode()


def _import(
    conn: Connection, scope: MemberScope, member_id: int, rows: Sequence[AssetCreate]
) -> None:
    report = import_assets(conn, scope=scope, data=_csv(rows), member_id=member_id)
    if not report.ok:
        reasons = "; ".join(f"line {e.line}: {e.reason}" for e in report.errors[:5])
        raise InvalidInput(f"the demo's equipment was refused by the registry: {reasons}")


def ensure_assets(
    conn: Connection,
    *,
    scope: MemberScope,
    plan: FleetPlan,
    member_ids: Mapping[str, int],
    model_ids: Mapping[str, int],
    initiative_ids: Mapping[tuple[str, str], int],
    anchor: date,
    advance: Advance | None = None,
) -> dict[str, int]:
    """Import each commune's missing equipment (registry CSV import); asset ids by serial."""
    known = _registered(conn, member_ids)
    missing: dict[str, list[AssetCreate]] = defaultdict(list)
    for insee, data in planned_assets(plan, model_ids=model_ids, anchor=anchor):
        if (member_ids[insee], data.serial) not in known:
            project = initiative_ids.get((insee, data.domain))
            missing[insee].append(data.model_copy(update={"initiative_id": project}))
        elif advance is not None:
            advance(1)
    for insee, rows in sorted(missing.items()):
        _import(conn, scope, member_ids[insee], rows)
        if advance is not None:
            advance(len(rows))
    return {serial: asset_id for (_, serial), asset_id in _registered(conn, member_ids).items()}


def register_series(
    conn: Connection,
    *,
    plan: FleetPlan,
    member_ids: Mapping[str, int],
    asset_ids: Mapping[str, int],
) -> RegisteredFleet:
    """The series of every simulated quantity (declared once), as the simulator's fleet."""
    pairs = [(a, q) for a in plan.assets for q in a.spec.quantities]
    keys = [
        SeriesKey(asset_ids[a.serial], member_ids[a.commune_insee], q, get_quantity(q).unit)
        for a, q in pairs
    ]
    refs = ensure_series(conn, keys)
    series = tuple(
        SimSeries(refs[(asset_ids[a.serial], q)].id, a, q, refs[(asset_ids[a.serial], q)].unit)
        for a, q in pairs
    )
    return RegisteredFleet(plan=plan, series=series, asset_ids=dict(asset_ids))

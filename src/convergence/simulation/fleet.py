"""A whole territory's connected equipment, simulated: plan it, register it, make its readings.

About 1,100 assets and 2,000 series at scale 1: air-quality stations (NO2, PM10, PM2.5, O3),
sound level meters (LAeq), two-direction traffic counters (vehicles, speed), water level
sensors along the Seine, street-lighting cabinets and charge points (energy index, power).
Equipment goes where people live (communes weighted by population), with daily and weekly
cycles, seasons, episodes, outages and a few faulty sensors — all deterministic from the seed.

Readings go through the ingestion store's bulk path (``store.insert_readings``: idempotent
insert, rollups and latest values in the same transaction), one day of the whole fleet at a
time. The demo back-fills with::

    plan = plan_fleet(seed=2026, scale=0.55)          # ~600 assets
    with engine.begin() as conn:
        fleet = register_fleet(conn, plan=plan)
    write_readings(engine, fleet=fleet, start=now - timedelta(days=60), end=now)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import numpy as np
import shapely

from convergence.decoders.quantities import get_quantity
from convergence.registry.kinds import AssetKind, Domain
from convergence.simulation import meters, sensors
from convergence.simulation.episodes import Episode
from convergence.simulation.faults import FaultSpec, apply_faults
from convergence.simulation.sensors import SeriesContext
from convergence.simulation.signals import DAY_S, Draws, Floats, Ints, TimeGrid, draws, time_grid
from convergence.territory.geometry import load_commune_index
from convergence.territory.reference import Commune, load_territory

STEP = timedelta(minutes=10)
SERIES_PER_ASSET = 8  # room for the quantities of an asset in the series numbering


class SimKind(StrEnum):
    air_station = "air_station"
    noise_sensor = "noise_sensor"
    traffic_counter = "traffic_counter"
    water_sensor = "water_sensor"
    lighting_cabinet = "lighting_cabinet"
    charge_point = "charge_point"


@dataclass(frozen=True, slots=True)
class KindSpec:
    kind: AssetKind
    domain: Domain
    label: str
    quantities: tuple[str, ...]
    per_fleet: int  # assets at scale 1
    prefix: str


KINDS: dict[SimKind, KindSpec] = {
    SimKind.air_station: KindSpec(
        AssetKind.sensor,
        Domain.air,
        "Station qualité de l'air",
        ("no2", "pm10", "pm25", "o3"),
        60,
        "AIR",
    ),
    SimKind.noise_sensor: KindSpec(
        AssetKind.sensor, Domain.noise, "Sonomètre", ("laeq",), 250, "SON"
    ),
    SimKind.traffic_counter: KindSpec(
        AssetKind.counter,
        Domain.traffic,
        "Compteur routier",
        ("vehicle_count", "speed"),
        240,
        "CPT",
    ),
    SimKind.water_sensor: KindSpec(
        AssetKind.sensor, Domain.water, "Limnimètre", ("water_level",), 40, "EAU"
    ),
    SimKind.lighting_cabinet: KindSpec(
        AssetKind.lighting_cabinet,
        Domain.lighting,
        "Armoire d'éclairage",
        ("energy", "power"),
        250,
        "ECL",
    ),
    SimKind.charge_point: KindSpec(
        AssetKind.charge_point,
        Domain.charging,
        "Borne de recharge",
        ("energy", "power"),
        250,
        "IRVE",
    ),
}
# Communes of Yvelines and Hauts-de-Seine on the banks of the Seine.
SEINE_COMMUNES = frozenset(
    (
        "92012",
        "92040",
        "92072",
        "92064",
        "92073",
        "92062",
        "92026",
        "92051",
        "92044",
        "92024",
        "92004",
        "92036",
        "92078",
        "92025",
        "92050",
        "92063",
        "92048",
        "78481",
        "78190",
        "78146",
        "78650",
        "78551",
        "78358",
        "78586",
        "78172",
        "78498",
        "78624",
        "78440",
        "78401",
        "78361",
        "78362",
        "78335",
        "78089",
        "78124",
        "78092",
        "78350",
        "78502",
        "78015",
        "78642",
        "78643",
        "78384",
        "78672",
        "78418",
        "78311",
    )
)
DECIMALS = {"vehicle_count": 0, "power": 0, "water_level": 3, "energy": 3}
AIR_LEVELS = {"no2": 24.0, "pm10": 19.0, "pm25": 19.0, "o3": 22.0}


@dataclass(frozen=True, slots=True)
class AssetPlan:
    """One simulated asset: where it is, what it measures, how it behaves."""

    number: int
    sim_kind: SimKind
    serial: str
    name: str
    commune_insee: str
    lon: float
    lat: float
    params: Mapping[str, float]
    faulty: bool

    @property
    def spec(self) -> KindSpec:
        return KINDS[self.sim_kind]

    def series_number(self, quantity: str) -> int:
        """A number unique in the fleet, stable across runs: the seed of the series' draws."""
        return self.number * SERIES_PER_ASSET + self.spec.quantities.index(quantity)


@dataclass(frozen=True, slots=True)
class FleetPlan:
    seed: int
    assets: tuple[AssetPlan, ...]

    @property
    def series_count(self) -> int:
        return sum(len(a.spec.quantities) for a in self.assets)

    @property
    def communes(self) -> list[str]:
        return sorted({a.commune_insee for a in self.assets})


def _position(rng: np.random.Generator, insee: str) -> tuple[float, float]:
    """A random point inside the commune's boundary."""
    index = load_commune_index()
    outline = index.geometries[index.position(insee)]
    west, south, east, north = outline.bounds
    for _ in range(500):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if shapely.contains_xy(outline, lon, lat):
            return round(float(lon), 5), round(float(lat), 5)
    inside = outline.representative_point()
    return round(float(inside.x), 5), round(float(inside.y), 5)


def _params(sim_kind: SimKind, rng: np.random.Generator, insee: str) -> dict[str, float]:
    """The site's character: pollution, traffic volume, river, installed power…"""
    if sim_kind is SimKind.air_station:
        return {"urban": rng.uniform(0.7, 1.4), "traffic": rng.uniform(0.4, 1.2)}
    if sim_kind is SimKind.noise_sensor:
        return {"offset": rng.uniform(-6, 8)}
    if sim_kind is SimKind.traffic_counter:
        volume = float(np.clip(rng.lognormal(math.log(6000), 0.6), 1200, 30000))
        return {"volume": volume, "limit": float(rng.choice([30, 50, 50, 70]))}
    if sim_kind is SimKind.water_sensor:
        seine = insee in SEINE_COMMUNES
        return {
            "base": rng.uniform(1.6, 2.6) if seine else rng.uniform(0.4, 1.0),
            "seasonal": 0.6 if seine else 0.2,
            "flood": rng.uniform(3.0, 4.5) if seine else rng.uniform(0.8, 1.5),
        }
    if sim_kind is SimKind.lighting_cabinet:
        return {"full_w": rng.uniform(2000, 15000), "initial_kwh": rng.uniform(0, 50000)}
    return {
        "level_kw": float(rng.choice([7.4, 11.0, 22.0])),
        "daily_kwh": rng.uniform(10, 90),
        "initial_kwh": rng.uniform(0, 5000),
    }


def _pool(sim_kind: SimKind, communes: Sequence[Commune]) -> list[Commune]:
    if sim_kind is SimKind.water_sensor:
        return [c for c in communes if c.insee in SEINE_COMMUNES] or list(communes)
    return list(communes)


def _direction_suffix(direction: str) -> str:
    return f"-{direction[0].upper()}" if direction else ""


def _kind_assets(
    seed: int, sim_kind: SimKind, kind_number: int, count: int, communes: Sequence[Commune]
) -> list[AssetPlan]:
    spec, pool = KINDS[sim_kind], _pool(sim_kind, communes)
    weights = np.array([c.population for c in pool], dtype=np.float64) ** 0.9
    weights /= weights.sum()
    directions = ("entrant", "sortant") if sim_kind is SimKind.traffic_counter else ("",)
    assets = []
    for k in range(count):
        rng = np.random.default_rng([seed, kind_number, k, 4001])
        commune = pool[int(rng.choice(len(pool), p=weights))]
        lon, lat = _position(rng, commune.insee)
        params, faulty = _params(sim_kind, rng, commune.insee), bool(rng.random() < 0.03)
        for d, direction in enumerate(directions):
            suffix = f" — sens {direction}" if direction else ""
            assets.append(
                AssetPlan(
                    number=(kind_number * 10_000 + k) * len(directions) + d,
                    sim_kind=sim_kind,
                    serial=f"SIM-{spec.prefix}-{k + 1:04d}{_direction_suffix(direction)}",
                    name=f"{spec.label} {k + 1} ({commune.name}){suffix}",
                    commune_insee=commune.insee,
                    lon=lon,
                    lat=lat,
                    params=params | ({"inbound": float(d == 0)} if direction else {}),
                    faulty=faulty,
                )
            )
    return assets


def plan_fleet(
    *, seed: int = 2026, scale: float = 1.0, communes: Sequence[str] | None = None
) -> FleetPlan:
    """The fleet of ``seed``: about 2,000 series at scale 1, in ``communes`` (default: all)."""
    territory = load_territory()
    chosen = [territory.commune(c) for c in communes] if communes else list(territory.communes)
    assets: list[AssetPlan] = []
    for kind_number, (sim_kind, spec) in enumerate(KINDS.items()):
        pairs = sim_kind is SimKind.traffic_counter
        count = max(1, round(spec.per_fleet * scale / (2 if pairs else 1)))
        assets += _kind_assets(seed, sim_kind, kind_number, count, chosen)
    return FleetPlan(seed=seed, assets=tuple(assets))


def _series_params(asset: AssetPlan, quantity: str) -> dict[str, float]:
    if asset.sim_kind is SimKind.air_station:
        return dict(asset.params) | {"level": AIR_LEVELS[quantity] * asset.params["urban"]}
    return dict(asset.params)


def _signal(
    asset: AssetPlan, quantity: str, grid: TimeGrid, d: Draws, ctx: SeriesContext
) -> Floats:
    kind = asset.sim_kind
    if kind is SimKind.air_station:
        if quantity == "no2":
            return sensors.no2(grid, d, ctx)
        if quantity == "o3":
            return sensors.ozone(grid, d, ctx)
        return sensors.particles(grid, d, ctx, fine=quantity == "pm25")
    if kind is SimKind.noise_sensor:
        return sensors.laeq(grid, d, ctx)
    if kind is SimKind.traffic_counter:
        return (sensors.vehicle_count if quantity == "vehicle_count" else sensors.speed)(
            grid, d, ctx
        )
    if kind is SimKind.water_sensor:
        return sensors.water_level(grid, d, ctx)
    if kind is SimKind.lighting_cabinet:
        return (
            meters.lighting_power(grid, d, ctx)
            if quantity == "power"
            else meters.lighting_energy(grid, ctx)
        )
    return (
        meters.charging_power(grid, d, ctx)
        if quantity == "power"
        else meters.charging_energy(grid, ctx)
    )


def typical_level(asset: AssetPlan, quantity: str, step_s: int) -> float:
    """A usual value of the series: where a stuck sensor freezes (whatever the window)."""
    p = _series_params(asset, quantity)
    levels = {
        "no2": p.get("level", 0.0),
        "pm10": p.get("level", 0.0),
        "pm25": 0.6 * p.get("level", 0.0),
        "o3": 1.5 * p.get("level", 0.0),
        "laeq": 58 + p.get("offset", 0.0),
        "vehicle_count": p.get("volume", 0.0) * step_s / DAY_S,
        "speed": 0.8 * p.get("limit", 0.0),
        "water_level": p.get("base", 0.0),
        "power": 0.5 * p.get("full_w", 1000 * p.get("level_kw", 0.0)),
    }
    return levels.get(quantity, 0.0)


def simulate(
    plan: FleetPlan,
    asset: AssetPlan,
    quantity: str,
    *,
    start_s: int,
    end_s: int,
    step_s: int = int(STEP.total_seconds()),
    extra_episodes: tuple[Episode, ...] = (),
) -> tuple[Ints, Floats]:
    """Instants (epoch seconds) and values one series sends in [start_s, end_s)."""
    number = asset.series_number(quantity)
    grid = time_grid(start_s, end_s, step_s, phase_s=(number * 7919) % step_s)
    ctx = SeriesContext(plan.seed, number, step_s, _series_params(asset, quantity), extra_episodes)
    found = get_quantity(quantity)
    values = _signal(asset, quantity, grid, draws(plan.seed, number, grid, step_s), ctx)
    typical = typical_level(asset, quantity, step_s)
    fault = FaultSpec(
        plan.seed,
        number,
        step_s,
        asset.faulty,
        typical,
        found.maximum,
        meter=quantity == "energy",
        decibel=found.decibel,
    )
    epoch, faulted = apply_faults(fault, grid, values)
    clipped = np.clip(faulted, found.minimum, found.maximum)
    return epoch, np.round(clipped, DECIMALS.get(quantity, 1)).astype(np.float64)

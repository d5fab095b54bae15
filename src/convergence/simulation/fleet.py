"""A whole territory's connected equipment, simulated: plan it, register it, make its readings.

About 1,100 assets and 2,000 series at scale 1, the equipment every service line contributes
(``ServiceLine.fleet``): air-quality stations (NO2, PM10, PM2.5, O3), sound level meters
(LAeq), two-direction traffic counters (vehicles, speed), water level sensors along the
Seine, street-lighting cabinets and charge points (energy index, power) for the built-in
lines. Equipment goes where people live (communes weighted by population), with daily and weekly
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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import numpy as np
import shapely

from convergence.decoders.quantities import get_quantity
from convergence.servicelines import FleetContribution, ServiceLines, service_lines
from convergence.simulation.episodes import Episode
from convergence.simulation.faults import FaultSpec, apply_faults
from convergence.simulation.sensors import SeriesContext
from convergence.simulation.signals import Floats, Ints, draws, time_grid
from convergence.territory.geometry import load_commune_index
from convergence.territory.reference import Commune, load_territory

STEP = timedelta(minutes=10)
SERIES_PER_ASSET = 8  # room for the quantities of an asset in the series numbering


@dataclass(frozen=True, slots=True)
class KindSpec:
    """A simulated kind as the fleet uses it: a line's contribution and the line's name."""

    kind: str  # the asset kind
    domain: str  # the line's name
    label: str
    quantities: tuple[str, ...]
    per_fleet: int
    prefix: str
    contribution: FleetContribution


@cache
def _kinds_of(lines: ServiceLines) -> dict[str, KindSpec]:
    return {
        c.kind: KindSpec(c.asset_kind, line.name, c.label, c.quantities, c.per_fleet, c.prefix, c)
        for line in lines
        for c in line.fleet
    }


def fleet_kinds() -> dict[str, KindSpec]:
    """Every simulated kind the installed lines contribute, in the lines' order (which numbers
    them, and so seeds their assets: a line added after the others changes none of theirs)."""
    return _kinds_of(service_lines())


@dataclass(frozen=True, slots=True)
class AssetPlan:
    """One simulated asset: where it is, what it measures, how it behaves."""

    number: int
    sim_kind: str  # a line's ``FleetContribution.kind``
    serial: str
    name: str
    commune_insee: str
    lon: float
    lat: float
    params: Mapping[str, float]
    faulty: bool

    @property
    def spec(self) -> KindSpec:
        return fleet_kinds()[self.sim_kind]

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


def _pool(spec: KindSpec, communes: Sequence[Commune]) -> list[Commune]:
    preferred = spec.contribution.communes
    return [c for c in communes if c.insee in preferred] or list(communes)


def _direction_suffix(direction: str) -> str:
    return f"-{direction[0].upper()}" if direction else ""


def _kind_assets(
    seed: int, spec: KindSpec, kind_number: int, count: int, communes: Sequence[Commune]
) -> list[AssetPlan]:
    pool = _pool(spec, communes)
    weights = np.array([c.population for c in pool], dtype=np.float64) ** 0.9
    weights /= weights.sum()
    directions = spec.contribution.directions
    assets = []
    for k in range(count):
        rng = np.random.default_rng([seed, kind_number, k, 4001])
        commune = pool[int(rng.choice(len(pool), p=weights))]
        lon, lat = _position(rng, commune.insee)
        params = spec.contribution.site(rng, commune.insee)
        faulty = bool(rng.random() < 0.03)
        for d, direction in enumerate(directions):
            suffix = f" — sens {direction}" if direction else ""
            assets.append(
                AssetPlan(
                    number=(kind_number * 10_000 + k) * len(directions) + d,
                    sim_kind=spec.contribution.kind,
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
    for kind_number, spec in enumerate(fleet_kinds().values()):
        count = max(1, round(spec.per_fleet * scale / len(spec.contribution.directions)))
        assets += _kind_assets(seed, spec, kind_number, count, chosen)
    return FleetPlan(seed=seed, assets=tuple(assets))


def _series_params(asset: AssetPlan, quantity: str) -> dict[str, float]:
    hook = asset.spec.contribution.series_params
    return hook(asset.params, quantity) if hook is not None else dict(asset.params)


def typical_level(asset: AssetPlan, quantity: str, step_s: int) -> float:
    """A usual value of the series: where a stuck sensor freezes (whatever the window)."""
    return asset.spec.contribution.typical_level(_series_params(asset, quantity), quantity, step_s)


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
    signal = asset.spec.contribution.signal
    values = signal(quantity, grid, draws(plan.seed, number, grid, step_s), ctx)
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
    return epoch, np.round(clipped, asset.spec.contribution.decimals.get(quantity, 1)).astype(
        np.float64
    )

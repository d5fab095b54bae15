"""A commune's equipment of every domain with a few weeks of readings, for the page and
report tests: registered through the registry service, readings through the time-series
store (rollups included), water thresholds through the indicator settings service.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from convergence.indicators.schemas import WaterSite
from convergence.indicators.services.sites import set_site_settings
from convergence.indicators.timewindows import local_wall_time
from convergence.members.scope import command_line_scope
from convergence.registry import service
from convergence.registry.schemas import AssetCreate
from convergence.timeseries.store import NewReading, store_readings
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, MemberFixture

HOUR = timedelta(hours=1)
KINDS = {"traffic": "counter", "lighting": "lighting_cabinet", "charging": "charge_point"}
UNITS = {
    "no2": "µg/m³", "pm10": "µg/m³", "pm25": "µg/m³", "o3": "µg/m³", "laeq": "dB(A)",
    "vehicle_count": "count", "water_level": "m", "energy": "kWh", "power": "W",
}  # fmt: skip
WATER = WaterSite(jaune=1.0, orange=1.5, rouge=2.0)
LAMPS_W = 12_000.0


@dataclass(frozen=True)
class Sites:
    """The planted assets of one commune, by domain."""

    air: int
    noise: int
    traffic: int
    water: int
    lighting: int
    charging: int
    silent: int


def _asset(engine: Engine, member: MemberFixture, domain: str, name: str) -> int:
    lon, lat = VERSAILLES_TOWN_HALL if member.key == "versailles" else BOULOGNE_TOWN_HALL
    data = AssetCreate(
        member_id=member.id, name=name, kind=KINDS.get(domain, "sensor"), domain=domain,
        status="active", lon=lon, lat=lat,
    )  # fmt: skip
    with engine.begin() as conn:
        return service.create_asset(conn, scope=command_line_scope(), data=data).id


def _hours(first: date, days: int, until: datetime | None) -> list[datetime]:
    start = local_wall_time(first, 0)
    hours = [start + i * HOUR for i in range(days * 24)]
    return [h for h in hours if until is None or h + HOUR <= until]


def _air(hour: datetime, quantity: str, day: int) -> float:
    """Daily cycles; the fifth day is a particle episode (PM10 around 90 µg/m³)."""
    wave = math.sin(2 * math.pi * hour.hour / 24)
    levels = {"no2": 28 + 12 * wave, "pm10": 22 + 4 * wave, "pm25": 12 + 3 * wave, "o3": 45}
    return levels[quantity] + (70.0 if quantity == "pm10" and day == 4 else 0.0)


def _readings(sites: Sites, member_id: int, hours: list[datetime]) -> list[NewReading]:
    rows: list[NewReading] = []
    energy = 0.0
    for i, hour in enumerate(hours):
        day, lit = i // 24, hour.hour >= 17 or hour.hour < 7
        at = hour + timedelta(minutes=30)
        rows += [NewReading(sites.air, member_id, q, UNITS[q], at, _air(hour, q, day))
                 for q in ("no2", "pm10", "pm25", "o3")]  # fmt: skip
        rows.append(NewReading(sites.noise, member_id, "laeq", "dB(A)", at, 58.0 if lit else 66.0))
        rows.append(NewReading(sites.traffic, member_id, "vehicle_count", "count", at,
                               80.0 if lit else 600.0))  # fmt: skip
        rows.append(NewReading(sites.water, member_id, "water_level", "m", at,
                               0.5 + 1.2 * i / len(hours)))  # fmt: skip
        energy += LAMPS_W / 1000 if lit else 0.0
        rows.append(NewReading(sites.lighting, member_id, "energy", "kWh", at, energy))
        rows.append(NewReading(sites.lighting, member_id, "power", "W", at, LAMPS_W if lit else 0))
        rows.append(NewReading(sites.charging, member_id, "power", "W", at, 7400.0 * (i % 3 == 0)))
    return rows


def plant_commune(
    engine: Engine,
    member: MemberFixture,
    *,
    first: date,
    days: int,
    prefix: str = "",
    until: datetime | None = None,
) -> Sites:
    """One asset of each domain of ``member``, hourly readings for ``days`` local days
    (those of hours ended by ``until``)."""
    names = {"air": "Station air", "noise": "Sonomètre", "traffic": "Compteur avenue",
             "water": "Limnimètre", "lighting": "Armoire A", "charging": "Borne mairie",
             "silent": "Capteur muet"}  # fmt: skip
    ids = {k: _asset(engine, member, k if k != "silent" else "air", f"{prefix}{v}")
           for k, v in names.items()}  # fmt: skip
    sites = Sites(**ids)
    with engine.begin() as conn:
        set_site_settings(conn, scope=command_line_scope(), asset_id=sites.water, settings=WATER)
        store_readings(conn, _readings(sites, member.id, _hours(first, days, until)))
        old = local_wall_time(first, 0) - timedelta(days=3)
        store_readings(conn, [NewReading(sites.silent, member.id, "no2", "µg/m³", old, 20.0)])
    return sites

"""The equipment each built-in line adds to the simulated fleet of the demo.

Orders of magnitude follow what Airparif, Bruitparif and the Seine's Vigicrues stations
publish for the Paris region (``simulation.sensors``, ``simulation.meters``). Each site's
parameters are drawn in a fixed order from the generator the fleet gives: changing that
order changes the whole demo territory of a seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from convergence.lines.charging_demo import ensure_stations
from convergence.lines.water_demo import ensure_flood_watch
from convergence.servicelines import DemoDeviceModel, FleetContribution
from convergence.simulation import meters, sensors
from convergence.simulation.sensors import SeriesContext
from convergence.simulation.signals import DAY_S, Draws, Floats, TimeGrid

AIR_LEVELS = {"no2": 24.0, "pm10": 19.0, "pm25": 19.0, "o3": 22.0}
# Communes of Yvelines and Hauts-de-Seine on the banks of the Seine.
SEINE_COMMUNES = frozenset(
    (
        *("92012", "92040", "92072", "92064", "92073", "92062", "92026", "92051", "92044"),
        *("92024", "92004", "92036", "92078", "92025", "92050", "92063", "92048", "78481"),
        *("78190", "78146", "78650", "78551", "78358", "78586", "78172", "78498", "78624"),
        *("78440", "78401", "78361", "78362", "78335", "78089", "78124", "78092", "78350"),
        *("78502", "78015", "78642", "78643", "78384", "78672", "78418", "78311"),
    )
)


def typical_level(params: Mapping[str, float], quantity: str, step_s: int) -> float:
    """A usual value of a built-in series: where a stuck sensor freezes."""
    p = params
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


def air_site(rng: np.random.Generator, insee: str) -> dict[str, float]:
    """How urban the station is, and how close to traffic."""
    return {"urban": rng.uniform(0.7, 1.4), "traffic": rng.uniform(0.4, 1.2)}


def air_series(params: Mapping[str, float], quantity: str) -> dict[str, float]:
    """The pollutant's level at the station."""
    return dict(params) | {"level": AIR_LEVELS[quantity] * params["urban"]}


def air_signal(quantity: str, grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """NO2, O3, PM10 or PM2.5."""
    if quantity == "no2":
        return sensors.no2(grid, d, ctx)
    if quantity == "o3":
        return sensors.ozone(grid, d, ctx)
    return sensors.particles(grid, d, ctx, fine=quantity == "pm25")


AIR_STATIONS = FleetContribution(
    kind="air_station",
    asset_kind="sensor",
    label="Station qualité de l'air",
    quantities=("no2", "pm10", "pm25", "o3"),
    per_fleet=60,
    prefix="AIR",
    model=DemoDeviceModel(
        "Atmo Sense",
        "AQ-Station 4",
        {"NO2": "no2", "PM10": "pm10", "PM2_5": "pm25", "O3": "o3"},
        9500,
    ),
    site=air_site,
    signal=air_signal,
    typical_level=typical_level,
    project="Réseau de stations de qualité de l'air",
    series_params=air_series,
    roadside=True,
)


def noise_site(rng: np.random.Generator, insee: str) -> dict[str, float]:
    """How much louder than usual the place is."""
    return {"offset": rng.uniform(-6, 8)}


NOISE_SENSORS = FleetContribution(
    kind="noise_sensor",
    asset_kind="sensor",
    label="Sonomètre",
    quantities=("laeq",),
    per_fleet=250,
    prefix="SON",
    model=DemoDeviceModel("Acoustique Urbaine", "SLM-LoRa 30", {"LAeq": "laeq"}, 2400),
    site=noise_site,
    signal=lambda quantity, grid, d, ctx: sensors.laeq(grid, d, ctx),
    typical_level=typical_level,
    project="Observatoire du bruit routier",
    network="lorawan",
    roadside=True,
    sites_per_commune=8,
    falls_silent=True,
)


def traffic_site(rng: np.random.Generator, insee: str) -> dict[str, float]:
    """The road's daily volume and speed limit."""
    volume = float(np.clip(rng.lognormal(math.log(6000), 0.6), 1200, 30000))
    return {"volume": volume, "limit": float(rng.choice([30, 50, 50, 70]))}


def traffic_signal(quantity: str, grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """Vehicles counted, or their mean speed."""
    return (sensors.vehicle_count if quantity == "vehicle_count" else sensors.speed)(grid, d, ctx)


TRAFFIC_COUNTERS = FleetContribution(
    kind="traffic_counter",
    asset_kind="counter",
    label="Compteur routier",
    quantities=("vehicle_count", "speed"),
    per_fleet=240,
    prefix="CPT",
    model=DemoDeviceModel(
        "Comptage Mobilité",
        "Radar TC-2",
        {"vehicles": "vehicle_count", "mean_speed": "speed"},
        3200,
    ),
    site=traffic_site,
    signal=traffic_signal,
    typical_level=typical_level,
    project="Comptage routier permanent",
    decimals={"vehicle_count": 0},
    directions=("entrant", "sortant"),
    roadside=True,
    sites_per_commune=3,
)


def water_site(rng: np.random.Generator, insee: str) -> dict[str, float]:
    """The usual height, its seasons and floods: metres on the Seine, less on a stream."""
    seine = insee in SEINE_COMMUNES
    return {
        "base": rng.uniform(1.6, 2.6) if seine else rng.uniform(0.4, 1.0),
        "seasonal": 0.6 if seine else 0.2,
        "flood": rng.uniform(3.0, 4.5) if seine else rng.uniform(0.8, 1.5),
    }


WATER_SENSORS = FleetContribution(
    kind="water_sensor",
    asset_kind="sensor",
    label="Limnimètre",
    quantities=("water_level",),
    per_fleet=40,
    prefix="EAU",
    model=DemoDeviceModel("Hydro Mesure", "Limni-Radar 10", {"level": "water_level"}, 4800),
    site=water_site,
    signal=lambda quantity, grid, d, ctx: sensors.water_level(grid, d, ctx),
    typical_level=typical_level,
    project="Surveillance des crues de la Seine",
    network="lorawan",
    decimals={"water_level": 3},
    communes=SEINE_COMMUNES,
    setup=ensure_flood_watch,
)


def lighting_site(rng: np.random.Generator, insee: str) -> dict[str, float]:
    """The cabinet's installed power and its meter's first index."""
    return {"full_w": rng.uniform(2000, 15000), "initial_kwh": rng.uniform(0, 50000)}


def lighting_signal(quantity: str, grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """Power drawn, or the energy index."""
    if quantity == "power":
        return meters.lighting_power(grid, d, ctx)
    return meters.lighting_energy(grid, ctx)


METER_DECIMALS = {"power": 0, "energy": 3}
LIGHTING_CABINETS = FleetContribution(
    kind="lighting_cabinet",
    asset_kind="lighting_cabinet",
    label="Armoire d'éclairage",
    quantities=("energy", "power"),
    per_fleet=250,
    prefix="ECL",
    model=DemoDeviceModel(
        "Lumen Cité",
        "Armoire ECL-3",
        {"active_energy": "energy", "active_power": "power"},
        6500,
    ),
    site=lighting_site,
    signal=lighting_signal,
    typical_level=typical_level,
    project="Télégestion de l'éclairage public",
    decimals=METER_DECIMALS,
    meter=True,
)


def charging_site(rng: np.random.Generator, insee: str) -> dict[str, float]:
    """The charge point's power level, daily energy and its meter's first index."""
    return {
        "level_kw": float(rng.choice([7.4, 11.0, 22.0])),
        "daily_kwh": rng.uniform(10, 90),
        "initial_kwh": rng.uniform(0, 5000),
    }


def charging_signal(quantity: str, grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """Power delivered, or the energy index."""
    if quantity == "power":
        return meters.charging_power(grid, d, ctx)
    return meters.charging_energy(grid, ctx)


CHARGE_POINTS = FleetContribution(
    kind="charge_point",
    asset_kind="charge_point",
    label="Borne de recharge",
    quantities=("energy", "power"),
    per_fleet=250,
    prefix="IRVE",
    model=DemoDeviceModel(
        "Borne Express", "AC22-2P", {"energy_import": "energy", "power": "power"}, 11000
    ),
    site=charging_site,
    signal=charging_signal,
    typical_level=typical_level,
    project="Bornes de recharge publiques",
    decimals=METER_DECIMALS,
    meter=True,
    ocpp=True,
    setup=ensure_stations,
)

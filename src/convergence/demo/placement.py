"""Where the demo's equipment stands: along each commune's main road, inside its boundary.

Air and noise stations, traffic counters and cameras are put near the main road — a line
through the commune's centre with the bearing of the catalogue, a few dozen metres to either
side; water sensors and the rest keep the fleet plan's positions. Every point is checked to
resolve to its own commune once rounded, so the registry places it where the demo says.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import shapely

from convergence.demo.catalogue import commune
from convergence.simulation.fleet import AssetPlan, FleetPlan
from convergence.territory.geometry import load_commune_index, resolve_commune

METRES_PER_DEGREE = 111_320.0
DECIMALS = 5
ATTEMPTS = 40


def _outline(insee: str) -> shapely.Geometry:
    index = load_commune_index()
    return index.geometries[index.position(insee)]


def _centre(insee: str) -> tuple[float, float]:
    """A point inside the commune near its middle (the centroid when it lies inside)."""
    outline = _outline(insee)
    centroid = outline.centroid
    inside = centroid if outline.contains(centroid) else outline.representative_point()
    x: float = inside.x
    y: float = inside.y
    return x, y


def _half_length_m(insee: str) -> float:
    """Half the commune's typical width, in metres (from its area)."""
    west, south, east, north = _outline(insee).bounds
    width = (east - west) * METRES_PER_DEGREE * math.cos(math.radians((south + north) / 2))
    height = (north - south) * METRES_PER_DEGREE
    return 0.35 * float(min(width, height))


def _offset(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    dlon = east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return lon + dlon, lat + north_m / METRES_PER_DEGREE


def _inside(insee: str, lon: float, lat: float) -> tuple[float, float] | None:
    point = (round(lon, DECIMALS), round(lat, DECIMALS))
    return point if resolve_commune(*point) == insee else None


def roadside_point(insee: str, rng: np.random.Generator) -> tuple[float, float]:
    """A point beside the commune's main road, inside the commune."""
    lon, lat = _centre(insee)
    bearing = math.radians(commune(insee).road_bearing_deg)
    along_unit, across_unit = (math.sin(bearing), math.cos(bearing)), (
        math.cos(bearing), -math.sin(bearing),
    )  # fmt: skip
    half = _half_length_m(insee)
    for attempt in range(ATTEMPTS):
        along = rng.uniform(-1.0, 1.0) * half * (1 - attempt / ATTEMPTS)
        across = rng.choice([-1.0, 1.0]) * rng.uniform(15.0, 60.0)
        east = along * along_unit[0] + across * across_unit[0]
        north = along * along_unit[1] + across * across_unit[1]
        found = _inside(insee, *_offset(lon, lat, east, north))
        if found is not None:
            return found
    return round(lon, DECIMALS), round(lat, DECIMALS)


def place_fleet(plan: FleetPlan) -> FleetPlan:
    """The plan with its roadside kinds moved beside the main roads (same seeds, same data)."""
    moved = []
    for asset in plan.assets:
        if asset.spec.contribution.roadside:
            rng = np.random.default_rng([plan.seed, asset.number // 2, 5003])
            lon, lat = roadside_point(asset.commune_insee, rng)
            asset = replace(asset, lon=lon, lat=lat)
        moved.append(_checked(asset))
    return replace(plan, assets=tuple(moved))


def _checked(asset: AssetPlan) -> AssetPlan:
    """The asset, moved to the commune's centre if its rounded position left the commune."""
    if _inside(asset.commune_insee, asset.lon, asset.lat) is not None:
        return asset
    lon, lat = _centre(asset.commune_insee)
    return replace(asset, lon=round(lon, DECIMALS), lat=round(lat, DECIMALS))


def camera_points(insee: str, count: int, *, seed: int) -> list[tuple[float, float]]:
    """Where the commune's cameras stand: its centre and its main road."""
    rng = np.random.default_rng([seed, int(insee[:2]), int(insee[2:]), 5011])
    return [roadside_point(insee, rng) for _ in range(count)]

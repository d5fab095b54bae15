"""Point-in-polygon over the commune boundaries: the commune of a point, who borders whom."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from numbers import Real
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import mapping, shape

from convergence.errors import InvalidInput
from convergence.territory.bundle import read_territory_document
from convergence.territory.reference import Commune, load_territory

# The shipped boundaries share their vertices exactly, but they are simplified: a tolerance of
# 0.0002° (about 15 m east-west and 22 m north-south at 49° N) keeps neighbours robust to a
# future source whose borders do not match to the vertex.
NEIGHBOUR_TOLERANCE_DEG = 0.0002
DECIMALS = 5

Coordinates = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CommuneIndex:
    """Prepared commune boundaries in INSEE order, behind an STRtree."""

    codes: tuple[str, ...]
    geometries: npt.NDArray[np.object_]
    tree: shapely.STRtree
    positions: dict[str, int]
    outlines: dict[str, shapely.Geometry]

    def position(self, insee: str) -> int:
        """Index of a commune in ``codes``; NotFound outside the territory."""
        # Both come from the same document: the territory's lookup gives the NotFound message.
        return self.positions[load_territory().commune(insee).insee]


@cache
def load_commune_index() -> CommuneIndex:
    """The boundary index, built on first use and then shared."""
    document = read_territory_document()
    communes = sorted(document["communes"], key=lambda c: c["insee"])
    geometries = np.array([shape(c["boundary"]) for c in communes], dtype=object)
    # Prepared polygons make every later intersects_xy test sub-linear in vertices.
    shapely.prepare(geometries)
    codes = tuple(c["insee"] for c in communes)
    return CommuneIndex(
        codes=codes,
        geometries=geometries,
        tree=shapely.STRtree(geometries),
        positions={code: i for i, code in enumerate(codes)},
        outlines={d["code"]: shape(d["outline"]) for d in document["departements"]},
    )


def point_problem(lon: float, lat: float) -> str | None:
    """What is wrong with (lon, lat) as a WGS84 point in decimal degrees, or None."""
    for label, value in (("longitude", lon), ("latitude", lat)):
        # The annotations promise floats; callers at the edges may still pass anything.
        if isinstance(value, bool) or not isinstance(value, Real):
            return f"{label} {value!r} is not a number"
        if not math.isfinite(value):
            return f"{label} {value} is not a finite number"
    for label, value, limit in (("longitude", lon, 180), ("latitude", lat, 90)):
        if abs(value) > limit:
            hint = range_hint(float(lon), float(lat))
            return f"{label} {float(value):g} is outside [-{limit}, {limit}]; {hint}"
    return None


def range_hint(lon: float, lat: float) -> str:
    """The likeliest cause of an out-of-range point, said so that people can fix it."""
    if abs(lon) <= 90 < abs(lat) <= 180:
        return "did you swap lon and lat?"
    if max(abs(lon), abs(lat)) > 1000:
        return "these look like projected metres (Lambert-93?): send WGS84 decimal degrees"
    return "send WGS84 decimal degrees, longitude first"


def check_lon_lat(lon: float, lat: float) -> tuple[float, float]:
    """The point as floats; InvalidInput saying what is wrong with it."""
    problem = point_problem(lon, lat)
    if problem is not None:
        raise InvalidInput(problem, longitude=repr(lon), latitude=repr(lat))
    return float(lon), float(lat)


def resolve_commune(lon: float, lat: float) -> str | None:
    """INSEE code of the commune containing (lon, lat) in WGS84, None outside 78 and 92."""
    lon, lat = check_lon_lat(lon, lat)
    index = load_commune_index()
    # Candidates come back from the tree in any order: sorting them makes a point lying exactly
    # on a shared border resolve to the smallest INSEE code, every time.
    for position in sorted(index.tree.query(shapely.Point(lon, lat))):
        if shapely.intersects_xy(index.geometries[position], lon, lat):
            return index.codes[int(position)]
    return None


def as_coordinates(points: Iterable[tuple[float, float]] | Coordinates) -> Coordinates:
    """Points as an (n, 2) float array of checked lon/lat; InvalidInput naming the bad point."""
    try:
        array = np.asarray(points if isinstance(points, np.ndarray) else list(points), dtype=float)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"points must be (lon, lat) pairs of numbers: {error}") from None
    if array.size == 0:
        return np.empty((0, 2))
    if array.ndim != 2 or array.shape[1] != 2:
        raise InvalidInput(f"points must be (lon, lat) pairs, got an array of shape {array.shape}")
    in_range = np.abs(array) <= np.array([180.0, 90.0])  # False for nan and inf too
    bad_rows = np.flatnonzero(~in_range.all(axis=1))
    if bad_rows.size:
        first = int(bad_rows[0])
        problem = point_problem(*array[first])
        raise InvalidInput(f"point {first}: {problem}", index=first)
    return array


def resolve_communes(points: Iterable[tuple[float, float]] | Coordinates) -> list[str | None]:
    """INSEE code (or None) of each (lon, lat) point, vectorised for bulk imports."""
    coordinates = as_coordinates(points)
    index = load_commune_index()
    xs, ys = coordinates[:, 0], coordinates[:, 1]
    point_ids, polygon_ids = index.tree.query(shapely.points(xs, ys))
    inside = shapely.intersects_xy(index.geometries[polygon_ids], xs[point_ids], ys[point_ids])
    point_ids, polygon_ids = point_ids[inside], polygon_ids[inside]
    # Same tie-break as resolve_commune: the smallest INSEE code (codes are sorted) wins.
    order = np.lexsort((polygon_ids, point_ids))
    winners, first = np.unique(point_ids[order], return_index=True)
    result: list[str | None] = [None] * len(coordinates)
    for point_id, polygon_id in zip(winners, polygon_ids[order][first], strict=True):
        result[int(point_id)] = index.codes[int(polygon_id)]
    return result


def commune_neighbours(insee: str) -> set[str]:
    """INSEE codes of the communes of 78 and 92 sharing a border (or a corner) with ``insee``."""
    index = load_commune_index()
    position = index.position(insee)
    hits = index.tree.query(
        index.geometries[position], predicate="dwithin", distance=NEIGHBOUR_TOLERANCE_DEG
    )
    return {index.codes[int(hit)] for hit in hits if hit != position}


def commune_centroid(insee: str) -> tuple[float, float]:
    """(lon, lat) of the commune's centroid; it may lie outside a crescent-shaped commune."""
    index = load_commune_index()
    centroid = index.geometries[index.position(insee)].centroid
    return round(centroid.x, DECIMALS), round(centroid.y, DECIMALS)


def commune_feature(commune: Commune) -> dict[str, Any]:
    """GeoJSON Feature of one commune, its reference data as properties."""
    index = load_commune_index()
    return {
        "type": "Feature",
        "id": commune.insee,
        "properties": {
            "insee": commune.insee,
            "name": commune.name,
            "departement": commune.departement,
            "population": commune.population,
            "epci_siren": commune.epci_siren,
            "ept_siren": commune.ept_siren,
        },
        "geometry": mapping(index.geometries[index.position(commune.insee)]),
    }


def commune_geojson(insee: str) -> dict[str, Any]:
    """GeoJSON Feature of the commune with this INSEE code; NotFound outside the territory."""
    return commune_feature(load_territory().commune(insee))


def territory_geojson(*, departement: str | None = None) -> dict[str, Any]:
    """GeoJSON FeatureCollection of every commune, or of one département's communes."""
    territory = load_territory()
    communes = (
        territory.communes
        if departement is None
        else territory.communes_of_departement(departement)
    )
    return {"type": "FeatureCollection", "features": [commune_feature(c) for c in communes]}


def departement_geojson(code: str) -> dict[str, Any]:
    """GeoJSON Feature of a département's outline."""
    departement = load_territory().departement(code)
    outline = load_commune_index().outlines[code]
    return {
        "type": "Feature",
        "id": departement.code,
        "properties": {"code": departement.code, "name": departement.name},
        "geometry": mapping(outline),
    }

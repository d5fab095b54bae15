"""Where a member's network reaches, in metres, to tell whether two networks overlap.

A network's coverage is the union of discs of the radio range around its positioned gateways
and devices; a network with nothing positioned yet is taken to cover the communes of its
member, plus the radio range beyond their borders. Distances use an equirectangular
projection centred on the territory (48.8° N): across Yvelines and Hauts-de-Seine it is
within 1 % of Lambert-93, far below the uncertainty of a radio range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import shapely

from convergence.territory.geometry import load_commune_index

REFERENCE_LATITUDE = 48.8
METRES_PER_DEGREE = 111_200.0
X_SCALE = METRES_PER_DEGREE * math.cos(math.radians(REFERENCE_LATITUDE))
QUAD_SEGMENTS = 16  # 64-sided discs: areas within 0.2 % of the circle, 1 % of a thin lens


def _project(coordinates: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    scaled: npt.NDArray[np.float64] = coordinates * np.array([X_SCALE, METRES_PER_DEGREE])
    return scaled


def to_metres(geometry: shapely.Geometry) -> shapely.Geometry:
    """A WGS84 geometry in local metres."""
    return shapely.transform(geometry, _project)


def discs(points: Iterable[tuple[float, float]], *, radius_m: float) -> shapely.Geometry:
    """Union of discs of ``radius_m`` around (lon, lat) points, in local metres."""
    projected = [to_metres(shapely.Point(lon, lat)) for lon, lat in points]
    return shapely.union_all(
        [shapely.buffer(point, radius_m, quad_segs=QUAD_SEGMENTS) for point in projected]
    )


def communes_reach(insee_codes: Iterable[str], *, radius_m: float) -> shapely.Geometry:
    """The communes' surface plus ``radius_m`` beyond their borders, in local metres."""
    index = load_commune_index()
    shapes = [to_metres(index.geometries[index.position(code)]) for code in insee_codes]
    return shapely.buffer(shapely.union_all(shapes), radius_m, quad_segs=QUAD_SEGMENTS)


def area_km2(geometry: shapely.Geometry) -> float:
    """Area of a geometry in local metres, in km²."""
    return float(shapely.area(geometry)) / 1_000_000

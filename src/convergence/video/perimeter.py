"""A system's perimeter: a GeoJSON polygon checked when declared, and cameras placed in it."""

from __future__ import annotations

from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from convergence.errors import InvalidInput

POLYGON_TYPES = frozenset({"Polygon", "MultiPolygon"})


def check_perimeter(perimeter: dict[str, Any] | None) -> dict[str, Any] | None:
    """The perimeter if it is a valid GeoJSON (Multi)Polygon; InvalidInput otherwise."""
    if perimeter is None:
        return None
    if perimeter.get("type") not in POLYGON_TYPES:
        raise InvalidInput(
            "le périmètre doit être un polygone GeoJSON / the perimeter must be a GeoJSON "
            "Polygon or MultiPolygon in WGS84 (lon, lat)"
        )
    try:
        geometry = shape(perimeter)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise InvalidInput(
            f"périmètre illisible / unreadable perimeter: {error}; give closed rings of "
            "[lon, lat] pairs"
        ) from None
    if geometry.is_empty or not geometry.is_valid:
        raise InvalidInput(
            "périmètre invalide (anneau ouvert ou croisé) / invalid perimeter: rings must be "
            "closed and must not cross themselves"
        )
    return perimeter


def perimeter_shape(perimeter: dict[str, Any] | None) -> BaseGeometry | None:
    return None if perimeter is None else shape(perimeter)


def camera_flags(
    *,
    system_id: int | None,
    lon: float | None,
    lat: float | None,
    perimeter: BaseGeometry | None,
) -> list[str]:
    """Why a camera needs attention: in no system, without a position, outside the perimeter."""
    if system_id is None:
        return ["no_system"]
    if lon is None or lat is None:
        return ["no_position"]
    if perimeter is not None and not perimeter.covers(Point(lon, lat)):
        return ["outside_perimeter"]
    return []


FLAG_LABELS = {
    "no_system": "rattachée à aucun système autorisé",
    "no_position": "sans position",
    "outside_perimeter": "hors du périmètre autorisé",
}

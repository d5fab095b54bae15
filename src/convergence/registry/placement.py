"""Placing equipment: the commune of a position, and whether it lies in a member's territory."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from convergence.errors import OutsideTerritory
from convergence.members.queries import get_member
from convergence.members.roles import MemberKind
from convergence.territory.geometry import resolve_commune, resolve_communes
from convergence.territory.reference import load_territory


def commune_of_position(
    conn: Connection, *, member_id: int, lon: float | None, lat: float | None
) -> str | None:
    """INSEE code of the commune at (lon, lat); OutsideTerritory if outside the member's."""
    if lon is None or lat is None:
        return None
    allowed = member_territory(conn, member_id=member_id)
    return check_in_territory(resolve_commune(lon, lat), lon, lat, allowed)


def communes_of_positions(
    points: Sequence[tuple[float, float]],
) -> list[str | None]:
    """INSEE codes of many positions at once (bulk imports)."""
    return resolve_communes(points)


def member_territory(conn: Connection, *, member_id: int) -> frozenset[str] | None:
    """INSEE codes where the member may place equipment; None means the whole territory."""
    member = get_member(conn, member_id=member_id)
    if member.kind is MemberKind.operator:
        return None
    return frozenset(member.communes)


def check_in_territory(
    insee: str | None, lon: float, lat: float, allowed: frozenset[str] | None
) -> str:
    """``insee`` if it is allowed; OutsideTerritory with a reason people can act on."""
    if insee is None:
        raise OutsideTerritory(
            f"le point ({lon}, {lat}) est hors des Yvelines et des Hauts-de-Seine / the point "
            f"(lon {lon}, lat {lat}) is outside Yvelines (78) and Hauts-de-Seine (92); "
            "check the coordinates (WGS84 decimal degrees, lon first)"
        )
    if allowed is not None and insee not in allowed:
        name = load_territory().commune(insee).name
        raise OutsideTerritory(
            f"le point ({lon}, {lat}) est à {name} ({insee}), hors du territoire de l'adhérent / "
            f"the point is in {name} ({insee}), outside your member's territory",
            commune_insee=insee,
        )
    return insee

"""The charging line's demo setup: the IRVE details of the demo's charge points, so that its
open-data files can be published (``FleetContribution.setup`` of ``CHARGE_POINTS``).

Each charge point is one station of two points of charge (connectors 1 and 2, Type 2 socket,
the charge point's power), on the street, open to all, with identifiers in the AFIREV form
(``FR*CVG*P…`` for the station, ``FR*CVG*E…*1`` for a point). The addresses are made up and say
so. A charge point that already has station details keeps them: a re-run changes nothing, and
details a person entered through the interface are never overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, select

from convergence.charging.irve.models import (
    AccessCondition,
    Operator,
    Payment,
    PmrAccessibility,
    Siting,
    SocketType,
    Station,
)
from convergence.charging.schemas import ConnectorSetup, StationSetup
from convergence.charging.service import configure_station
from convergence.charging.tables import charge_points
from convergence.members.scope import MemberScope
from convergence.simulation.fleet import AssetPlan
from convergence.territory.tables import communes

OPERATOR = Operator(
    name="Syndicat numérique (démonstration)", contact_email="supervision@convergence.demo.fr"
)
POINTS = (1, 2)


def ensure_stations(
    conn: Connection,
    *,
    scope: MemberScope,
    assets: Sequence[AssetPlan],
    member_ids: Mapping[str, int],
    asset_ids: Mapping[str, int],
) -> None:
    """Give every demo charge point without station details its station."""
    rows = conn.execute(select(charge_points.c.asset_id, charge_points.c.station))
    configured = {asset_id for asset_id, station in rows if station}
    names = {r.insee: r.name for r in conn.execute(select(communes.c.insee, communes.c.name))}
    for asset in [a for a in assets if asset_ids[a.serial] not in configured]:
        setup = station_setup(asset, names[asset.commune_insee])
        configure_station(conn, scope=scope, asset_id=asset_ids[asset.serial], setup=setup)


def station_setup(asset: AssetPlan, commune_name: str) -> StationSetup:
    """The station of one simulated charge point and its two points of charge."""
    code = f"{asset.commune_insee}{asset.number:04d}"
    station = Station(
        id_station_itinerance=f"FR*CVG*P{code}",
        brand="Recharge Convergence",
        siting=Siting.on_street,
        address=f"Emplacement de démonstration n° {asset.number}, {commune_name}",
        access_condition=AccessCondition.open,
        reservation=False,
        opening_hours="24/7",
        pmr_accessibility=PmrAccessibility.accessible,
        height_restriction="Aucune restriction",
        two_wheelers=False,
        operator=OPERATOR,
        payment=Payment(pay_per_use=True, card=True),
    )
    points = [
        ConnectorSetup(
            connector_id=point,
            id_pdc_itinerance=f"FR*CVG*E{code}*{point}",
            power_kw=float(asset.params["level_kw"]),
            sockets=frozenset({SocketType.type_2}),
        )
        for point in POINTS
    ]
    return StationSetup(station=station, connectors=points)

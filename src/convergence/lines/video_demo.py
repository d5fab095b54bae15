"""Demo data of video protection: a system per demo commune, its cameras, a requisition.

The video line's demo hook, called for each demo member with its scope: idempotent (a member
that already has its demo system is left alone). Each system covers a square around a point
inside the commune; one camera stands outside it, so the overview shows a camera to check.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, select

from convergence.db.types import utcnow
from convergence.members.roles import MemberKind
from convergence.members.scope import MemberScope
from convergence.members.tables import members
from convergence.registry import service as registry
from convergence.registry.schemas import AssetCreate
from convergence.registry.tables import device_models
from convergence.territory.geometry import load_commune_index
from convergence.video import requisitions, service
from convergence.video.kinds import Purpose
from convergence.video.schemas import CameraLink, RequisitionCreate, Sign, SystemCreate
from convergence.video.tables import video_systems

COMMUNES = 2  # the first demo communes get a system
CAMERAS = ("parvis de l'hôtel de ville", "place du marché", "gare", "école Jean-Jaurès")
HALF_SIDE = 0.004  # degrees: a square of about 600 m by 900 m


def _inside(insee: str) -> tuple[float, float]:
    index = load_commune_index()
    point = index.geometries[index.position(insee)].representative_point()
    return round(point.x, 5), round(point.y, 5)


def _square(lon: float, lat: float) -> dict[str, object]:
    d = HALF_SIDE
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def video_demo(conn: Connection, *, scope: MemberScope) -> None:
    """The member's system, its cameras and (for the first) a requisition, when it is one of
    the first demo communes."""
    communes = conn.execute(
        select(members.c.id, members.c.name, members.c.insee)
        .where(members.c.kind == MemberKind.commune.value)
        .order_by(members.c.id)
        .limit(COMMUNES)
    ).all()
    for index, commune in enumerate(communes):
        if commune.id != scope.member_id or _has_demo_system(conn, commune.id):
            continue
        _commune_demo(conn, scope, commune.id, commune.name, commune.insee, first=index == 0)


def _has_demo_system(conn: Connection, member_id: int) -> bool:
    found = select(video_systems.c.id).where(
        video_systems.c.member_id == member_id,
        video_systems.c.authorisation_number.like("DEMO-%"),
    )
    return conn.execute(found).first() is not None


def _commune_demo(
    conn: Connection, scope: MemberScope, member_id: int, name: str, insee: str, *, first: bool
) -> None:
    lon, lat = _inside(insee)
    system = service.create_system(
        conn,
        scope=scope,
        data=SystemCreate(
            member_id=member_id,
            name=f"Vidéoprotection du centre — {name}",
            authorisation_number=f"DEMO-{insee}-2022-017",
            authorised_on=date(2022, 3, 1) if first else date(2024, 9, 15),
            purposes=[Purpose.public_buildings, Purpose.crime_prevention],
            retention_days=15,
            perimeter=_square(lon, lat),
            signage=[Sign(place=f"Entrées du centre-ville de {name}", text="Espace vidéoprotégé")],
            controller=f"Maire de {name}",
            contact="Police municipale, 01 00 00 00 00 (numéro fictif)",
            viewers=["Police municipale", "Centre de supervision mutualisé"],
        ),
    )
    camera_ids = []
    model_id = conn.execute(
        select(device_models.c.id).where(device_models.c.domain == "video").limit(1)
    ).scalar()
    for number, place in enumerate(CAMERAS):
        # The last camera stands outside the perimeter: the overview flags it.
        offset = 2.5 * HALF_SIDE if number == len(CAMERAS) - 1 else (number - 1) * HALF_SIDE / 2
        asset = registry.create_asset(
            conn,
            scope=scope,
            data=AssetCreate(
                member_id=member_id,
                name=f"Caméra {place}",
                kind="camera",
                domain="video",
                status="active",
                lon=lon + offset,
                lat=lat,
                serial=f"DEMO-CAM-{insee}-{number + 1}",
                device_model_id=model_id,
            ),
        )
        link = CameraLink(
            system_id=system.id, recorder_ref=str(number + 1), vv_authorised=number == 1
        )
        service.link_camera(conn, scope=scope, asset_id=asset.id, data=link)
        camera_ids.append(asset.id)
    if first:
        _demo_requisition(conn, scope, system.id, camera_ids[:2])


def _demo_requisition(
    conn: Connection, scope: MemberScope, system_id: int, camera_ids: list[int]
) -> None:
    yesterday = utcnow().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=1)
    requisitions.create_requisition(
        conn,
        scope=scope,
        data=RequisitionCreate(
            system_id=system_id,
            opj_name="Capitaine Exemple (fictif)",
            opj_service="Commissariat de démonstration",
            procedure_number="DEMO-2026-000123",
            cameras=camera_ids,
            window_start=yesterday,
            window_end=yesterday + timedelta(minutes=30),
        ),
    )

"""Per-site settings of the indicators: set by writers of the asset's member, read by readers.

A setting's kind is its asset's domain (water thresholds on a water-level sensor, directions
on a traffic counter…). The assets a traffic site names for its directions and heavy
vehicles must be traffic assets of the same member.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.db.types import utcnow
from convergence.errors import InvalidInput, NotFound
from convergence.indicators.queries import SETTINGS_ADAPTER
from convergence.indicators.schemas import SiteSettings, SiteSettingsOut, TrafficSite
from convergence.indicators.tables import site_settings
from convergence.members import audit
from convergence.members.scope import MemberScope, member_clause, require_write
from convergence.registry.queries import get_asset
from convergence.registry.schemas import AssetOut


def _referenced_assets(settings: SiteSettings) -> set[int]:
    if not isinstance(settings, TrafficSite):
        return set()
    ids = {d.asset_id for d in settings.directions if d.asset_id is not None}
    ids |= {d.heavy.asset_id for d in settings.directions if d.heavy and d.heavy.asset_id}
    return ids


def _check_references(
    conn: Connection, scope: MemberScope, owner: AssetOut, settings: SiteSettings
) -> None:
    """InvalidInput unless every referenced asset is a traffic asset of the same member."""
    for asset_id in sorted(_referenced_assets(settings)):
        try:
            other = get_asset(conn, scope=scope, asset_id=asset_id)
        except NotFound:
            other = None
        if other is None or other.member_id != owner.member_id or other.domain != owner.domain:
            raise InvalidInput(
                f"l'équipement {asset_id} n'est pas un compteur du même adhérent / asset "
                f"{asset_id} is not a {owner.domain} asset of the same member",
                asset_id=asset_id,
            )


def set_site_settings(
    conn: Connection, *, scope: MemberScope, asset_id: int, settings: SiteSettings
) -> SiteSettingsOut:
    """Create or replace the settings of one kind for an asset the caller may write."""
    asset = get_asset(conn, scope=scope, asset_id=asset_id)
    require_write(scope, asset.member_id)
    if str(asset.domain) != settings.kind:
        raise InvalidInput(
            f"réglages « {settings.kind} » pour un équipement du domaine « {asset.domain} » / "
            f"{settings.kind} settings need a {settings.kind} asset, this one is {asset.domain}",
        )
    _check_references(conn, scope, asset, settings)
    config = settings.model_dump(mode="json", exclude={"kind"})
    values = {"member_id": asset.member_id, "config": config, "updated_by": scope.actor}
    _upsert(conn, {"asset_id": asset_id, "kind": settings.kind, **values, "updated_at": utcnow()})
    audit.record(
        conn,
        actor=scope.actor,
        action="indicators.site_settings",
        member_id=asset.member_id,
        target=f"asset:{asset_id}",
        details={"kind": settings.kind, "config": config},
    )
    return get_site_settings(conn, scope=scope, asset_id=asset_id)[0]


def _upsert(conn: Connection, row: dict[str, Any]) -> None:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(site_settings).values(**row)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["asset_id", "kind"],
            set_={
                k: statement.excluded[k]
                for k in ("member_id", "config", "updated_by", "updated_at")
            },
        )
    )


def get_site_settings(
    conn: Connection, *, scope: MemberScope, asset_id: int
) -> list[SiteSettingsOut]:
    """Settings of an asset the caller reads in full; NotFound when there are none.

    Settings hold free text (direction names): readers of aggregates get none of them.
    """
    rows = conn.execute(
        select(site_settings)
        .where(
            site_settings.c.asset_id == asset_id,
            member_clause(scope, site_settings.c.member_id),
        )
        .order_by(site_settings.c.kind)
    ).all()
    if not rows:
        raise NotFound(
            f"aucun réglage pour l'équipement {asset_id} / no settings for asset {asset_id}"
        )
    return [
        SiteSettingsOut(
            asset_id=r.asset_id,
            settings=SETTINGS_ADAPTER.validate_python(r.config | {"kind": r.kind}),
            updated_at=r.updated_at,
        )
        for r in rows
    ]

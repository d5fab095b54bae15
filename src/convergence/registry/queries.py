"""Read side of the registry; every query of member-owned rows takes a member scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, Row, Select, func, or_, select

from convergence.errors import NotFound
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.schemas import (
    AssetFilters,
    AssetOut,
    AssetSelection,
    DeviceModelOut,
    FieldMapping,
    InitiativeOut,
    OffsetWindow,
)
from convergence.registry.tables import assets, device_models, initiatives


def get_asset(conn: Connection, *, scope: MemberScope, asset_id: int) -> AssetOut:
    """One asset the scope may read; NotFound otherwise, whether it exists or not."""
    row = conn.execute(
        select(assets).where(assets.c.id == asset_id, member_clause(scope, assets.c.member_id))
    ).first()
    if row is None:
        raise NotFound(f"équipement {asset_id} introuvable / asset {asset_id} not found")
    return asset_out(row)


def list_assets(
    conn: Connection, *, scope: MemberScope, filters: AssetFilters
) -> OffsetWindow[AssetOut]:
    """A page of the assets the scope may read, filtered."""
    query = _filtered_assets(scope, filters)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.order_by(assets.c.id).limit(filters.limit).offset(filters.offset))
    return OffsetWindow[AssetOut](
        items=[asset_out(r) for r in rows],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


def iter_assets(conn: Connection, *, scope: MemberScope, filters: AssetSelection) -> list[AssetOut]:
    """Every asset matching the filters, without paging (exports)."""
    rows = conn.execute(_filtered_assets(scope, filters).order_by(assets.c.id))
    return [asset_out(r) for r in rows]


def export_rows(
    conn: Connection, *, scope: MemberScope, filters: AssetSelection, columns: Sequence[str]
) -> list[Row[Any]]:
    """Only ``columns`` of the matching assets, as rows straight from SQL (large exports)."""
    query = _filtered_assets(scope, filters).with_only_columns(*(assets.c[c] for c in columns))
    return list(conn.execute(query.order_by(assets.c.id)))


def select_assets(*, scope: MemberScope, filters: AssetSelection) -> Select[Any]:
    """The statement of the assets the scope may read, filtered."""
    return _filtered_assets(scope, filters)


def _filtered_assets(scope: MemberScope, filters: AssetSelection) -> Select[Any]:
    query = select(assets).where(member_clause(scope, assets.c.member_id))
    equalities = {
        assets.c.member_id: filters.member_id,
        assets.c.commune_insee: filters.commune,
        assets.c.kind: filters.kind,
        assets.c.status: filters.status,
        assets.c.domain: filters.domain,
        assets.c.initiative_id: filters.initiative_id,
    }
    for column, value in equalities.items():
        if value is not None:
            query = query.where(column == (str(value) if not isinstance(value, int) else value))
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        query = query.where(
            or_(
                func.lower(assets.c.name).like(pattern),
                func.lower(assets.c.serial).like(pattern),
                func.lower(assets.c.dev_eui).like(pattern),
                func.lower(assets.c.ocpp_id).like(pattern),
            )
        )
    return query


def asset_out(row: Row[Any]) -> AssetOut:
    return AssetOut.model_validate(row._asdict())


def get_device_model(conn: Connection, *, device_model_id: int) -> DeviceModelOut:
    """A device model of the shared catalogue (readable by every member)."""
    row = conn.execute(select(device_models).where(device_models.c.id == device_model_id)).first()
    if row is None:
        raise NotFound(f"modèle {device_model_id} introuvable / device model not found")
    return device_model_out(row)


def select_device_models() -> Select[Any]:
    """The statement of the shared catalogue of device models."""
    return select(device_models)


def list_device_models(conn: Connection) -> list[DeviceModelOut]:
    rows = conn.execute(
        select_device_models().order_by(device_models.c.vendor, device_models.c.model)
    )
    return [device_model_out(r) for r in rows]


def device_model_out(row: Row[Any]) -> DeviceModelOut:
    mapping = {k: FieldMapping.model_validate(v) for k, v in row.field_map.items()}
    return DeviceModelOut(
        id=row.id,
        vendor=row.vendor,
        model=row.model,
        domain=row.domain,
        codec=row.codec,
        field_map=mapping,
        quality_rules=row.quality_rules,
        expected_period_s=row.expected_period_s,
    )


def get_initiative(conn: Connection, *, scope: MemberScope, initiative_id: int) -> InitiativeOut:
    row = conn.execute(
        select(initiatives).where(
            initiatives.c.id == initiative_id, member_clause(scope, initiatives.c.member_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"projet {initiative_id} introuvable / initiative not found")
    return InitiativeOut.model_validate(row._asdict())


def select_initiatives(
    *, scope: MemberScope, domain: str | None = None, status: str | None = None
) -> Select[Any]:
    """The statement of the initiatives the scope may read, by domain and status."""
    query = select(initiatives).where(member_clause(scope, initiatives.c.member_id))
    if domain:
        query = query.where(initiatives.c.domain == domain)
    if status:
        query = query.where(initiatives.c.status == status)
    return query


def initiative_out(row: Row[Any]) -> InitiativeOut:
    return InitiativeOut.model_validate(row._asdict())


def list_initiatives(
    conn: Connection,
    *,
    scope: MemberScope,
    domain: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> OffsetWindow[InitiativeOut]:
    query = select_initiatives(scope=scope, domain=domain, status=status)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.order_by(initiatives.c.id).limit(limit).offset(offset))
    return OffsetWindow[InitiativeOut](
        items=[InitiativeOut.model_validate(r._asdict()) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


class AssetCount(NamedTuple):
    commune_insee: str | None
    domain: str
    total: int


def count_assets_by_commune_and_domain(conn: Connection, *, scope: MemberScope) -> list[AssetCount]:
    """How many assets the scope may read, per commune and domain."""
    rows = conn.execute(
        select(assets.c.commune_insee, assets.c.domain, func.count())
        .where(member_clause(scope, assets.c.member_id))
        .group_by(assets.c.commune_insee, assets.c.domain)
        .order_by(assets.c.commune_insee, assets.c.domain)
    )
    return [AssetCount(r[0], r[1], r[2]) for r in rows]


class AssetMarker(NamedTuple):
    id: int
    name: str
    kind: str
    domain: str
    status: str
    lon: float
    lat: float


def asset_markers(conn: Connection, *, scope: MemberScope) -> list[AssetMarker]:
    """The located assets the scope may read, with what a map shows of them."""
    rows = conn.execute(
        select(
            assets.c.id,
            assets.c.name,
            assets.c.kind,
            assets.c.domain,
            assets.c.status,
            assets.c.lon,
            assets.c.lat,
        )
        .where(
            member_clause(scope, assets.c.member_id),
            assets.c.lon.is_not(None),
            assets.c.lat.is_not(None),
        )
        .order_by(assets.c.id)
    )
    return [AssetMarker(*row) for row in rows]

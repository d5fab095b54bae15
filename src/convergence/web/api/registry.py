"""Equipment (assets), device models and initiatives."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile, status
from fastapi.responses import JSONResponse, Response

from convergence.registry import csv_io, queries, service
from convergence.registry.kinds import DomainName, InitiativeStatus
from convergence.registry.schemas import (
    AssetCreate,
    AssetFilters,
    AssetOut,
    AssetUpdate,
    DeviceModelCreate,
    DeviceModelOut,
    InitiativeCreate,
    InitiativeOut,
    Page,
)
from convergence.web.deps import EngineDep, ReadScope, RuntimeDep

router = APIRouter(tags=["registry"])
FiltersDep = Annotated[AssetFilters, Depends()]


@router.get("/assets", response_model=Page[AssetOut])
def list_assets(engine: EngineDep, scope: ReadScope, filters: FiltersDep) -> Page[AssetOut]:
    """Equipment the caller may see, filtered by commune, kind, status, domain or project."""
    with engine.connect() as conn:
        return queries.list_assets(conn, scope=scope, filters=filters)


@router.post("/assets", response_model=AssetOut, status_code=status.HTTP_201_CREATED)
def create_asset(data: AssetCreate, runtime: RuntimeDep, scope: ReadScope) -> AssetOut:
    """Register equipment; `commune_insee` is resolved from lon/lat."""
    with runtime.begin() as conn:
        return service.create_asset(
            conn, scope=scope, data=data, listeners=runtime.registry_listeners
        )


@router.get("/assets.csv", response_class=Response)
def export_assets(engine: EngineDep, scope: ReadScope, filters: FiltersDep) -> Response:
    """The filtered equipment as CSV, in the import format."""
    with engine.connect() as conn:
        items = queries.iter_assets(conn, scope=scope, filters=filters)
    return Response(
        csv_io.export_assets(items),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="equipements.csv"'},
    )


@router.post("/assets/import")
def import_assets(
    runtime: RuntimeDep,
    scope: ReadScope,
    file: UploadFile = File(...),
    member_id: int | None = Query(default=None),
) -> JSONResponse:
    """Import a CSV of equipment: all rows or none; bad rows come back with line and reason."""
    data = file.file.read()
    with runtime.begin() as conn:
        report = csv_io.import_assets(
            conn,
            scope=scope,
            data=data,
            member_id=member_id,
            listeners=runtime.registry_listeners,
        )
    body = {
        "rows": report.rows,
        "imported": report.imported,
        "errors": [{"line": e.line, "reason": e.reason} for e in report.errors],
    }
    return JSONResponse(body, status_code=200 if report.ok else 422)


@router.get("/assets/{asset_id}", response_model=AssetOut)
def get_asset(asset_id: int, engine: EngineDep, scope: ReadScope) -> AssetOut:
    with engine.connect() as conn:
        return queries.get_asset(conn, scope=scope, asset_id=asset_id)


@router.patch("/assets/{asset_id}", response_model=AssetOut)
def update_asset(asset_id: int, data: AssetUpdate, engine: EngineDep, scope: ReadScope) -> AssetOut:
    with engine.begin() as conn:
        return service.update_asset(conn, scope=scope, asset_id=asset_id, data=data)


@router.delete("/assets/{asset_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_asset(asset_id: int, engine: EngineDep, scope: ReadScope) -> Response:
    with engine.begin() as conn:
        service.delete_asset(conn, scope=scope, asset_id=asset_id)
    return Response(status_code=204)


@router.get("/device-models", response_model=list[DeviceModelOut])
def list_device_models(engine: EngineDep, scope: ReadScope) -> list[DeviceModelOut]:
    """The shared catalogue of device models."""
    with engine.connect() as conn:
        return queries.list_device_models(conn)


@router.post("/device-models", response_model=DeviceModelOut, status_code=201)
def create_device_model(
    data: DeviceModelCreate, engine: EngineDep, scope: ReadScope
) -> DeviceModelOut:
    with engine.begin() as conn:
        return service.create_device_model(conn, scope=scope, data=data)


@router.get("/initiatives", response_model=Page[InitiativeOut])
def list_initiatives(
    engine: EngineDep,
    scope: ReadScope,
    domain: DomainName | None = None,
    status_: InitiativeStatus | None = Query(default=None, alias="status"),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0),
) -> Page[InitiativeOut]:
    with engine.connect() as conn:
        return queries.list_initiatives(
            conn, scope=scope, domain=domain, status=status_, limit=limit, offset=offset
        )


@router.post("/initiatives", response_model=InitiativeOut, status_code=201)
def create_initiative(data: InitiativeCreate, engine: EngineDep, scope: ReadScope) -> InitiativeOut:
    with engine.begin() as conn:
        return service.create_initiative(conn, scope=scope, data=data)


@router.get("/initiatives/{initiative_id}", response_model=InitiativeOut)
def get_initiative(initiative_id: int, engine: EngineDep, scope: ReadScope) -> InitiativeOut:
    with engine.connect() as conn:
        return queries.get_initiative(conn, scope=scope, initiative_id=initiative_id)

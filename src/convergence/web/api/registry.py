"""Equipment (assets), device models and initiatives."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile, status
from fastapi.responses import JSONResponse, Response

from convergence.ingest.schemas import DeviceModelUpdated
from convergence.ingest.unmapped import replay_for_model
from convergence.registry import csv_io, queries, service
from convergence.registry.kinds import DomainName, InitiativeStatus
from convergence.registry.schemas import (
    AssetCreate,
    AssetOut,
    AssetSelection,
    AssetUpdate,
    DeviceModelCreate,
    DeviceModelOut,
    DeviceModelUpdate,
    InitiativeCreate,
    InitiativeOut,
)
from convergence.web.api.pagination import Page, PageDep, paginate
from convergence.web.deps import EngineDep, ReadScope, RuntimeDep

router = APIRouter(tags=["registry"])
FiltersDep = Annotated[AssetSelection, Depends()]


@router.get("/assets", response_model=Page[AssetOut])
def list_assets(
    engine: EngineDep, scope: ReadScope, filters: FiltersDep, page: PageDep
) -> Page[AssetOut]:
    """Equipment the caller may see, filtered by commune, kind, status, domain or project."""
    with engine.connect() as conn:
        statement = queries.select_assets(scope=scope, filters=filters)
        return paginate(conn, statement, page, to_item=queries.asset_out)


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
        text = csv_io.export_selection(conn, scope=scope, filters=filters)
    return Response(
        text,
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
    """Import a CSV of equipment: all rows or none; bad rows come back with line and reason.

    Every row is checked first, then written in short transactions
    (`CONVERGENCE_IMPORT_BATCH_ROWS` rows each); a file over `CONVERGENCE_IMPORT_MAX_BYTES`
    or `CONVERGENCE_IMPORT_MAX_ROWS` is refused (413) with the advice to split it.
    """
    limits = csv_io.ImportLimits.from_settings(runtime.settings)
    data = file.file.read(limits.max_bytes + 1)
    report = csv_io.import_in_batches(
        runtime.engine,
        begin=runtime.begin,
        scope=scope,
        data=data,
        member_id=member_id,
        limits=limits,
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


@router.get("/device-models", response_model=Page[DeviceModelOut])
def list_device_models(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[DeviceModelOut]:
    """The shared catalogue of device models."""
    with engine.connect() as conn:
        statement = queries.select_device_models()
        return paginate(conn, statement, page, to_item=queries.device_model_out)


@router.post("/device-models", response_model=DeviceModelOut, status_code=201)
def create_device_model(
    data: DeviceModelCreate, engine: EngineDep, scope: ReadScope
) -> DeviceModelOut:
    with engine.begin() as conn:
        return service.create_device_model(conn, scope=scope, data=data)


@router.patch("/device-models/{device_model_id}", response_model=DeviceModelUpdated)
def update_device_model(
    device_model_id: int,
    data: DeviceModelUpdate,
    scope: ReadScope,
    runtime: RuntimeDep,
) -> DeviceModelUpdated:
    """Change a model's codec or field map; messages waiting for the map are replayed."""
    with runtime.begin() as conn:
        model = service.update_device_model(
            conn, scope=scope, device_model_id=device_model_id, data=data
        )
        # Messages that carried numbers no map named wait as dead letters: run them again.
        report = replay_for_model(conn, device_model_id=device_model_id, pipeline=runtime.pipeline)
    return DeviceModelUpdated(device_model=model, replay=report)


@router.get("/initiatives", response_model=Page[InitiativeOut])
def list_initiatives(
    engine: EngineDep,
    scope: ReadScope,
    page: PageDep,
    domain: DomainName | None = None,
    status_: InitiativeStatus | None = Query(default=None, alias="status"),
) -> Page[InitiativeOut]:
    with engine.connect() as conn:
        statement = queries.select_initiatives(scope=scope, domain=domain, status=status_)
        return paginate(conn, statement, page, to_item=queries.initiative_out)


@router.post("/initiatives", response_model=InitiativeOut, status_code=201)
def create_initiative(data: InitiativeCreate, engine: EngineDep, scope: ReadScope) -> InitiativeOut:
    with engine.begin() as conn:
        return service.create_initiative(conn, scope=scope, data=data)


@router.get("/initiatives/{initiative_id}", response_model=InitiativeOut)
def get_initiative(initiative_id: int, engine: EngineDep, scope: ReadScope) -> InitiativeOut:
    with engine.connect() as conn:
        return queries.get_initiative(conn, scope=scope, initiative_id=initiative_id)

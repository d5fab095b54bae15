"""Open data, member side: describe, validate, preview, publish and unpublish datasets."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import Response

from convergence.db.types import utcnow
from convergence.opendata import queries, service
from convergence.opendata.config import OpenDataConfig, config_from_settings
from convergence.opendata.downloads import Download, prepare_download, validation_report
from convergence.opendata.schemas import (
    DatasetCreate,
    DatasetOut,
    DatasetUpdate,
    PublicationOut,
    ValidationReport,
)
from convergence.web.api.pagination import Page, PageDep, paginate
from convergence.web.deps import EngineDep, ReadScope, SettingsDep

router = APIRouter(prefix="/opendata", tags=["opendata"])


def opendata_config(settings: SettingsDep) -> OpenDataConfig:
    """Download windows and public rate limit, from the settings."""
    return config_from_settings(settings)


ConfigDep = Annotated[OpenDataConfig, Depends(opendata_config)]
FromDay = Annotated[
    date | None, Query(alias="from", description="first local day (time series), YYYY-MM-DD")
]
ToDay = Annotated[date | None, Query(alias="to", description="last local day, included")]


def file_response(download: Download) -> Response:
    """A download as an attachment with its file name."""
    return Response(
        content=download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


@router.get("/datasets", response_model=Page[DatasetOut])
def list_datasets(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[DatasetOut]:
    """The caller's datasets, published or not."""
    with engine.connect() as conn:
        statement = queries.select_datasets(scope=scope)
        return paginate(conn, statement, page, to_item=queries.dataset_out)


@router.post("/datasets", response_model=DatasetOut, status_code=status.HTTP_201_CREATED)
def create_dataset(data: DatasetCreate, engine: EngineDep, scope: ReadScope) -> DatasetOut:
    """A new dataset, unpublished (member administrators)."""
    with engine.begin() as conn:
        return service.create_dataset(conn, scope=scope, data=data)


@router.get("/datasets/{dataset_id}", response_model=DatasetOut)
def get_dataset(dataset_id: int, engine: EngineDep, scope: ReadScope) -> DatasetOut:
    with engine.connect() as conn:
        return queries.get_dataset(conn, scope=scope, dataset_id=dataset_id)


@router.patch("/datasets/{dataset_id}", response_model=DatasetOut)
def update_dataset(
    dataset_id: int, data: DatasetUpdate, engine: EngineDep, scope: ReadScope
) -> DatasetOut:
    """Change the title, description or licence (member administrators)."""
    with engine.begin() as conn:
        return service.update_dataset(conn, scope=scope, dataset_id=dataset_id, data=data)


@router.post("/datasets/{dataset_id}/publish", response_model=PublicationOut)
def publish(
    dataset_id: int, engine: EngineDep, scope: ReadScope, config: ConfigDep
) -> PublicationOut:
    """Validate every file, then publish; 422 `dataset_not_valid` lists why it cannot be."""
    with engine.begin() as conn:
        return service.publish_dataset(conn, scope=scope, dataset_id=dataset_id, config=config)


@router.post("/datasets/{dataset_id}/unpublish", response_model=DatasetOut)
def unpublish(dataset_id: int, engine: EngineDep, scope: ReadScope) -> DatasetOut:
    """Stop publishing: the public API answers 404 from now on."""
    with engine.begin() as conn:
        return service.unpublish_dataset(conn, scope=scope, dataset_id=dataset_id)


@router.get("/datasets/{dataset_id}/validation", response_model=ValidationReport)
def validate(
    dataset_id: int,
    engine: EngineDep,
    scope: ReadScope,
    config: ConfigDep,
    start: FromDay = None,
    end: ToDay = None,
) -> ValidationReport:
    """Build and validate every file now, without publishing, and list any problem."""
    with engine.connect() as conn:
        dataset = queries.get_dataset(conn, scope=scope, dataset_id=dataset_id)
        return validation_report(
            conn, dataset=dataset, start=start, end=end, config=config, now=utcnow()
        )


@router.get("/datasets/{dataset_id}/files/{file_name}", response_class=Response)
def preview_file(
    dataset_id: int,
    file_name: str,
    engine: EngineDep,
    scope: ReadScope,
    config: ConfigDep,
    start: FromDay = None,
    end: ToDay = None,
) -> Response:
    """A file as it would be published (`equipment.csv`, `measure.parquet`, …)."""
    with engine.connect() as conn:
        dataset = queries.get_dataset(conn, scope=scope, dataset_id=dataset_id)
        download = prepare_download(
            conn,
            dataset=dataset,
            file_name=file_name,
            start=start,
            end=end,
            config=config,
            now=utcnow(),
        )
    return file_response(download)

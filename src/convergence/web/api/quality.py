"""Data quality: periods a technician invalidates or re-validates, values set aside and why."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from convergence.quality import queries, service
from convergence.quality.schemas import (
    QualityPeriodCreate,
    QualityPeriodOut,
    SetAsideReading,
    SetAsideSummary,
)
from convergence.registry.kinds import Domain
from convergence.web.api.pagination import Page, PageDep, paginate
from convergence.web.deps import EngineDep, ReadScope

router = APIRouter(tags=["quality"])
Commune = Annotated[str | None, Query(pattern=r"^[0-9AB]{5}$")]


@router.get("/assets/{asset_id}/quality-periods", response_model=Page[QualityPeriodOut])
def list_periods(
    asset_id: int, engine: EngineDep, scope: ReadScope, page: PageDep
) -> Page[QualityPeriodOut]:
    """The periods of this asset that people invalidated or re-validated, latest first."""
    with engine.connect() as conn:
        statement = queries.select_periods(conn, scope=scope, asset_id=asset_id)
        return paginate(conn, statement, page, to_item=queries.period_out, newest_first=True)


@router.post(
    "/assets/{asset_id}/quality-periods",
    response_model=QualityPeriodOut,
    status_code=status.HTTP_201_CREATED,
)
def set_period(
    asset_id: int, data: QualityPeriodCreate, engine: EngineDep, scope: ReadScope
) -> QualityPeriodOut:
    """Invalidate (valid=false) or re-validate a period; its figures are recomputed."""
    with engine.begin() as conn:
        return service.set_period(conn, scope=scope, asset_id=asset_id, data=data)


@router.get("/set-aside", response_model=SetAsideSummary)
def set_aside_summary(
    engine: EngineDep,
    scope: ReadScope,
    first: date,
    last: date,
    commune: Commune = None,
    domain: Domain | None = None,
    asset_id: int | None = None,
) -> SetAsideSummary:
    """How many values were set aside (suspect or invalid) over [first, last], and why."""
    with engine.connect() as conn:
        return queries.set_aside_summary(
            conn,
            scope=scope,
            first=first,
            last=last,
            commune=commune,
            domain=None if domain is None else str(domain),
            asset_id=asset_id,
        )


@router.get("/set-aside/readings", response_model=Page[SetAsideReading])
def set_aside_readings(
    engine: EngineDep,
    scope: ReadScope,
    page: PageDep,
    first: date,
    last: date,
    commune: Commune = None,
    domain: Domain | None = None,
    asset_id: int | None = None,
) -> Page[SetAsideReading]:
    """The values set aside over [first, last], newest first."""
    with engine.connect() as conn:
        statement = queries.select_set_aside_readings(
            scope=scope,
            first=first,
            last=last,
            commune=commune,
            domain=None if domain is None else str(domain),
            asset_id=asset_id,
        )
        return paginate(
            conn,
            statement,
            page,
            to_item=queries.set_aside_reading_out,
            key=("ts", "series_id"),
            newest_first=True,
        )

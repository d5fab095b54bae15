"""The dead-letter store and the devices discovered through it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.responses import Response

from convergence.ingest import queries, replay
from convergence.ingest.schemas import (
    DeadLetterOut,
    DeadLetterSelection,
    DiscoveredDevice,
    ReplayReport,
)
from convergence.web.api.pagination import Page, PageDep, paginate, paginate_sequence
from convergence.web.deps import EngineDep, ReadScope, RuntimeDep

router = APIRouter(tags=["dead letters"])
FiltersDep = Annotated[DeadLetterSelection, Depends()]


@router.get("/dead-letters", response_model=Page[DeadLetterOut])
def list_dead_letters(
    engine: EngineDep, scope: ReadScope, filters: FiltersDep, page: PageDep
) -> Page[DeadLetterOut]:
    """Messages that could not be taken in (pending by default), newest first."""
    with engine.connect() as conn:
        statement = queries.select_dead_letters(scope=scope, filters=filters)
        return paginate(conn, statement, page, to_item=queries.dead_letter_out, newest_first=True)


@router.get("/dead-letters/{dead_letter_id}", response_model=DeadLetterOut)
def get_dead_letter(dead_letter_id: int, engine: EngineDep, scope: ReadScope) -> DeadLetterOut:
    with engine.connect() as conn:
        return queries.get_dead_letter(conn, scope=scope, dead_letter_id=dead_letter_id)


@router.post("/dead-letters/{dead_letter_id}/replay", response_model=ReplayReport)
def replay_dead_letter(dead_letter_id: int, scope: ReadScope, runtime: RuntimeDep) -> ReplayReport:
    """Run a dead letter through the pipeline again, once its cause is fixed."""
    with runtime.begin() as conn:
        return replay.replay_one(
            conn, scope=scope, pipeline=runtime.pipeline, dead_letter_id=dead_letter_id
        )


@router.post("/dead-letters/{dead_letter_id}/discard", status_code=status.HTTP_204_NO_CONTENT)
def discard_dead_letter(dead_letter_id: int, engine: EngineDep, scope: ReadScope) -> Response:
    """Give up on a dead letter; it stays in the store, marked discarded."""
    with engine.begin() as conn:
        replay.discard(conn, scope=scope, dead_letter_id=dead_letter_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/discovered-devices", response_model=Page[DiscoveredDevice])
def list_discovered_devices(
    engine: EngineDep, scope: ReadScope, page: PageDep
) -> Page[DiscoveredDevice]:
    """Devices heard before being registered (DevEUI, first and last seen, count, a sample),
    in the order of their sample message."""
    with engine.connect() as conn:
        found = queries.list_discovered_devices(conn, scope=scope)
    return paginate_sequence(found, page, key=lambda d: d.sample.id)

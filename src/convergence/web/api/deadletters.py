"""The dead-letter store and the devices discovered through it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.responses import Response

from convergence.ingest import queries, replay
from convergence.ingest.schemas import (
    DeadLetterFilters,
    DeadLetterOut,
    DiscoveredDevice,
    ReplayReport,
)
from convergence.registry.schemas import Page
from convergence.web.deps import EngineDep, ReadScope, RuntimeDep

router = APIRouter(tags=["dead letters"])
FiltersDep = Annotated[DeadLetterFilters, Depends()]


@router.get("/dead-letters", response_model=Page[DeadLetterOut])
def list_dead_letters(
    engine: EngineDep, scope: ReadScope, filters: FiltersDep
) -> Page[DeadLetterOut]:
    """Messages that could not be taken in (pending by default), newest first."""
    with engine.connect() as conn:
        return queries.list_dead_letters(conn, scope=scope, filters=filters)


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


@router.get("/discovered-devices", response_model=list[DiscoveredDevice])
def list_discovered_devices(engine: EngineDep, scope: ReadScope) -> list[DiscoveredDevice]:
    """Devices heard before being registered (DevEUI, first and last seen, count, a sample)."""
    with engine.connect() as conn:
        return queries.list_discovered_devices(conn, scope=scope)

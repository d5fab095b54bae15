"""The JSON API under /api/v1, one module per domain."""

from __future__ import annotations

from fastapi import APIRouter

from convergence.web.api import (
    deadletters,
    decoders,
    docs,
    health,
    ingest,
    members,
    quality,
    registry,
    series,
)
from convergence.web.api.alerts import router as alerts_router
from convergence.web.api.charging import router as charging_router
from convergence.web.api.coordination import router as coordination_router
from convergence.web.api.indicators import router as indicators_router
from convergence.web.api.opendata import router as opendata_router
from convergence.web.api.public import router as public_router
from convergence.web.api.video import router as video_router

router = APIRouter()
router.include_router(health.router)
router.include_router(docs.router)
# Routes are matched in order, one pattern after another: the series reads every chart
# makes come before the ~50 routes of the other domains (no path of theirs overlaps).
router.include_router(series.router, prefix="/api/v1")
router.include_router(members.router, prefix="/api/v1")
router.include_router(registry.router, prefix="/api/v1")
router.include_router(quality.router, prefix="/api/v1")
router.include_router(coordination_router, prefix="/api/v1")
router.include_router(ingest.router, prefix="/api/v1")
router.include_router(deadletters.router, prefix="/api/v1")
router.include_router(decoders.router, prefix="/api/v1")
router.include_router(alerts_router, prefix="/api/v1")
router.include_router(charging_router, prefix="/api/v1")
router.include_router(indicators_router, prefix="/api/v1")
router.include_router(opendata_router, prefix="/api/v1")
router.include_router(video_router, prefix="/api/v1")
router.include_router(public_router)

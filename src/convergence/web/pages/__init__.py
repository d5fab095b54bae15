"""Server-rendered HTML pages (French), one module per domain."""

from __future__ import annotations

from fastapi import APIRouter

from convergence.web.pages import auth, home

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)
router.include_router(home.router)

"""Server-rendered HTML pages (French), one module per domain."""

from __future__ import annotations

from fastapi import APIRouter

from convergence.web.pages import (
    admin,
    admin_models,
    admin_tokens,
    admin_users,
    asset_forms,
    asset_import,
    auth,
    home,
    initiatives,
    inventory,
    territory_map,
)

router = APIRouter(include_in_schema=False)
for module in (
    auth,
    home,
    territory_map,
    inventory,
    asset_forms,
    asset_import,
    initiatives,
    admin,
    admin_users,
    admin_tokens,
    admin_models,
):
    router.include_router(module.router)

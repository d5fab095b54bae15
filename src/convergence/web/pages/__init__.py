"""Server-rendered HTML pages (French), one module per domain."""

from __future__ import annotations

from fastapi import APIRouter

from convergence.web.pages import (
    admin,
    admin_models,
    admin_tokens,
    admin_users,
    alerts,
    alerts_rules,
    alerts_subscriptions,
    asset_forms,
    asset_import,
    asset_quality,
    auth,
    dashboard,
    decoder_workbench,
    home,
    initiatives,
    inventory,
    opendata,
    proposals,
    reports,
    territory_dashboard,
    territory_map,
)
from convergence.web.pages.ingest_admin import deadletters as ingest_admin
from convergence.web.pages.ingest_admin import devices as ingest_admin_devices
from convergence.web.pages.ingest_admin import integrations as ingest_admin_integrations

router = APIRouter(include_in_schema=False)
for module in (
    auth,
    home,
    territory_map,
    inventory,
    asset_forms,
    asset_import,
    asset_quality,
    initiatives,
    proposals,
    opendata,
    admin,
    admin_users,
    admin_tokens,
    admin_models,
    alerts_subscriptions,
    alerts_rules,
    alerts,
    ingest_admin,
    ingest_admin_devices,
    ingest_admin_integrations,
    decoder_workbench,
    territory_dashboard,
    dashboard,
    reports,
):
    router.include_router(module.router)

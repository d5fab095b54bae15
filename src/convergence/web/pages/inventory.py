"""The inventory: the list of equipment with its filters, and the page of one piece."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from sqlalchemy import Connection
from starlette.responses import Response

from convergence import french_format
from convergence.db.types import utcnow
from convergence.ingest.unmapped import unmapped_for_asset
from convergence.members.queries import member_names
from convergence.members.scope import MemberScope, writable_member_ids
from convergence.registry import queries
from convergence.registry.schemas import AssetOut, DeviceModelOut, InitiativeOut
from convergence.reports.device_health import device_health
from convergence.timeseries.flags import REASON_LABELS, Flag
from convergence.web.deps import EngineDep, SettingsDep
from convergence.web.pages.domains.asset import asset_measures
from convergence.web.pages.domains.series import quantity_label
from convergence.web.pages.inventory_filters import PAGE_SIZE, InventoryFiltersDep
from convergence.web.pages.quality_summary import asset_quality
from convergence.web.pages.rendering import commune_name, render_page
from convergence.web.pages.session import CurrentUserPage

router = APIRouter()
CHOICES_LIMIT = 1000
FLAG_WORDS = {Flag.valid: "valide", Flag.suspect: "suspecte", Flag.invalid: "invalide"}


def period_words(seconds: int) -> str:
    """« toutes les 10 min », « toutes les heures », « toutes les 6 h »."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "toutes les heures" if hours == 1 else f"toutes les {hours} h"
    if seconds % 60 == 0:
        return f"toutes les {seconds // 60} min"
    return f"toutes les {seconds} s"


@router.get("/inventaire")
def inventory_page(
    request: Request, viewer: CurrentUserPage, engine: EngineDep, filters: InventoryFiltersDep
) -> Response:
    with engine.connect() as conn:
        results = queries.list_assets(conn, scope=viewer.scope, filters=filters.asset_filters())
        communes = commune_choices(conn, scope=viewer.scope)
        initiatives = initiative_names(conn, scope=viewer.scope)
        members = member_names(conn, scope=viewer.scope)
    return render_page(
        request,
        "inventory/list.html",
        viewer=viewer,
        results=results,
        filters=filters,
        values=filters.form_values(),
        errors={},
        page_query=lambda n: filters.query(page=n),
        page_count=max(1, math.ceil(results.total / PAGE_SIZE)),
        communes=communes,
        initiatives=initiatives,
        members=members if len(members) > 1 else {},
    )


@router.get("/inventaire/{asset_id:int}")
def asset_page(
    request: Request,
    asset_id: int,
    viewer: CurrentUserPage,
    engine: EngineDep,
    settings: SettingsDep,
) -> Response:
    with engine.connect() as conn:
        asset = queries.get_asset(conn, scope=viewer.scope, asset_id=asset_id)
        model = _device_model(conn, asset)
        initiative = _initiative(conn, viewer.scope, asset)
        members = member_names(conn, scope=viewer.scope)
        measures = asset_measures(conn, scope=viewer.scope, asset=asset, now=utcnow())
        quality = asset_quality(conn, scope=viewer.scope, asset_id=asset.id, now=utcnow())
        unmapped = unmapped_for_asset(conn, scope=viewer.scope, asset_id=asset.id)
        health = device_health(conn, scope=viewer.scope, asset=asset, model=model, now=utcnow())
    return render_page(
        request,
        "inventory/asset.html",
        viewer=viewer,
        asset=asset,
        device_model=model,
        initiative=initiative,
        member_name=members.get(asset.member_id, ""),
        can_edit=may_change(viewer.scope, asset.member_id),
        tile_url=settings.tile_url or "",
        measures=measures,
        quality=quality,
        reason_labels=REASON_LABELS,
        unmapped=unmapped,
        health=health,
        period_words=period_words,
        quantity_label=quantity_label,
        flag_words=FLAG_WORDS,
        fr=french_format,
    )


def may_change(scope: MemberScope, member_id: int) -> bool:
    """True when the scope may change rows of ``member_id``."""
    allowed = writable_member_ids(scope)
    return allowed is None or member_id in allowed


def commune_choices(conn: Connection, *, scope: MemberScope) -> list[tuple[str, str]]:
    """(INSEE, name) of the communes where the scope has equipment, by name."""
    codes = {c.commune_insee for c in queries.count_assets_by_commune_and_domain(conn, scope=scope)}
    return sorted(((c, commune_name(c)) for c in codes if c), key=lambda pair: pair[1])


def initiative_names(conn: Connection, *, scope: MemberScope) -> dict[int, str]:
    """Names of the projects the scope may see, by id."""
    page = queries.list_initiatives(conn, scope=scope, limit=CHOICES_LIMIT)
    return {i.id: i.name for i in sorted(page.items, key=lambda i: i.name.casefold())}


def _device_model(conn: Connection, asset: AssetOut) -> DeviceModelOut | None:
    if asset.device_model_id is None:
        return None
    return queries.get_device_model(conn, device_model_id=asset.device_model_id)


def _initiative(conn: Connection, scope: MemberScope, asset: AssetOut) -> InitiativeOut | None:
    if asset.initiative_id is None:
        return None
    return queries.get_initiative(conn, scope=scope, initiative_id=asset.initiative_id)

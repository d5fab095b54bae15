"""The printable page of a charger's QR code: the sticker leading to its public report form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from convergence.maintenance.access import require_reader
from convergence.maintenance.qrcodes import qr_svg, report_address
from convergence.registry.queries import get_asset
from convergence.web.deps import EngineDep, SettingsDep
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.session import CurrentUserPage

router = APIRouter()


@router.get("/maintenance/equipements/{asset_id:int}/qr")
def qr_page(
    request: Request,
    asset_id: int,
    viewer: CurrentUserPage,
    engine: EngineDep,
    settings: SettingsDep,
) -> Response:
    """The QR code, the address in words and the equipment's name, laid out to print."""
    require_reader(viewer.scope)
    with engine.connect() as conn:
        asset = get_asset(conn, scope=viewer.scope, asset_id=asset_id)
    address = report_address(
        settings.public_url or str(request.base_url),
        secret=settings.secret_key.get_secret_value(),
        asset_id=asset_id,
    )
    # segno writes the SVG itself from the address (no user text inside): safe to inline.
    svg = Markup(qr_svg(address, scale=6))
    return render_data_page(
        request, "maintenance/qr.html", viewer=viewer, asset=asset, address=address, svg=svg
    )

"""Devices heard before being registered, with a link that registers them in one step."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from convergence.ingest import queries
from convergence.ingest.devices import dev_eui_form
from convergence.ingest.schemas import DiscoveredDevice
from convergence.members.queries import member_names
from convergence.web.deps import EngineDep
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.ingest_admin.labels import INGEST_LABELS
from convergence.web.pages.session import WriterPage

router = APIRouter()
PREVIEW = 200


@router.get("/admin/appareils-decouverts")
def discovered_devices_page(request: Request, viewer: WriterPage, engine: EngineDep) -> Response:
    with engine.connect() as conn:
        devices = queries.list_discovered_devices(conn, scope=viewer.scope)
        members = member_names(conn, scope=viewer.scope)
    return render_data_page(
        request,
        "admin/discovered_devices.html",
        viewer=viewer,
        devices=devices,
        register_link=register_link,
        members=members if viewer.is_operator else {},
        ingest_labels=INGEST_LABELS,
        preview=PREVIEW,
    )


def register_link(device: DiscoveredDevice) -> str:
    """The equipment form, prefilled with what the device said of itself."""
    eui = dev_eui_form(device.device_ref)
    source = device.sample.source.value
    fields = {
        "name": f"Appareil {device.device_ref}",
        "kind": "sensor",
        ("dev_eui" if eui else "ocpp_id" if source == "ocpp" else "serial"): eui
        or device.device_ref,
    }
    if device.member_id is not None:
        fields["member_id"] = str(device.member_id)
    return f"/inventaire/nouveau?{urlencode(fields)}"

"""Maintenance: contractors, contracts, tickets and their clocks, interventions with photos."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.maintenance import inspections, interventions, queries, service
from convergence.maintenance.access import contractor_of, require_reader
from convergence.maintenance.inspections import InspectionCreate, InspectionDone, InspectionOut
from convergence.maintenance.interventions import MAX_PHOTO_BYTES, Photo
from convergence.maintenance.kinds import TicketStatus
from convergence.maintenance.monthly import monthly_sla, parse_month
from convergence.maintenance.monthly_files import monthly_csv, monthly_pdf
from convergence.maintenance.public import check_readable_asset
from convergence.maintenance.qrcodes import qr_png, qr_svg, report_address
from convergence.maintenance.schemas import (
    ContractCreate,
    ContractorCreate,
    ContractorOut,
    ContractOut,
    ExclusionCreate,
    ExclusionOut,
    TicketCreate,
    TicketEventOut,
    TicketOut,
)
from convergence.members.scope import MemberScope
from convergence.settings import Settings
from convergence.web.api.pagination import Page, PageDep, paginate, paginate_sequence
from convergence.web.deps import EngineDep, ScopeDep, SettingsDep

router = APIRouter(prefix="/maintenance", tags=["maintenance"])


class Note(BaseModel):
    note: str = Field(default="", max_length=2000)


class ContractorUser(BaseModel):
    user_id: int


@router.get("/contractors", response_model=Page[ContractorOut])
def list_contractors(engine: EngineDep, scope: ScopeDep, page: PageDep) -> Page[ContractorOut]:
    """Maintenance companies (their name and contact are not member data)."""
    require_reader(scope)
    with engine.connect() as conn:
        found = queries.list_contractors(conn)
        if scope.is_contractor:  # an agent sees its own company only
            company = contractor_of(conn, scope)
            found = [c for c in found if c.id == company]
    return paginate_sequence(found, page, key=lambda c: c.id)


@router.post("/contractors", response_model=ContractorOut, status_code=status.HTTP_201_CREATED)
def create_contractor(data: ContractorCreate, engine: EngineDep, scope: ScopeDep) -> ContractorOut:
    """Register a maintenance company (operator administrators)."""
    with engine.begin() as conn:
        return service.create_contractor(conn, scope=scope, data=data, now=utcnow())


@router.post("/contractors/{contractor_id}/users", status_code=status.HTTP_204_NO_CONTENT)
def link_contractor_user(
    contractor_id: int, data: ContractorUser, engine: EngineDep, scope: ScopeDep
) -> Response:
    """Tie a user with the contractor role to its company (operator administrators)."""
    with engine.begin() as conn:
        service.link_contractor_user(
            conn, scope=scope, contractor_id=contractor_id, user_id=data.user_id
        )
    return Response(status_code=204)


@router.get("/contracts", response_model=Page[ContractOut])
def list_contracts(engine: EngineDep, scope: ScopeDep, page: PageDep) -> Page[ContractOut]:
    with engine.connect() as conn:
        found = queries.list_contracts(conn, scope=scope)
    return paginate_sequence(found, page, key=lambda c: c.id)


@router.post("/contracts", response_model=ContractOut, status_code=status.HTTP_201_CREATED)
def create_contract(data: ContractCreate, engine: EngineDep, scope: ScopeDep) -> ContractOut:
    """A contract: contractor, the member's assets, delays, penalties (administrators)."""
    with engine.begin() as conn:
        return service.create_contract(conn, scope=scope, data=data, now=utcnow())


@router.get("/contracts/{contract_id}", response_model=ContractOut)
def get_contract(contract_id: int, engine: EngineDep, scope: ScopeDep) -> ContractOut:
    with engine.connect() as conn:
        return queries.get_contract(conn, scope=scope, contract_id=contract_id)


@router.get("/tickets", response_model=Page[TicketOut])
def list_tickets(
    engine: EngineDep,
    scope: ScopeDep,
    page: PageDep,
    status_: TicketStatus | None = Query(default=None, alias="status"),
    asset_id: int | None = None,
) -> Page[TicketOut]:
    """Tickets with their clocks, newest first."""
    now = utcnow()
    with engine.connect() as conn:
        statement = queries.select_tickets(conn, scope=scope, status=status_, asset_id=asset_id)
        return paginate(
            conn,
            statement,
            page,
            to_item=lambda row: queries.ticket_out(conn, row, now=now),
            newest_first=True,
        )


@router.post("/tickets", response_model=TicketOut, status_code=status.HTTP_201_CREATED)
def open_ticket(
    data: TicketCreate, engine: EngineDep, scope: ScopeDep, settings: SettingsDep
) -> TicketOut:
    """Open a ticket by hand (or add to the open one of that asset and problem)."""
    window = timedelta(seconds=settings.maintenance_reopen_window_s)
    with engine.begin() as conn:
        return service.open_ticket(conn, scope=scope, data=data, now=utcnow(), reopen_window=window)


@router.get("/tickets/{ticket_id}", response_model=TicketOut)
def get_ticket(ticket_id: int, engine: EngineDep, scope: ScopeDep) -> TicketOut:
    with engine.connect() as conn:
        return queries.get_ticket(conn, scope=scope, ticket_id=ticket_id, now=utcnow())


@router.get("/tickets/{ticket_id}/history", response_model=Page[TicketEventOut])
def ticket_history(
    ticket_id: int, engine: EngineDep, scope: ScopeDep, page: PageDep
) -> Page[TicketEventOut]:
    """What happened to the ticket, oldest first."""
    with engine.connect() as conn:
        statement = queries.select_ticket_history(conn, scope=scope, ticket_id=ticket_id)
        return paginate(conn, statement, page, to_item=queries.ticket_event_out)


@router.post("/tickets/{ticket_id}/acknowledge", response_model=TicketOut)
def acknowledge(ticket_id: int, data: Note, engine: EngineDep, scope: ScopeDep) -> TicketOut:
    """Take the ticket in hand (its contractor, or the member): the intervention clock stops."""
    with engine.begin() as conn:
        return service.acknowledge_ticket(
            conn, scope=scope, ticket_id=ticket_id, now=utcnow(), note=data.note
        )


@router.post("/tickets/{ticket_id}/pause", response_model=TicketOut)
def pause(ticket_id: int, data: Note, engine: EngineDep, scope: ScopeDep) -> TicketOut:
    """Waiting on the member: the clocks stop (member writers)."""
    with engine.begin() as conn:
        return service.pause_ticket(
            conn, scope=scope, ticket_id=ticket_id, now=utcnow(), note=data.note
        )


@router.post("/tickets/{ticket_id}/resume", response_model=TicketOut)
def resume(ticket_id: int, data: Note, engine: EngineDep, scope: ScopeDep) -> TicketOut:
    with engine.begin() as conn:
        return service.resume_ticket(
            conn, scope=scope, ticket_id=ticket_id, now=utcnow(), note=data.note
        )


@router.post("/tickets/{ticket_id}/restore", response_model=TicketOut)
def restore(ticket_id: int, data: Note, engine: EngineDep, scope: ScopeDep) -> TicketOut:
    """Declare service restored without telemetry (member writers)."""
    with engine.begin() as conn:
        return service.restore_by_hand(
            conn, scope=scope, ticket_id=ticket_id, now=utcnow(), note=data.note
        )


@router.post("/tickets/{ticket_id}/close", response_model=TicketOut)
def close(ticket_id: int, data: Note, engine: EngineDep, scope: ScopeDep) -> TicketOut:
    """Close a restored ticket, or one whose contractor proposed closure (member writers)."""
    with engine.begin() as conn:
        return service.close_ticket(
            conn, scope=scope, ticket_id=ticket_id, now=utcnow(), note=data.note
        )


@router.get("/tickets/{ticket_id}/exclusions", response_model=Page[ExclusionOut])
def list_exclusions(
    ticket_id: int, engine: EngineDep, scope: ScopeDep, page: PageDep
) -> Page[ExclusionOut]:
    """The agreed exclusions of a ticket, with their evidence."""
    with engine.connect() as conn:
        found = queries.list_exclusions(conn, scope=scope, ticket_id=ticket_id)
    return paginate_sequence(found, page, key=lambda e: e.id)


@router.post("/tickets/{ticket_id}/exclusions", response_model=TicketOut)
def exclude(ticket_id: int, data: ExclusionCreate, engine: EngineDep, scope: ScopeDep) -> TicketOut:
    """Exclude a proven period from the delays (member administrators)."""
    with engine.begin() as conn:
        return service.record_exclusion(
            conn, scope=scope, ticket_id=ticket_id, data=data, now=utcnow()
        )


@router.get("/tickets/{ticket_id}/interventions", response_model=Page[dict[str, object]])
def list_interventions(
    ticket_id: int, engine: EngineDep, scope: ScopeDep, page: PageDep
) -> Page[dict[str, object]]:
    """Work reported on site, oldest first, with the ids of its photos."""
    with engine.connect() as conn:
        found = interventions.list_interventions(conn, scope=scope, ticket_id=ticket_id)
    return paginate_sequence(found, page, key=lambda i: cast("int", i["id"]))


@router.post("/tickets/{ticket_id}/interventions", response_model=TicketOut)
async def report_intervention(
    ticket_id: int,
    engine: EngineDep,
    scope: ScopeDep,
    notes: str = Form(max_length=interventions.MAX_NOTES),
    proposes_closure: bool = Form(default=False),
    photos: list[UploadFile] = File(default_factory=list),
) -> TicketOut:
    """Report work on site with photos (JPEG, PNG, WebP; 6 at most, 5 MB each)."""
    found = []
    for upload in photos[: interventions.MAX_PHOTOS + 1]:
        data = await upload.read(MAX_PHOTO_BYTES + 1)
        found.append(Photo(upload.filename or "photo", data))
    with engine.begin() as conn:
        return interventions.report_intervention(
            conn, scope=scope, ticket_id=ticket_id, notes=notes, photos_in=found,
            proposes_closure=proposes_closure, now=utcnow(),
        )  # fmt: skip


@router.get("/photos/{photo_id}")
def get_photo(photo_id: int, engine: EngineDep, scope: ScopeDep) -> Response:
    with engine.connect() as conn:
        content_type, data = interventions.photo(conn, scope=scope, photo_id=photo_id)
    return Response(data, media_type=content_type, headers={"Cache-Control": "private"})


@router.get("/reports/monthly.csv")
def monthly_report_csv(
    engine: EngineDep, scope: ScopeDep, month: str = Query(examples=["2026-06"])
) -> Response:
    """The month's SLA report per contract the caller reads, as CSV."""
    first = parse_month(month)
    with engine.connect() as conn:
        months = monthly_sla(conn, scope=scope, month=first, now=utcnow())
    name = f"sla-maintenance-{month}.csv"
    return Response(
        monthly_csv(months), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip


@router.get("/reports/monthly.pdf")
def monthly_report_pdf(
    engine: EngineDep, scope: ScopeDep, month: str = Query(examples=["2026-06"])
) -> Response:
    """The month's SLA report per contract the caller reads, as PDF (French)."""
    first = parse_month(month)
    with engine.connect() as conn:
        months = monthly_sla(conn, scope=scope, month=first, now=utcnow())
    pdf = monthly_pdf(months, month=first, title="Rapport mensuel de maintenance (SLA)")
    name = f"sla-maintenance-{month}.pdf"
    return Response(
        pdf, media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip


class ReportLink(BaseModel):
    asset_id: int
    url: str


@router.get("/assets/{asset_id}/report-link", response_model=ReportLink)
def report_link(
    asset_id: int, request: Request, engine: EngineDep, scope: ScopeDep, settings: SettingsDep
) -> ReportLink:
    """The address to print as a QR code on the equipment: the public report form."""
    url = _report_address(request, engine, scope, settings, asset_id)
    return ReportLink(asset_id=asset_id, url=url)


@router.get("/assets/{asset_id}/report-qr.png", response_class=Response)
def report_qr_png(
    asset_id: int, request: Request, engine: EngineDep, scope: ScopeDep, settings: SettingsDep
) -> Response:
    """The QR code of the public report form, as a PNG image to print."""
    url = _report_address(request, engine, scope, settings, asset_id)
    return Response(qr_png(url), media_type="image/png")


@router.get("/assets/{asset_id}/report-qr.svg", response_class=Response)
def report_qr_svg(
    asset_id: int, request: Request, engine: EngineDep, scope: ScopeDep, settings: SettingsDep
) -> Response:
    """The QR code of the public report form, as an SVG image (any print size)."""
    url = _report_address(request, engine, scope, settings, asset_id)
    return Response(qr_svg(url), media_type="image/svg+xml")


def _report_address(
    request: Request, engine: Engine, scope: MemberScope, settings: Settings, asset_id: int
) -> str:
    """The public report form's address of an asset the caller may read."""
    require_reader(scope)
    with engine.connect() as conn:
        check_readable_asset(conn, scope=scope, asset_id=asset_id)
    return report_address(
        settings.public_url or str(request.base_url),
        secret=settings.secret_key.get_secret_value(),
        asset_id=asset_id,
    )


@router.get("/inspections", response_model=Page[InspectionOut])
def list_inspections(
    engine: EngineDep, scope: ScopeDep, page: PageDep, pending: bool = True
) -> Page[InspectionOut]:
    """Annual inspections and preventive visits, in the order they were scheduled (each
    carries its due date)."""
    with engine.connect() as conn:
        found = inspections.list_inspections(conn, scope=scope, pending_only=pending)
    return paginate_sequence(found, page, key=lambda i: i.id)


@router.post("/inspections", response_model=InspectionOut, status_code=status.HTTP_201_CREATED)
def schedule_inspection(
    data: InspectionCreate, engine: EngineDep, scope: ScopeDep
) -> InspectionOut:
    with engine.begin() as conn:
        return inspections.schedule(conn, scope=scope, data=data)


@router.post("/inspections/{inspection_id}/done", response_model=InspectionOut)
def inspection_done(
    inspection_id: int, data: InspectionDone, engine: EngineDep, scope: ScopeDep
) -> InspectionOut:
    """Record the inspection (inspector, marking); the next one is scheduled."""
    with engine.begin() as conn:
        return inspections.record_done(conn, scope=scope, inspection_id=inspection_id, data=data)

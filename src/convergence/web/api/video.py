"""Video protection: systems, cameras, habilitations, access, register, requisitions."""

from __future__ import annotations

from contextlib import closing
from datetime import datetime

from fastapi import APIRouter, status
from fastapi.responses import Response

from convergence.db.types import utcnow
from convergence.errors import InvalidInput
from convergence.members.scope import require_admin, require_write
from convergence.settings import Settings
from convergence.video import (
    access,
    access_requests,
    documents,
    habilitations,
    queries,
    register,
    requisitions,
    retention,
    service,
    summary,
)
from convergence.video.credentials import Sealer
from convergence.video.kinds import AccessAction
from convergence.video.schemas import (
    AccessIn,
    AccessRequestAnswer,
    AccessRequestCreate,
    AccessRequestOut,
    CameraAvailabilityOut,
    CameraLink,
    CameraOut,
    HabilitationCreate,
    HabilitationOut,
    HandOverIn,
    PurgeReport,
    RegisterCheck,
    RegisterEntryOut,
    RequisitionCreate,
    RequisitionOut,
    SystemCreate,
    SystemOut,
    SystemUpdate,
)
from convergence.web.api.pagination import Page, PageDep, paginate, paginate_sequence
from convergence.web.api.video_vv import router as vv_router
from convergence.web.deps import EngineDep, ReadScope, SettingsDep

router = APIRouter(prefix="/video", tags=["video"])


@router.get("/availability", response_model=CameraAvailabilityOut)
def camera_availability(
    engine: EngineDep, scope: ReadScope, commune: str | None = None
) -> CameraAvailabilityOut:
    """Share of the cameras in service at their last check within the hour, with its
    completeness: « données insuffisantes » when under 75 % of the cameras were checked."""
    with engine.connect() as conn:
        seen = summary.availability(conn, scope=scope, commune=commune, now=utcnow())
    return CameraAvailabilityOut(
        cameras=seen.cameras, checked=seen.checked, up=seen.up, availability=seen.measure
    )


@router.get("/systems", response_model=Page[SystemOut])
def list_systems(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[SystemOut]:
    """Systems (prefectoral authorisations) the caller may see, in the order they were entered
    (each carries its expiry date)."""
    with engine.connect() as conn:
        found = queries.list_systems(conn, scope=scope)
    return paginate_sequence(found, page, key=lambda s: s.id)


@router.post("/systems", response_model=SystemOut, status_code=status.HTTP_201_CREATED)
def create_system(
    data: SystemCreate, engine: EngineDep, scope: ReadScope, settings: SettingsDep
) -> SystemOut:
    with engine.begin() as conn:
        return service.create_system(conn, scope=scope, data=data, sealer=_sealer(settings))


@router.get("/systems/{system_id}", response_model=SystemOut)
def get_system(system_id: int, engine: EngineDep, scope: ReadScope) -> SystemOut:
    with engine.connect() as conn:
        return queries.get_system(conn, scope=scope, system_id=system_id)


@router.patch("/systems/{system_id}", response_model=SystemOut)
def update_system(
    system_id: int, data: SystemUpdate, engine: EngineDep, scope: ReadScope, settings: SettingsDep
) -> SystemOut:
    with engine.begin() as conn:
        return service.update_system(
            conn, scope=scope, system_id=system_id, data=data, sealer=_sealer(settings)
        )


@router.get("/cameras", response_model=Page[CameraOut])
def list_cameras(
    engine: EngineDep,
    scope: ReadScope,
    page: PageDep,
    system_id: int | None = None,
    flagged: bool = False,
) -> Page[CameraOut]:
    """Registry cameras with their system; `flagged=true` lists those in no system or outside
    their system's perimeter."""
    with engine.connect() as conn:
        found = queries.list_cameras(conn, scope=scope, system_id=system_id, flagged=flagged)
    return paginate_sequence(found, page, key=lambda c: c.asset_id)


@router.put("/cameras/{camera_id}", response_model=CameraOut)
def link_camera(
    camera_id: int, data: CameraLink, engine: EngineDep, scope: ReadScope, settings: SettingsDep
) -> CameraOut:
    """Attach a registry camera (its asset id) to a system, with its recorder details; its
    credentials are sealed, never shown back."""
    with engine.begin() as conn:
        return service.link_camera(
            conn, scope=scope, asset_id=camera_id, data=data, sealer=_sealer(settings)
        )


@router.get("/habilitations", response_model=Page[HabilitationOut])
def list_habilitations(
    engine: EngineDep, scope: ReadScope, page: PageDep, system_id: int | None = None
) -> Page[HabilitationOut]:
    with engine.connect() as conn:
        found = habilitations.list_habilitations(conn, scope=scope, system_id=system_id)
    return paginate_sequence(found, page, key=lambda h: h.id)


@router.post("/habilitations", response_model=HabilitationOut, status_code=201)
def grant_habilitation(
    data: HabilitationCreate, engine: EngineDep, scope: ReadScope
) -> HabilitationOut:
    with engine.begin() as conn:
        return habilitations.grant(conn, scope=scope, data=data)


@router.post("/habilitations/{habilitation_id}/revoke", response_model=HabilitationOut)
def revoke_habilitation(
    habilitation_id: int, engine: EngineDep, scope: ReadScope
) -> HabilitationOut:
    with engine.begin() as conn:
        return habilitations.revoke(conn, scope=scope, habilitation_id=habilitation_id)


@router.get("/watch/cameras", response_model=Page[CameraOut])
def watchable_cameras(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[CameraOut]:
    """Cameras the caller's habilitations open right now (pooled operators: in their slots)."""
    with engine.connect() as conn:
        found = access.watchable_cameras(conn, scope=scope)
    return paginate_sequence(found, page, key=lambda c: c.asset_id)


@router.post("/access", status_code=201)
def open_access(data: AccessIn, engine: EngineDep, scope: ReadScope) -> dict[str, object]:
    """Ask to view, replay, extract or export; checked now, written to the register either way."""
    with engine.begin() as conn:
        decision = access.decide(conn, scope=scope, data=data)
    decision.raise_if_refused()  # after the commit: the refusal stays in the register
    return {"granted": True, "entry_id": decision.entry_id}


@router.get("/register", response_model=Page[RegisterEntryOut])
def list_register(
    engine: EngineDep,
    scope: ReadScope,
    page: PageDep,
    member_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    action: AccessAction | None = None,
) -> Page[RegisterEntryOut]:
    """Lines of the access register the caller may read, newest first (the whole register:
    `register.csv`, `register.pdf`)."""
    with engine.connect() as conn:
        statement = register.select_entries(
            scope=scope, member_id=member_id, since=since, until=until, action=action
        )
        return paginate(conn, statement, page, to_item=register.entry_out, newest_first=True)


@router.get("/register.csv", response_class=Response)
def register_csv(engine: EngineDep, scope: ReadScope, since: datetime | None = None) -> Response:
    with engine.connect() as conn:
        entries = register.list_entries(conn, scope=scope, since=since, limit=1_000_000)
    return Response(
        documents.register_csv(entries),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="registre-videoprotection.csv"'},
    )


@router.get("/register.pdf", response_class=Response)
def register_pdf(engine: EngineDep, scope: ReadScope, since: datetime | None = None) -> Response:
    with engine.connect() as conn:
        entries = register.list_entries(conn, scope=scope, since=since, limit=1_000_000)
    pdf = documents.register_pdf(entries, title="Registre des accès aux images")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="registre-videoprotection.pdf"'},
    )


@router.get("/register/check", response_model=RegisterCheck)
def check_register(
    engine: EngineDep, scope: ReadScope, member_id: int | None = None
) -> RegisterCheck:
    """Verify the hash chain of a member's register (its administrators)."""
    target = member_id or scope.member_id
    require_write(require_admin(scope), target)
    with engine.connect() as conn:
        return register.verify(conn, member_id=target)


def _sealer(settings: Settings) -> Sealer:
    return Sealer(settings.resolved_video_credentials_key)


@router.post("/systems/{system_id}/purge", response_model=PurgeReport)
def purge_system(
    system_id: int, engine: EngineDep, scope: ReadScope, settings: SettingsDep
) -> PurgeReport:
    """Purge footage older than the authorised retention through the recorder (admins)."""
    with engine.begin() as conn:
        system = queries.get_system(conn, scope=scope, system_id=system_id)
        require_write(require_admin(scope), system.member_id)
        connector = service.recorder_connector(
            conn, scope=scope, system_id=system.id, sealer=_sealer(settings)
        )
        with closing(connector):
            return retention.enforce(conn, system=system, connector=connector)


@router.get("/requisitions", response_model=Page[RequisitionOut])
def list_requisitions(
    engine: EngineDep, scope: ReadScope, page: PageDep, open_only: bool = False
) -> Page[RequisitionOut]:
    """Requisitions the caller may see, in the order they were received (each carries its
    deadline)."""
    with engine.connect() as conn:
        found = requisitions.list_requisitions(conn, scope=scope, open_only=open_only)
    return paginate_sequence(found, page, key=lambda r: r.id)


@router.post("/requisitions", response_model=RequisitionOut, status_code=201)
def create_requisition(
    data: RequisitionCreate, engine: EngineDep, scope: ReadScope
) -> RequisitionOut:
    """Record an OPJ's requisition; its cameras' window goes on legal hold."""
    with engine.begin() as conn:
        return requisitions.create_requisition(conn, scope=scope, data=data)


@router.get("/requisitions/{requisition_id}", response_model=RequisitionOut)
def get_requisition(requisition_id: int, engine: EngineDep, scope: ReadScope) -> RequisitionOut:
    with engine.connect() as conn:
        return requisitions.get_requisition(conn, scope=scope, requisition_id=requisition_id)


@router.post("/requisitions/{requisition_id}/extract", response_model=RequisitionOut)
def extract_requisition(
    requisition_id: int, engine: EngineDep, scope: ReadScope, settings: SettingsDep
) -> RequisitionOut:
    """Export the footage through the recorder and hash it (a habilitated person only)."""
    with engine.begin() as conn:
        found = requisitions.get_requisition(conn, scope=scope, requisition_id=requisition_id)
        system = queries.get_system(conn, scope=scope, system_id=found.system_id)
        connector = service.recorder_connector(
            conn, scope=scope, system_id=system.id, sealer=_sealer(settings)
        )
        with closing(connector):
            done, refusal = requisitions.extract(
                conn,
                scope=scope,
                requisition_id=requisition_id,
                connector=connector,
                store=settings.data_dir / "video-exports",
            )
        if refusal is not None:
            conn.commit()  # the refusal line stays; the rest of the extraction never ran
    if refusal is not None:
        refusal.raise_if_refused()
    assert done is not None
    return done


@router.post("/requisitions/{requisition_id}/hand-over", response_model=RequisitionOut)
def hand_over(
    requisition_id: int, data: HandOverIn, engine: EngineDep, scope: ReadScope
) -> RequisitionOut:
    with engine.begin() as conn:
        return requisitions.hand_over(
            conn, scope=scope, requisition_id=requisition_id, recipient=data.recipient
        )


@router.get("/requisitions/{requisition_id}/receipt.pdf", response_class=Response)
def receipt(requisition_id: int, engine: EngineDep, scope: ReadScope) -> Response:
    """The hand-over receipt with each file's SHA-256."""
    with engine.connect() as conn:
        found = requisitions.get_requisition(conn, scope=scope, requisition_id=requisition_id)
    if found.handed_over_at is None or found.handed_over_to is None:
        raise InvalidInput("pas encore remise / not handed over yet: POST .../hand-over first")
    pdf = documents.receipt_pdf(
        found, recipient=found.handed_over_to, handed_at=found.handed_over_at
    )
    name = f"recepisse-requisition-{requisition_id}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/requisitions/{requisition_id}/close", response_model=RequisitionOut)
def close_requisition(requisition_id: int, engine: EngineDep, scope: ReadScope) -> RequisitionOut:
    """Close the requisition; its legal holds are lifted."""
    with engine.begin() as conn:
        return requisitions.close(conn, scope=scope, requisition_id=requisition_id)


@router.get("/access-requests", response_model=Page[AccessRequestOut])
def list_access_requests(
    engine: EngineDep, scope: ReadScope, page: PageDep
) -> Page[AccessRequestOut]:
    """Filmed people's requests for their images, in the order they were received (each
    carries its one-month deadline)."""
    with engine.connect() as conn:
        found = access_requests.list_requests(conn, scope=scope)
    return paginate_sequence(found, page, key=lambda r: r.id)


@router.post("/access-requests", response_model=AccessRequestOut, status_code=201)
def record_access_request(
    data: AccessRequestCreate, engine: EngineDep, scope: ReadScope
) -> AccessRequestOut:
    with engine.begin() as conn:
        return access_requests.record(conn, scope=scope, data=data)


@router.post("/access-requests/{access_request_id}/answer", response_model=AccessRequestOut)
def answer_access_request(
    access_request_id: int, data: AccessRequestAnswer, engine: EngineDep, scope: ReadScope
) -> AccessRequestOut:
    """Grant, or refuse on a stated ground; the letter is written from the template."""
    with engine.begin() as conn:
        return access_requests.answer(conn, scope=scope, request_id=access_request_id, data=data)


router.include_router(vv_router)

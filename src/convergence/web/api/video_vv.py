"""Vidéoverbalisation: R130-11 categories, NatInf codes, agents, evidence, statistics."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel

from convergence.db.types import utcnow
from convergence.errors import InvalidInput
from convergence.video import natinf, vv
from convergence.video.natinf import CategoryOut, NatinfCode
from convergence.video.vv import AgentCreate, AgentOut, CommuneStats
from convergence.web.api.pagination import Page, PageDep, paginate_sequence
from convergence.web.deps import EngineDep, ReadScope

router = APIRouter(prefix="/vv", tags=["video"])
MAX_CSV_BYTES = 1024 * 1024


class Loaded(BaseModel):
    codes: int


@router.get("/categories", response_model=Page[CategoryOut])
def categories(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[CategoryOut]:
    """The offence categories of Code de la route R130-11, with the codes loaded for each."""
    with engine.connect() as conn:
        found = natinf.categories(conn)
    return paginate_sequence(found, page, key=lambda c: str(c.category.value))


@router.put("/natinf", response_model=Loaded)
async def load_natinf(request: Request, engine: EngineDep, scope: ReadScope) -> Loaded:
    """Replace the NatInf codes by the operator's CSV (``natinf;libelle;categorie;
    vehicule_a_l_arret``), checked line by line (the operator's administrators)."""
    body = await request.body()
    if len(body) > MAX_CSV_BYTES:
        raise InvalidInput("fichier trop gros (1 Mo au plus) / file too large")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput("le fichier doit être en UTF-8 / the file must be UTF-8") from error
    with engine.begin() as conn:
        return Loaded(codes=natinf.load(conn, scope=scope, text=text, now=utcnow()))


@router.get("/natinf", response_model=Page[NatinfCode])
def picker(member_id: int, engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[NatinfCode]:
    """The codes the caller, a verbalising agent of ``member_id``, may record."""
    with engine.connect() as conn:
        found = vv.picker(conn, scope=scope, member_id=member_id)
    return paginate_sequence(found, page, key=lambda c: c.code)


@router.get("/agents", response_model=Page[AgentOut])
def list_agents(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[AgentOut]:
    with engine.connect() as conn:
        found = vv.list_agents(conn, scope=scope)
    return paginate_sequence(found, page, key=lambda a: a.id)


@router.post("/agents", response_model=AgentOut, status_code=status.HTTP_201_CREATED)
def designate(data: AgentCreate, engine: EngineDep, scope: ReadScope) -> AgentOut:
    """Designate a verbalising agent and its competence (the member's administrators)."""
    with engine.begin() as conn:
        return vv.designate(conn, scope=scope, data=data, now=utcnow())


@router.post("/findings", response_class=Response)
async def record_finding(
    engine: EngineDep,
    scope: ReadScope,
    camera_asset_id: int = Form(...),
    natinf_code: str = Form(..., max_length=10),
    taken_at: AwareDatetime = Form(...),
    snapshots: list[UploadFile] = File(...),
) -> Response:
    """The evidence of an offence seen on a VV camera, as a ZIP for the PVe editor; the
    export is a line of the access register (its SHA-256 in the ``X-Evidence-SHA256`` header)."""
    images = [await s.read(vv.MAX_SNAPSHOT_BYTES + 1) for s in snapshots[: vv.MAX_SNAPSHOTS + 1]]
    with engine.begin() as conn:
        evidence, decision = vv.record_finding(
            conn, scope=scope, camera_asset_id=camera_asset_id, natinf_code=natinf_code,
            taken_at=_utc(taken_at), snapshots=images, now=utcnow(),
        )  # fmt: skip
    if evidence is None:
        decision.raise_if_refused()  # its register line is committed
    assert evidence is not None
    name = f"constat-vv-{evidence.finding.id}.zip"
    return Response(
        evidence.zip_bytes, media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "X-Evidence-SHA256": evidence.finding.export_sha256},
    )  # fmt: skip


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@router.get("/statistics", response_model=Page[CommuneStats])
def statistics(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[CommuneStats]:
    """Evidence handed over per commune and R130-11 category."""
    with engine.connect() as conn:
        found = vv.statistics(conn, scope=scope)
    return paginate_sequence(found, page, key=lambda s: s.commune_insee or "")

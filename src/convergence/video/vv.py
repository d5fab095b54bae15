"""Vidéoverbalisation support: verbalising agents, evidence for the PVe editor, statistics.

The commune designates its agents (sworn municipal police, or ASVP limited to stationary
vehicles). An agent who saw an offence on a camera authorised for it hands 1 to 3 snapshots
in; the platform checks the camera (« autorisée VV », an authorisation listing the detection
of traffic offences), the agent's current habilitation and competence and the NatInf code,
then returns the evidence as a ZIP — ``evidence.json`` (camera, time, place, offence, the
SHA-256 of each snapshot) and the snapshots — for an ANTAI-approved PVe editor. The platform
transmits no fine (that needs ANTAI homologation). Each export is a line of the access
register carrying the ZIP's SHA-256, and counts in the per-commune statistics.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel
from sqlalchemy import Connection, func, select

from convergence.db.inserts import insert_one
from convergence.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from convergence.members import audit
from convergence.members.queries import get_user
from convergence.members.scope import MemberScope, member_clause, require_admin, require_write
from convergence.video import access, register
from convergence.video.kinds import AccessAction, Motive, Outcome, Purpose
from convergence.video.natinf import REGULATION, Category, Competence, NatinfCode, loaded
from convergence.video.queries import camera_unscoped, system_unscoped
from convergence.video.schemas import AccessIn, CameraOut
from convergence.video.tables import video_vv_agents, video_vv_findings

MAX_SNAPSHOTS = 3
MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
RECIPIENT = "éditeur PVe agréé ANTAI"
NOT_AN_AGENT = "not a designated verbalising agent of this member"


class AgentCreate(BaseModel):
    user_id: int
    competence: Competence
    member_id: int | None = None


class AgentOut(BaseModel):
    id: int
    member_id: int
    user_id: int
    competence: Competence


class FindingOut(BaseModel):
    id: int
    member_id: int
    camera_asset_id: int
    natinf_code: str
    category: Category
    taken_at: AwareDatetime
    export_sha256: str
    register_entry_id: int


class CommuneStats(BaseModel):
    commune_insee: str | None
    findings: int
    by_category: dict[str, int]


@dataclass(frozen=True, slots=True)
class Evidence:
    """The ZIP handed over, and what was kept of it."""

    zip_bytes: bytes
    finding: FindingOut


def designate(
    conn: Connection, *, scope: MemberScope, data: AgentCreate, now: datetime
) -> AgentOut:
    """Designate a verbalising agent of the member, with its competence (its admins only)."""
    member_id = data.member_id or scope.member_id
    require_write(require_admin(scope), member_id)
    get_user(conn, user_id=data.user_id)
    taken = select(video_vv_agents.c.id).where(
        video_vv_agents.c.member_id == member_id, video_vv_agents.c.user_id == data.user_id
    )
    if conn.execute(taken).first() is not None:
        raise Conflict("cet agent est déjà désigné / this agent is already designated")
    new_id = insert_one(conn, video_vv_agents, member_id=member_id, user_id=data.user_id,
                        competence=data.competence.value, designated_by=scope.actor,
                        created_at=now)  # fmt: skip
    audit.record(conn, actor=scope.actor, action="video.vv.agent", member_id=member_id,
                 target=str(new_id), details=data.model_dump(mode="json"))  # fmt: skip
    return AgentOut(id=new_id, member_id=member_id, user_id=data.user_id,
                    competence=data.competence)  # fmt: skip


def list_agents(conn: Connection, *, scope: MemberScope) -> list[AgentOut]:
    rows = conn.execute(
        select(video_vv_agents).where(member_clause(scope, video_vv_agents.c.member_id))
    )
    return [AgentOut(id=r.id, member_id=r.member_id, user_id=r.user_id,
                     competence=Competence(r.competence)) for r in rows]  # fmt: skip


def competence_of(conn: Connection, *, scope: MemberScope, member_id: int) -> Competence:
    """The caller's competence as a verbalising agent of ``member_id``; refused otherwise."""
    user_id = access.user_id_of(scope)
    found = None
    if user_id is not None:
        found = conn.execute(
            select(video_vv_agents.c.competence).where(
                video_vv_agents.c.member_id == member_id, video_vv_agents.c.user_id == user_id
            )
        ).scalar()
    if found is None:
        raise PermissionDenied(
            "réservé aux agents verbalisateurs désignés par la commune / designated "
            "verbalising agents of this member only"
        )
    return Competence(found)


def picker(conn: Connection, *, scope: MemberScope, member_id: int) -> list[NatinfCode]:
    """The NatInf codes the caller may record for ``member_id``: loaded, in its competence."""
    competence = competence_of(conn, scope=scope, member_id=member_id)
    return loaded(conn, stationary_only=competence is Competence.asvp)


def record_finding(
    conn: Connection,
    *,
    scope: MemberScope,
    camera_asset_id: int,
    natinf_code: str,
    taken_at: datetime,
    snapshots: list[bytes],
    now: datetime,
) -> tuple[Evidence | None, access.AccessDecision]:
    """Check everything, register the access, build the evidence; the refusal when refused
    (its register line is written: the caller commits, then raises)."""
    camera = _vv_camera(conn, camera_asset_id)
    try:
        allowed = {c.code: c for c in picker(conn, scope=scope, member_id=camera.member_id)}
    except PermissionDenied as refusal:
        return None, _refused_as_no_agent(conn, scope, camera, refusal.message)
    if natinf_code not in allowed:
        raise InvalidInput(
            f"code NatInf {natinf_code} non chargé ou hors de votre compétence / NatInf code "
            "not loaded, or outside your competence"
        )
    files = _checked_snapshots(snapshots)
    decision = access.decide(conn, scope=scope, at=now, data=AccessIn(
        camera_asset_id=camera.asset_id, action=AccessAction.snapshot, motive=Motive.operations,
        start=taken_at, end=taken_at + timedelta(seconds=1),
    ))  # fmt: skip
    if not decision.granted:
        return None, decision
    offence = allowed[natinf_code]
    zip_bytes = _evidence_zip(camera, offence, taken_at, scope.actor, files)
    digest = hashlib.sha256(zip_bytes).hexdigest()
    entry_id = register.append(conn, register.Entry(
        member_id=camera.member_id, system_id=camera.system_id, agent=scope.actor,
        action=AccessAction.export, outcome=Outcome.done, motive=Motive.operations,
        recipient=RECIPIENT, camera_asset_id=camera.asset_id, export_sha256=digest,
        details={"natinf": natinf_code, "category": offence.category.value},
    ))  # fmt: skip
    finding_id = insert_one(
        conn, video_vv_findings, member_id=camera.member_id, camera_asset_id=camera.asset_id,
        commune_insee=camera.commune_insee, natinf_code=natinf_code,
        category=offence.category.value, agent=scope.actor, taken_at=taken_at,
        export_sha256=digest, register_entry_id=entry_id, created_at=now,
    )  # fmt: skip
    finding = FindingOut(id=finding_id, member_id=camera.member_id,
                         camera_asset_id=camera.asset_id, natinf_code=natinf_code,
                         category=offence.category, taken_at=taken_at, export_sha256=digest,
                         register_entry_id=entry_id)  # fmt: skip
    return Evidence(zip_bytes, finding), decision


def _refused_as_no_agent(
    conn: Connection, scope: MemberScope, camera: CameraOut, message: str
) -> access.AccessDecision:
    """Someone who is not a designated agent of the camera's commune: a refused register line."""
    entry_id = register.append(conn, register.Entry(
        member_id=camera.member_id, system_id=camera.system_id, agent=scope.actor,
        action=AccessAction.snapshot, outcome=Outcome.refused, motive=Motive.operations,
        camera_asset_id=camera.asset_id, details={"reason": NOT_AN_AGENT},
    ))  # fmt: skip
    return access.AccessDecision(False, entry_id, reason=NOT_AN_AGENT, message=message)


def _vv_camera(conn: Connection, asset_id: int) -> CameraOut:
    camera = camera_unscoped(conn, asset_id=asset_id)
    if camera is None:
        raise NotFound(f"caméra {asset_id} introuvable / camera not found")
    if not camera.vv_authorised:
        raise Conflict("caméra non autorisée pour la vidéoverbalisation / camera not VV-authorised")
    system = None if camera.system_id is None else system_unscoped(conn, system_id=camera.system_id)
    if system is None or Purpose.traffic_offences not in system.purposes:
        raise Conflict(
            "l'autorisation préfectorale ne mentionne pas la constatation des infractions au "
            "code de la route / the authorisation does not list traffic offences"
        )
    return camera


def _checked_snapshots(snapshots: list[bytes]) -> list[tuple[str, bytes]]:
    if not 1 <= len(snapshots) <= MAX_SNAPSHOTS:
        raise InvalidInput(f"de 1 à {MAX_SNAPSHOTS} clichés / 1 to {MAX_SNAPSHOTS} snapshots")
    files = []
    for index, data in enumerate(snapshots, start=1):
        kind = next((ext for magic, ext in IMAGE_TYPES.items() if data.startswith(magic)), None)
        if kind is None or len(data) > MAX_SNAPSHOT_BYTES:
            raise InvalidInput(f"cliché {index} : JPEG ou PNG de 5 Mo au plus / JPEG or PNG")
        files.append((f"cliche-{index}.{kind}", data))
    return files


def _evidence_zip(
    camera: CameraOut, offence: NatinfCode, taken_at: datetime, agent: str,
    files: list[tuple[str, bytes]],
) -> bytes:  # fmt: skip
    evidence = {
        "camera": {"asset_id": camera.asset_id, "name": camera.name,
                   "commune_insee": camera.commune_insee, "lon": camera.lon, "lat": camera.lat},
        "taken_at": taken_at.isoformat(),
        "offence": {"natinf": offence.code, "label": offence.label,
                    "category": offence.category.value, "regulation": REGULATION},
        "agent": agent,
        "snapshots": [{"file": name, "sha256": hashlib.sha256(data).hexdigest(),
                       "bytes": len(data)} for name, data in files],
        "note": "Constat à transmettre par un logiciel PVe agréé ANTAI ; la plateforme "
                "ne transmet aucun avis de contravention.",
    }  # fmt: skip
    stamp = taken_at.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("evidence.json", stamp),
            json.dumps(evidence, ensure_ascii=False, indent=2),
        )
        for name, data in files:
            archive.writestr(zipfile.ZipInfo(name, stamp), data)
    return buffer.getvalue()


def statistics(conn: Connection, *, scope: MemberScope) -> list[CommuneStats]:
    """Findings handed over, per commune of the camera and per R130-11 category."""
    rows = conn.execute(
        select(video_vv_findings.c.commune_insee, video_vv_findings.c.category,
               func.count().label("n"))
        .where(member_clause(scope, video_vv_findings.c.member_id))
        .group_by(video_vv_findings.c.commune_insee, video_vv_findings.c.category)
    ).all()  # fmt: skip
    by_commune: dict[str | None, dict[str, int]] = {}
    for row in rows:
        by_commune.setdefault(row.commune_insee, {})[row.category] = int(row.n)
    return [CommuneStats(commune_insee=insee, findings=sum(counts.values()), by_category=counts)
            for insee, counts in sorted(by_commune.items(), key=lambda i: i[0] or "")]  # fmt: skip

"""Use cases of open data: a member's admins describe, publish and unpublish its datasets.

Publishing builds every file and validates it first: a dataset whose files do not follow
their schema is not published, and the answer lists why. Every change is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import Conflict, InvalidInput
from convergence.members import audit
from convergence.members.queries import get_member
from convergence.members.schemas import MemberOut
from convergence.members.scope import MemberScope, require_admin, require_write
from convergence.opendata.config import OpenDataConfig
from convergence.opendata.exports import build_dataset
from convergence.opendata.kinds import Licence
from convergence.opendata.queries import get_dataset
from convergence.opendata.schemas import DatasetCreate, DatasetOut, DatasetUpdate, PublicationOut
from convergence.opendata.specs import KIND_SPECS, default_title
from convergence.opendata.tables import datasets
from convergence.opendata.windows import resolve_period


def create_dataset(conn: Connection, *, scope: MemberScope, data: DatasetCreate) -> DatasetOut:
    """A new, unpublished dataset of the caller's member (or of ``data.member_id``)."""
    member_id = data.member_id or scope.member_id
    require_write(require_admin(scope), member_id)
    member = get_member(conn, member_id=member_id)
    _check_licence(data.kind, data.licence)
    _check_free(conn, member, data.kind)
    now = utcnow()
    new_id = insert_one(
        conn,
        datasets,
        member_id=member_id,
        kind=str(data.kind),
        title=data.title or default_title(data.kind, member.name),
        description=data.description or KIND_SPECS[data.kind].description,
        licence=data.licence.value,
        published=False,
        created_by=scope.actor,
        created_at=now,
        updated_at=now,
    )
    _audit(conn, scope, "opendata.dataset.create", new_id, member_id, {"kind": data.kind})
    return get_dataset(conn, scope=scope, dataset_id=new_id)


def _check_free(conn: Connection, member: MemberOut, kind: str) -> None:
    taken = select(datasets.c.id).where(datasets.c.member_id == member.id, datasets.c.kind == kind)
    if conn.execute(taken).first() is not None:
        raise Conflict(
            f"{member.name} a déjà un jeu de données « {kind} » / this member already has "
            f"a {kind} dataset: change it instead"
        )


def update_dataset(
    conn: Connection, *, scope: MemberScope, dataset_id: int, data: DatasetUpdate
) -> DatasetOut:
    """Change a dataset's title, description or licence."""
    dataset = _writable(conn, scope, dataset_id)
    changes: dict[str, Any] = data.model_dump(exclude_none=True, mode="json")
    if data.licence is not None:
        _check_licence(dataset.kind, data.licence)
    if changes:
        _save(conn, dataset_id, changes | {"updated_at": utcnow()})
        _audit(conn, scope, "opendata.dataset.update", dataset_id, dataset.member_id, changes)
    return get_dataset(conn, scope=scope, dataset_id=dataset_id)


def publish_dataset(
    conn: Connection,
    *,
    scope: MemberScope,
    dataset_id: int,
    config: OpenDataConfig,
    now: datetime | None = None,
) -> PublicationOut:
    """Publish a dataset whose files validate; DatasetNotValid (nothing changes) otherwise."""
    dataset = _writable(conn, scope, dataset_id)
    now = now or utcnow()
    cadence = KIND_SPECS[dataset.kind].cadence
    period = resolve_period(cadence, start=None, end=None, config=config, now=now)
    build = build_dataset(conn, dataset=dataset, period=period, now=now).require_valid()
    if not dataset.published:
        _save(conn, dataset_id, {"published": True, "published_at": now, "updated_at": now})
        details = {"kind": dataset.kind, "rows": sum(f.rows for f in build.files)}
        _audit(conn, scope, "opendata.dataset.publish", dataset_id, dataset.member_id, details)
    return PublicationOut(
        dataset=get_dataset(conn, scope=scope, dataset_id=dataset_id), validation=build.report()
    )


def unpublish_dataset(conn: Connection, *, scope: MemberScope, dataset_id: int) -> DatasetOut:
    """Stop publishing a dataset: from now on the public API answers 404 for it."""
    dataset = _writable(conn, scope, dataset_id)
    if dataset.published:
        _save(conn, dataset_id, {"published": False, "updated_at": utcnow()})
        details = {"kind": dataset.kind}
        _audit(conn, scope, "opendata.dataset.unpublish", dataset_id, dataset.member_id, details)
    return get_dataset(conn, scope=scope, dataset_id=dataset_id)


def _writable(conn: Connection, scope: MemberScope, dataset_id: int) -> DatasetOut:
    # Reading first: another member's dataset is "not found", never "forbidden".
    dataset = get_dataset(conn, scope=scope, dataset_id=dataset_id)
    require_write(require_admin(scope), dataset.member_id)
    return dataset


def _check_licence(kind: str, licence: Licence) -> None:
    rule = KIND_SPECS[kind].licence
    if rule is not None and licence is not rule.licence:
        raise InvalidInput(rule.reason, licence=licence.value)


def _save(conn: Connection, dataset_id: int, values: dict[str, Any]) -> None:
    conn.execute(datasets.update().where(datasets.c.id == dataset_id).values(**values))


def _audit(
    conn: Connection,
    scope: MemberScope,
    action: str,
    dataset_id: int,
    member_id: int,
    details: dict[str, Any],
) -> None:
    audit.record(
        conn,
        actor=scope.actor,
        action=action,
        member_id=member_id,
        target=f"dataset:{dataset_id}",
        details=details,
    )

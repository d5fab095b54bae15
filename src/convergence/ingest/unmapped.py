"""« Champs non reconnus »: decoded numbers that no field map names, per device and model.

The pipeline keeps every message that carried such numbers as a dead letter coded
``unmapped_fields`` (its mapped values are stored all the same). This module reads them back
for the technician, grouped by what is missing, and replays them once the device model maps
the fields: readings are idempotent, so values already stored are not counted twice.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Connection, Select, String, and_, cast, or_, select

from convergence.ingest.envelope import UNMAPPED_FIELDS, Status
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.replay import replay
from convergence.ingest.schemas import ReplayReport
from convergence.ingest.tables import dead_letters
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "replay_for_model": "an operator's change of a shared model replays its waiting messages",
}

SAMPLE_IDS = 5
# The fields as ``decoding.unmapped_refusal`` names them in its reason.
FIELDS_IN_REASON = re.compile(r"unrecognised fields: (.+?)\. Add them")


class UnmappedGroup(BaseModel):
    """Messages waiting for the same missing mappings (the reason names the fields)."""

    reason: str
    messages: int
    last_seen: datetime
    dead_letter_ids: list[int]

    @property
    def fields(self) -> list[str]:
        """The unrecognised fields, each to map to a quantity or to ignore."""
        named = (m.group(1).split(", ") for m in FIELDS_IN_REASON.finditer(self.reason))
        return list(dict.fromkeys(field for group in named for field in group))


def _of_asset() -> ColumnElement[bool]:
    """A dead letter sent by the asset of the joined ``assets`` row."""
    own = and_(
        dead_letters.c.member_id == assets.c.member_id,
        or_(
            dead_letters.c.device_ref == assets.c.dev_eui,
            dead_letters.c.device_ref == assets.c.serial,
            dead_letters.c.device_ref == cast(assets.c.id, String),
        ),
    )
    # A network server's feed without an integration names devices by DevEUI only.
    platform_wide = and_(
        dead_letters.c.member_id.is_(None), dead_letters.c.device_ref == assets.c.dev_eui
    )
    return or_(own, platform_wide)


def _pending(scope: MemberScope) -> Select[Any]:
    return (
        select(
            assets.c.id.label("asset_id"),
            assets.c.device_model_id,
            dead_letters.c.id,
            dead_letters.c.reason,
            dead_letters.c.times_received,
            dead_letters.c.last_received_at,
        )
        .join(dead_letters, _of_asset())
        .where(
            dead_letters.c.status == Status.pending.value,
            dead_letters.c.reason_code == UNMAPPED_FIELDS,
            member_clause(scope, assets.c.member_id),
        )
        .order_by(dead_letters.c.id.desc())
    )


def _grouped(rows: list[Any]) -> list[UnmappedGroup]:
    groups: dict[str, UnmappedGroup] = {}
    for row in rows:
        group = groups.get(row.reason)
        if group is None:
            groups[row.reason] = UnmappedGroup(
                reason=row.reason, messages=0, last_seen=row.last_received_at, dead_letter_ids=[]
            )
            group = groups[row.reason]
        group.messages += row.times_received
        group.last_seen = max(group.last_seen, row.last_received_at)
        if len(group.dead_letter_ids) < SAMPLE_IDS:
            group.dead_letter_ids.append(row.id)
    return sorted(groups.values(), key=lambda g: g.last_seen, reverse=True)


def unmapped_for_asset(
    conn: Connection, *, scope: MemberScope, asset_id: int
) -> list[UnmappedGroup]:
    """What an asset sent that its model does not map yet, and waits to be replayed."""
    rows = conn.execute(_pending(scope).where(assets.c.id == asset_id)).all()
    return _grouped(list(rows))


def unmapped_by_model(conn: Connection, *, scope: MemberScope) -> dict[int, list[UnmappedGroup]]:
    """The same per device model, over the assets the scope may read."""
    rows = conn.execute(_pending(scope).where(assets.c.device_model_id.is_not(None))).all()
    by_model: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_model[row.device_model_id].append(row)
    return {model_id: _grouped(found) for model_id, found in by_model.items()}


def replay_for_model(conn: Connection, *, device_model_id: int, pipeline: Pipeline) -> ReplayReport:
    """Replay the waiting messages of every asset of a model (after its field map changed)."""
    ids = sorted(
        set(
            conn.execute(
                select(dead_letters.c.id)
                .select_from(assets)
                .join(dead_letters, _of_asset())
                .where(
                    assets.c.device_model_id == device_model_id,
                    dead_letters.c.status == Status.pending.value,
                    dead_letters.c.reason_code == UNMAPPED_FIELDS,
                )
            ).scalars()
        )
    )
    if not ids:
        return ReplayReport()
    return replay(conn, pipeline=pipeline, ids=ids)

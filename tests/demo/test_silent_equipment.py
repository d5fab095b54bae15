"""The demo's « sans donnée depuis 24 h » list: cameras, which send nothing by design, are not
in it; charge points whose OCPP link was never heard are, whatever meter readings arrived."""

from __future__ import annotations

from sqlalchemy import select

from convergence.charging.tables import charge_points
from convergence.db.types import utcnow
from convergence.demo.build import Demo
from convergence.members.scope import command_line_scope
from convergence.registry.tables import assets
from convergence.reports.health import IN_SERVICE, SILENT_AFTER, silent_assets


def test_the_silent_list_leaves_cameras_out_and_counts_unheard_chargers(built: Demo) -> None:
    with built.engine.connect() as conn:
        communes = sorted(
            {c for c in conn.execute(select(assets.c.commune_insee).distinct()).scalars() if c}
        )
        kinds = dict(conn.execute(select(assets.c.id, assets.c.kind)).all())
        unheard = set(
            conn.execute(
                select(charge_points.c.asset_id)
                .join(assets, assets.c.id == charge_points.c.asset_id)
                .where(charge_points.c.last_seen_at.is_(None), assets.c.status.in_(IN_SERVICE))
            ).scalars()
        )
        since = utcnow() - SILENT_AFTER
        found = silent_assets(conn, scope=command_line_scope(), communes=communes, since=since)
    silent = {a.asset_id for a in found}
    assert "camera" in kinds.values()
    assert not [a for a in silent if kinds[a] == "camera"]
    assert unheard, "the demo has charge points in service that never connected over OCPP"
    assert unheard <= silent

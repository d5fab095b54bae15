"""The daily digest lists, per commune and in French, the alerts of one Paris day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from convergence.alerts.config import AlertsConfig
from convergence.alerts.delivery import send_pending
from convergence.alerts.digest import build_digest, digest_text, queue_digest
from convergence.members.roles import Role
from tests.alerts.conftest import MINUTE, T0, user_scope
from tests.alerts.flow import ingest, rule
from tests.alerts.servers import Mailbox
from tests.support import Territory


def test_digest_text_of_the_day_per_commune(
    engine: Engine,
    territory: Territory,
    river_sensor: int,
    config: AlertsConfig,
    mailbox: Mailbox,
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Crue — seuil orange",
        target_kind="asset",
        asset_id=river_sensor,
        cooldown_s=0,
        params={"kind": "threshold", "quantity": "water_level", "limit": 3.2},
    )
    member = territory.versailles.id
    for minutes, level in [(0, 3.3), (60, 3.0), (120, 3.4)]:  # fired, resolved, fired again
        at = T0 + minutes * MINUTE
        ingest(engine, asset_id=river_sensor, member_id=member, points=[(at, level)], now=at)
    elected = territory.versailles.user(Role.elected)
    with engine.begin() as conn:
        digest = build_digest(conn, scope=technician, member_id=member, day=date(2026, 11, 28))
        queue_digest(conn, digest=digest, now=T0 + 16 * 60 * MINUTE)
    text = digest_text(digest)
    assert "Voici les alertes du 28 novembre 2026 pour Versailles." in text
    assert "== Versailles (78646) ==" in text
    assert "Alertes déclenchées dans la journée : 2" in text
    assert "Alertes levées dans la journée : 1" in text
    assert "Alertes toujours en cours : 1" in text
    assert "Crue — seuil orange — Limnimètre ru de Gally" in text
    assert "(depuis 09:00)" in text  # 08:00 UTC is 09:00 in Paris in November
    send_pending(engine, config=config, now=T0 + 16 * 60 * MINUTE)
    [mail] = mailbox.messages
    assert mail["To"] == elected
    assert str(mail["Subject"]) == "[Convergence] Alertes du 28 novembre 2026 — Versailles"

    with engine.connect() as conn:
        quiet = build_digest(conn, scope=technician, member_id=member, day=date(2026, 11, 27))
    assert "Aucune alerte ce jour" in digest_text(quiet)

"""The alert rules every member with charge points wants, on the central system's events.

- a charger in fault: ``ocpp.status`` with ``charge_point_faulted = true`` (any connector
  Faulted, or the whole charge point); the next status without a fault resolves it;
- a charger unavailable: ``ocpp.status`` with ``charge_point_unavailable = true`` (any
  connector Unavailable, or the whole charge point: out of service, though not faulted);
- a charger offline: ``ocpp.connection`` with ``state = offline``, stored once nothing was
  heard for ``offline_after_intervals`` heartbeat intervals; ``online`` resolves it;
- repeated failed sessions: ``ocpp.session`` with ``repeated_failures = true`` once
  ``failed_sessions_alert`` sessions in a row failed; a completed session resolves it.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from convergence.alerts.kinds import Severity, TargetKind
from convergence.alerts.schemas import EventParams, RuleCreate, RuleOut
from convergence.alerts.service import create_rule
from convergence.alerts.tables import alert_rules
from convergence.charging.alerting import TRUE
from convergence.charging.kinds import EventKind
from convergence.members.scope import MemberScope, require_write
from convergence.registry.kinds import Domain


def default_rules(member_id: int) -> list[RuleCreate]:
    """The charging alert rules every member with chargers wants."""
    rules = (
        ("Borne en défaut", EventKind.status, {"charge_point_faulted": TRUE}, Severity.critical),
        (
            "Borne indisponible",
            EventKind.status,
            {"charge_point_unavailable": TRUE},
            Severity.warning,
        ),
        ("Borne hors ligne", EventKind.connection, {"state": "offline"}, Severity.warning),
        (
            "Échecs de charge répétés",
            EventKind.session,
            {"repeated_failures": TRUE},
            Severity.warning,
        ),
    )
    return [
        RuleCreate(
            name=name,
            member_id=member_id,
            target_kind=TargetKind.domain,
            domain=Domain.charging,
            severity=severity,
            params=EventParams(event_kind=kind.value, match=match),
            cooldown_s=0,
        )
        for name, kind, match, severity in rules
    ]


def install_default_rules(conn: Connection, *, scope: MemberScope, member_id: int) -> list[RuleOut]:
    """Create the charging rules a member does not have yet (by name); the new ones."""
    require_write(scope, member_id)
    existing = set(
        conn.execute(select(alert_rules.c.name).where(alert_rules.c.member_id == member_id))
        .scalars()
        .all()
    )
    return [
        create_rule(conn, scope=scope, data=rule)
        for rule in default_rules(member_id)
        if rule.name not in existing
    ]

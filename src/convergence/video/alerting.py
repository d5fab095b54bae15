"""What video protection reports as readings and events, and the alert rules it installs.

Camera health and retention go through the time-series store and the ordinary alert rules,
as any device's data do:

- ``video.stream`` with ``state = down``: the stream stopped (RTSP DESCRIBE failed or the
  camera is unreachable); ``up`` resolves it;
- the ``clock_drift`` reading (seconds, absolute) above the rule's limit: the camera's clock
  is off, which weakens images as evidence;
- ``video.retention`` with ``overdue = true``: footage older than the authorised period is
  still on the recorder (CSI L252-5; the case of the CNIL formal notices) — critical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from convergence.alerts.evaluation import evaluate_batch
from convergence.alerts.kinds import Comparison, Severity, TargetKind
from convergence.alerts.schemas import EventParams, RuleCreate, RuleOut, ThresholdParams
from convergence.alerts.service import create_rule
from convergence.alerts.tables import alert_rules
from convergence.db.types import utcnow
from convergence.members.scope import MemberScope
from convergence.registry.kinds import Domain
from convergence.timeseries.store import NewEvent, NewReading, insert_events, store_readings

STREAM_EVENT = "video.stream"
RETENTION_EVENT = "video.retention"
CLOCK_DRIFT = "clock_drift"
DEFAULT_DRIFT_LIMIT_S = 2.0


@dataclass(slots=True)
class Sink:
    """Readings and events gathered by a health cycle or a purge, stored in one go."""

    readings: list[NewReading] = field(default_factory=list)
    events: list[NewEvent] = field(default_factory=list)

    def add(self, *, readings: Sequence[NewReading] = (), events: Sequence[NewEvent] = ()) -> None:
        self.readings += readings
        self.events += events

    def flush(self, conn: Connection) -> int:
        """Store what was gathered, then evaluate alert rules on what was new; alerts fired."""
        readings, events = self.readings, self.events
        self.readings, self.events = [], []
        inserted = store_readings(conn, readings).inserted if readings else []
        new_keys = set(insert_events(conn, events)) if events else set()
        new_events = [e for e in events if (e.asset_id, e.kind, e.ts) in new_keys]
        if not (inserted or new_events):
            return 0
        outcome = evaluate_batch(conn, stored=inserted, events=new_events, now=utcnow())
        return len(outcome.fired)


def default_rules(member_id: int) -> list[RuleCreate]:
    """The video rules every member with a system wants."""
    common = {"member_id": member_id, "target_kind": TargetKind.domain, "domain": Domain.video}
    return [
        RuleCreate(
            name="Caméra : flux interrompu",
            severity=Severity.warning,
            params=EventParams(event_kind=STREAM_EVENT, match={"state": "down"}),
            cooldown_s=0,
            **common,
        ),
        RuleCreate(
            name="Caméra : horloge dérivée",
            severity=Severity.warning,
            params=ThresholdParams(
                quantity=CLOCK_DRIFT, comparison=Comparison.above, limit=DEFAULT_DRIFT_LIMIT_S
            ),
            cooldown_s=0,
            **common,
        ),
        RuleCreate(
            name="Images conservées au-delà de la durée autorisée",
            severity=Severity.critical,
            params=EventParams(event_kind=RETENTION_EVENT, match={"overdue": "true"}),
            cooldown_s=0,
            **common,
        ),
    ]


def install_default_rules(conn: Connection, *, scope: MemberScope, member_id: int) -> list[RuleOut]:
    """Create the video rules the member does not have yet (by name); the new ones."""
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

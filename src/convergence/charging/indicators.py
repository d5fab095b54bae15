"""Charging indicators: availability, occupancy, sessions, energy, failed sessions.

**Availability rate** of a point of charge over a period = time *in service* / time
*observed*. A point is in service when the IRVE dynamic file would say ``etat_pdc =
en_service`` (arrêté du 4 mai 2021, schéma IRVE dynamique v2.3.1, with the OCPP → IRVE mapping
of ``status.py``): its status is Available, occupied or Reserved, the whole charge point is
not Faulted or Unavailable (OCPP 1.6 connector 0), and the charge point is online. Time
offline (no message for ``offline_after_intervals`` heartbeat intervals) counts as observed
and *not* in service: a driver cannot rely on a point nobody can see. Time before the first
status ever reported for the point is not observed, and is left out of both terms.

**Occupancy rate** = time occupied (Preparing…Finishing in 1.6, Occupied in 2.0.1) / time
observed. **Sessions**, **failed sessions** and **energy delivered** count the sessions
started in the period (``transactions.py`` says when a session fails). A commune's rates are
the sums of its points' times, so that every point weighs by the time it was observed; they
rest on the points heard from (observed some time in the period), and the commune states
how many were not (« 40 points sans nouvelles ») rather than letting two points speak for 42.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import TypeVar

from pydantic import BaseModel

from convergence.charging.status import PointStatus, is_operative, with_charge_point_status

S = TypeVar("S")
AVAILABILITY_RULE = (
    "temps en service / temps observé ; hors service : Faulted, Unavailable (point ou borne "
    "entière) ou borne hors ligne ; non observé : avant le premier statut reçu"
)

Timeline = Sequence[tuple[datetime, PointStatus]]
OnlineTimeline = Sequence[tuple[datetime, bool]]


@dataclass(frozen=True, slots=True)
class Durations:
    """Seconds a point was observed, in service and occupied over a period."""

    observed_s: float = 0.0
    in_service_s: float = 0.0
    occupied_s: float = 0.0

    def __add__(self, other: Durations) -> Durations:
        return Durations(
            self.observed_s + other.observed_s,
            self.in_service_s + other.in_service_s,
            self.occupied_s + other.occupied_s,
        )


def _at(timeline: Sequence[tuple[datetime, S]], instant: datetime) -> S | None:
    """The last value of a timeline (sorted by time) at or before ``instant``."""
    value: S | None = None
    for ts, state in timeline:
        if ts > instant:
            break
        value = state
    return value


def point_durations(
    *,
    point: Timeline,
    whole: Timeline,
    online: OnlineTimeline,
    start: datetime,
    end: datetime,
) -> Durations:
    """Observed, in-service and occupied times of one point of charge in [start, end)."""
    points, wholes, onlines = sorted(point), sorted(whole), sorted(online)
    instants = [ts for ts, _ in points] + [ts for ts, _ in wholes] + [ts for ts, _ in onlines]
    cuts = sorted({start, end, *(ts for ts in instants if start < ts < end)})
    total = Durations()
    for begin, finish in pairwise(cuts):
        seconds = (finish - begin).total_seconds()
        status = _at(points, begin)
        if status is None:
            continue  # nothing reported yet: not observed
        if _at(onlines, begin) is False:
            total += Durations(observed_s=seconds)
            continue
        effective = with_charge_point_status(status, _at(wholes, begin))
        total += Durations(
            observed_s=seconds,
            in_service_s=seconds if is_operative(effective) else 0.0,
            occupied_s=seconds if effective is PointStatus.occupied else 0.0,
        )
    return total


def rate(part: float, whole: float) -> float | None:
    """``part / whole`` rounded to 4 decimals, or None when nothing was observed."""
    return round(part / whole, 4) if whole > 0 else None


class SessionTally(BaseModel):
    sessions: int = 0
    failed_sessions: int = 0
    energy_kwh: float = 0.0

    def plus(self, other: SessionTally) -> SessionTally:
        return SessionTally(
            sessions=self.sessions + other.sessions,
            failed_sessions=self.failed_sessions + other.failed_sessions,
            energy_kwh=round(self.energy_kwh + other.energy_kwh, 3),
        )


class PointIndicators(SessionTally):
    """Indicators of one point of charge (1.6 connector, 2.0.1 EVSE)."""

    asset_id: int
    asset_name: str
    commune_insee: str | None
    connector_id: int
    observed_s: float
    in_service_s: float
    occupied_s: float
    availability_rate: float | None
    occupancy_rate: float | None


class CommuneIndicators(SessionTally):
    """Indicators of the points of charge of one commune."""

    commune_insee: str | None
    points: int
    heard: int  # points observed some time in the period
    observed_s: float
    in_service_s: float
    availability_rate: float | None
    occupancy_rate: float | None


class ChargingIndicators(BaseModel):
    start: datetime
    end: datetime
    availability_rule: str = AVAILABILITY_RULE
    points: list[PointIndicators]
    communes: list[CommuneIndicators]


def commune_indicators(points: Iterable[PointIndicators]) -> list[CommuneIndicators]:
    """Points summed per commune (times added, so that rates weigh by observed time)."""
    groups: dict[str | None, list[PointIndicators]] = {}
    for point in points:
        groups.setdefault(point.commune_insee, []).append(point)
    return [_commune(insee, members) for insee, members in sorted(groups.items(), key=_key)]


def _key(item: tuple[str | None, list[PointIndicators]]) -> str:
    return item[0] or ""


def _commune(insee: str | None, points: list[PointIndicators]) -> CommuneIndicators:
    observed = sum(p.observed_s for p in points)
    in_service = sum(p.in_service_s for p in points)
    occupied = sum(p.occupied_s for p in points)
    tally = SessionTally()
    for point in points:
        tally = tally.plus(point)
    return CommuneIndicators(
        commune_insee=insee,
        points=len(points),
        heard=sum(1 for p in points if p.observed_s > 0),
        observed_s=observed,
        in_service_s=in_service,
        availability_rate=rate(in_service, observed),
        occupancy_rate=rate(occupied, observed),
        **tally.model_dump(),
    )

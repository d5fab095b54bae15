"""Closed sets of the maintenance domain: problems, origins, statuses, time bases."""

from __future__ import annotations

from enum import StrEnum


class Problem(StrEnum):
    """What is wrong with an asset; one open ticket per asset and problem."""

    charge_point_fault = "charge_point_fault"  # OCPP Faulted (or Unavailable)
    heartbeat_lost = "heartbeat_lost"  # charge point offline
    sessions_failing = "sessions_failing"  # sessions failing repeatedly
    camera_down = "camera_down"
    sensor_silent = "sensor_silent"
    sensor_faulty = "sensor_faulty"  # a threshold or rate rule on the sensor's own data
    reported = "reported"  # by a person (manual ticket, public QR form)


class Origin(StrEnum):
    alert = "alert"
    manual = "manual"
    public = "public"
    status = "status"  # the asset's status set to faulty in the registry
    quality = "quality"  # most of its recent values judged invalid


class TicketStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"  # the contractor took it in hand (intervention clock stops)
    waiting_member = "waiting_member"  # clocks paused: the member must act (access, parts)
    resolved = "resolved"  # service restored (verified by telemetry, or by hand)
    closed = "closed"


OPEN_STATUSES = frozenset(
    {TicketStatus.open, TicketStatus.acknowledged, TicketStatus.waiting_member}
)


class TicketAction(StrEnum):
    opened = "opened"
    updated = "updated"  # a new fault of the same problem while open
    reopened = "reopened"  # a recurrence within the reopen window
    acknowledged = "acknowledged"
    intervention = "intervention"  # the contractor reported work on site
    closure_proposed = "closure_proposed"
    paused = "paused"
    resumed = "resumed"
    restored = "restored"
    not_verified = "not_verified"  # the alert ended but telemetry does not show service back
    excluded = "excluded"
    closed = "closed"


class HoursBasis(StrEnum):
    calendar = "calendar"  # every hour counts
    business = "business"  # the contract's daily window, working days, outside holidays


class PauseReason(StrEnum):
    waiting_member = "waiting_member"
    restored = "restored"  # between a restoration and a reopening: the service was up


class ExclusionReason(StrEnum):
    """Causes the contract excludes from delays (décret 2017-26: grid failures excluded)."""

    grid_outage = "grid_outage"
    vandalism = "vandalism"
    force_majeure = "force_majeure"
    planned_maintenance = "planned_maintenance"

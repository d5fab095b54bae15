"""Closed sets of the alerts domain: rule kinds, targets, statuses, channels."""

from __future__ import annotations

from enum import StrEnum


class RuleKind(StrEnum):
    """What a rule watches; the first three are evaluated on the ingestion path."""

    threshold = "threshold"  # a value above/below X for at least a minimum duration
    rate = "rate"  # a rate of change (per hour) above/below R over a window
    event = "event"  # an event of a kind whose payload matches (e.g. a charger "Faulted")
    silence = "silence"  # no data for a time (evaluated on the schedule)
    indicator = "indicator"  # an indicator class reached (evaluated on the schedule)


BATCH_KINDS = frozenset({RuleKind.threshold, RuleKind.rate, RuleKind.event})
SCHEDULE_KINDS = frozenset({RuleKind.silence, RuleKind.indicator})


class TargetKind(StrEnum):
    """What a rule applies to, always within the rule's member."""

    asset = "asset"
    device_model = "device_model"
    commune = "commune"
    domain = "domain"


class Comparison(StrEnum):
    above = "above"  # fires at value >= limit
    below = "below"  # fires at value <= limit


class IndicatorName(StrEnum):
    water_vigilance = "water_vigilance"  # Vigicrues-coloured level against site thresholds
    air_index = "air_index"  # daily ATMO-type index from the commune's own sensors


class Severity(StrEnum):
    info = "info"
    warning = "warning"
    critical = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class AlertStatus(StrEnum):
    firing = "firing"
    acknowledged = "acknowledged"
    resolved = "resolved"


OPEN_STATUSES = frozenset({AlertStatus.firing, AlertStatus.acknowledged})


class AlertAction(StrEnum):
    """What happened to an alert, as written in its history."""

    fired = "fired"
    escalated = "escalated"  # the level reached rose: a graver severity, same alert
    acknowledged = "acknowledged"
    resolved = "resolved"


class Channel(StrEnum):
    email = "email"
    webhook = "webhook"


class Cadence(StrEnum):
    immediate = "immediate"  # one message when an alert fires and when it is resolved
    daily_digest = "daily_digest"  # the day's alerts of each commune, once a day


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for its first or next attempt
    sent = "sent"
    failed = "failed"  # every attempt failed; visible and retryable


class DeliveryEvent(StrEnum):
    fired = "fired"
    resolved = "resolved"
    digest = "digest"

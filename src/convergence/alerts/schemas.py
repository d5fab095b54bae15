"""Pydantic models of the alerts domain at the API and CLI boundaries, and rule parameters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from convergence.alerts.kinds import (
    AlertAction,
    AlertStatus,
    Cadence,
    Channel,
    Comparison,
    DeliveryEvent,
    DeliveryStatus,
    IndicatorName,
    RuleKind,
    Severity,
    TargetKind,
)
from convergence.alerts.levels import check_min_level
from convergence.registry.kinds import Domain


class ThresholdParams(BaseModel):
    """Value ``comparison`` ``limit`` for at least ``min_duration_s``; clears past the margin."""

    kind: Literal[RuleKind.threshold] = RuleKind.threshold
    quantity: str = Field(min_length=1, max_length=64, examples=["water_level"])
    comparison: Comparison = Comparison.above
    limit: float = Field(description="in the unit of the series, e.g. metres for water_level")
    min_duration_s: int = Field(default=0, ge=0, le=7 * 86400)
    hysteresis: float = Field(
        default=0.0, ge=0, description="resolved only once the value is past limit ∓ hysteresis"
    )
    threshold_label: str | None = Field(
        default=None,
        max_length=60,
        description="what the limit is, named in the alert's text, e.g. « seuil d'alerte »",
    )
    mean_over_s: int = Field(
        default=0,
        ge=0,
        le=7 * 86400,
        description="compare the mean of the valid readings over this many seconds ending with "
        "the latest (86400 for a daily mean, as PM10's thresholds); 0 compares each reading",
    )


class RateParams(BaseModel):
    """Least-squares slope over ``window_s`` ``comparison`` ``rate_per_hour``."""

    kind: Literal[RuleKind.rate] = RuleKind.rate
    quantity: str = Field(min_length=1, max_length=64)
    comparison: Comparison = Comparison.above
    rate_per_hour: float = Field(
        description="in the series' unit per hour: 0.05 for 5 cm/h on a level in metres"
    )
    window_s: int = Field(default=3600, ge=60, le=7 * 86400)
    hysteresis: float = Field(default=0.0, ge=0)


class SilenceParams(BaseModel):
    """No reading (of ``quantity``, or of any quantity) for more than ``max_silence_s``."""

    kind: Literal[RuleKind.silence] = RuleKind.silence
    quantity: str | None = Field(default=None, max_length=64)
    max_silence_s: int = Field(
        ge=60, le=90 * 86400, description="silence tolerated when the model's period is unknown"
    )
    missed_periods: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="silent after this many report periods of the device's model, where the "
        "model states its period (expected_period_s); max_silence_s otherwise",
    )


class EventParams(BaseModel):
    """An event of ``event_kind`` whose payload holds every ``match`` pair; another clears it."""

    kind: Literal[RuleKind.event] = RuleKind.event
    event_kind: str = Field(min_length=1, max_length=64, examples=["ocpp.status"])
    match: dict[str, str] = Field(default_factory=dict, examples=[{"status": "Faulted"}])


class SiteThresholdsIn(BaseModel):
    """Heights (metres, one datum) opening jaune, orange and rouge at a water-level site."""

    jaune: float
    orange: float
    rouge: float
    hysteresis_m: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _rising(self) -> SiteThresholdsIn:
        if not self.jaune < self.orange < self.rouge:
            raise ValueError("thresholds must rise strictly: jaune < orange < rouge")
        return self


class IndicatorParams(BaseModel):
    """An indicator class at least ``min_level`` (e.g. water orange, air "mauvais")."""

    kind: Literal[RuleKind.indicator] = RuleKind.indicator
    indicator: IndicatorName
    min_level: str = Field(examples=["orange", "mauvais"])
    thresholds: SiteThresholdsIn | None = Field(
        default=None, description="water_vigilance only: the site's thresholds"
    )

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorParams:
        self.min_level = check_min_level(self.indicator, self.min_level)
        if self.indicator is IndicatorName.water_vigilance and self.thresholds is None:
            raise ValueError("a water_vigilance rule needs the site's thresholds")
        return self


RuleParams = Annotated[
    ThresholdParams | RateParams | SilenceParams | EventParams | IndicatorParams,
    Field(discriminator="kind"),
]
TARGET_FIELDS = {
    TargetKind.asset: "asset_id",
    TargetKind.device_model: "device_model_id",
    TargetKind.commune: "commune_insee",
    TargetKind.domain: "domain",
}


class RuleTarget(BaseModel):
    """What the rule watches: one field, named by ``target_kind``, is set."""

    target_kind: TargetKind
    asset_id: int | None = None
    device_model_id: int | None = None
    commune_insee: str | None = Field(default=None, pattern=r"^\d[\dAB]\d{3}$")
    domain: Domain | None = None

    @model_validator(mode="after")
    def _one_target(self) -> RuleTarget:
        wanted = TARGET_FIELDS[self.target_kind]
        given = {name for name in TARGET_FIELDS.values() if getattr(self, name) is not None}
        if given != {wanted}:
            raise ValueError(f"target_kind {self.target_kind} needs `{wanted}` and no other target")
        return self


class RuleCreate(RuleTarget):
    name: str = Field(min_length=1, max_length=200)
    member_id: int | None = Field(default=None, description="defaults to the caller's member")
    severity: Severity = Severity.warning
    params: RuleParams
    cooldown_s: int = Field(
        default=900, ge=0, le=7 * 86400, description="no new alert this long after a resolution"
    )
    enabled: bool = True


class RuleUpdate(BaseModel):
    """A partial update; the target of a rule does not change (create another rule)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    severity: Severity | None = None
    params: RuleParams | None = None
    cooldown_s: int | None = Field(default=None, ge=0, le=7 * 86400)
    enabled: bool | None = None


class RuleOut(RuleTarget):
    id: int
    member_id: int
    name: str
    kind: RuleKind
    severity: Severity
    params: RuleParams
    cooldown_s: int
    enabled: bool
    created_by: str
    created_at: datetime
    updated_at: datetime


class AlertEventOut(BaseModel):
    ts: datetime
    action: AlertAction
    actor: str
    value: float | None
    note: str


class AlertOut(BaseModel):
    id: int
    rule_id: int
    rule_name: str
    kind: RuleKind
    member_id: int
    asset_id: int
    asset_name: str
    commune_insee: str | None
    status: AlertStatus
    severity: Severity
    opened_at: datetime
    trigger_ts: datetime
    value: float | None
    message: str
    details: dict[str, Any]
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    history: list[AlertEventOut] = Field(default_factory=list)


class AlertNote(BaseModel):
    note: str = Field(default="", max_length=2000)


class SubscriptionCreate(BaseModel):
    channel: Channel
    cadence: Cadence = Cadence.immediate
    member_id: int | None = Field(default=None, description="defaults to the caller's member")
    rule_id: int | None = None
    domain: Domain | None = None
    commune_insee: str | None = Field(default=None, pattern=r"^\d[\dAB]\d{3}$")
    min_severity: Severity = Severity.info
    webhook_url: str | None = Field(default=None, max_length=1000, pattern=r"^https?://")

    @model_validator(mode="after")
    def _channel_needs(self) -> SubscriptionCreate:
        if (self.channel is Channel.webhook) != (self.webhook_url is not None):
            raise ValueError("a webhook subscription needs `webhook_url`, an e-mail one none")
        if self.channel is Channel.webhook and self.cadence is Cadence.daily_digest:
            raise ValueError("the daily digest goes by e-mail")
        return self


class SubscriptionOut(BaseModel):
    id: int
    member_id: int
    user_id: int | None
    channel: Channel
    cadence: Cadence
    rule_id: int | None
    domain: Domain | None
    commune_insee: str | None
    min_severity: Severity
    webhook_url: str | None
    created_by: str
    created_at: datetime


class SubscriptionCreated(SubscriptionOut):
    webhook_secret: str | None = Field(
        default=None, description="HMAC-SHA256 key of the webhook, shown once"
    )


class AttemptOut(BaseModel):
    attempted_at: datetime
    ok: bool
    detail: str


class DeliveryOut(BaseModel):
    id: int
    member_id: int
    alert_id: int | None
    subscription_id: int | None
    channel: Channel
    event: DeliveryEvent
    recipient: str
    subject: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
    attempt_log: list[AttemptOut] = Field(default_factory=list)

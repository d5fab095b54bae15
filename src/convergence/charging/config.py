"""What the central system is tuned by: heartbeat, offline detection, timeouts, id tags.

Each field but the blocked tags is a ``CONVERGENCE_OCPP_*`` setting, checked here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from convergence.charging.ocpp.handshake_auth import HandshakeThrottle
from convergence.ingest.deadletters import DeadLetterLimits
from convergence.members.throttle import ThrottlePolicy
from convergence.settings import Settings


class CentralConfig(BaseModel):
    """Tuning of the OCPP central system."""

    model_config = ConfigDict(frozen=True)

    heartbeat_interval_s: int = Field(default=300, ge=1, description="sent in BootNotification")
    offline_after_intervals: float = Field(
        default=2.0, gt=0, description="offline after this many heartbeat intervals of silence"
    )
    presence_period_s: float = Field(
        default=5.0, gt=0, description="how often liveness is written and silences are checked"
    )
    response_timeout_s: float = Field(default=30.0, gt=0, description="wait for a command answer")
    failed_sessions_alert: int = Field(
        default=3, ge=1, description="failed sessions in a row that make a repeated failure"
    )
    id_tag_pepper: str = Field(default="", description="secret prefix of id tag digests")
    blocked_id_tag_hashes: frozenset[str] = Field(
        default=frozenset(), description="SHA-256 digests of id tags refused at Authorize"
    )
    db_workers: int = Field(default=4, ge=1, le=64, description="threads of reads and commands")
    auth_identity_free_failures: int = Field(default=5, ge=1, description="per identity")
    auth_address_free_failures: int = Field(default=20, ge=1, description="per address")
    auth_throttle_base_s: float = Field(default=1.0, gt=0, description="first wait, doubling")
    auth_throttle_max_s: float = Field(default=300.0, gt=0, description="longest wait")
    auth_throttle_window_s: float = Field(default=3600.0, gt=0, description="forgotten after")
    dead_letter_limits: DeadLetterLimits = Field(default_factory=DeadLetterLimits)

    @property
    def handshake_throttle(self) -> HandshakeThrottle:
        """The policies failed handshakes are slowed down by."""

        def policy(free_failures: int) -> ThrottlePolicy:
            return ThrottlePolicy(
                free_failures,
                base_s=self.auth_throttle_base_s,
                max_s=self.auth_throttle_max_s,
                window_s=self.auth_throttle_window_s,
            )

        return HandshakeThrottle(
            identity=policy(self.auth_identity_free_failures),
            address=policy(self.auth_address_free_failures),
        )


def config_from_settings(settings: Settings) -> CentralConfig:
    """The central system's configuration from the ``CONVERGENCE_OCPP_*`` settings.

    A value out of range is refused with the name of the variable to change.
    """
    values = {
        "heartbeat_interval_s": settings.ocpp_heartbeat_interval_s,
        "offline_after_intervals": settings.ocpp_offline_after_intervals,
        "presence_period_s": settings.ocpp_presence_period_s,
        "response_timeout_s": settings.ocpp_response_timeout_s,
        "failed_sessions_alert": settings.ocpp_failed_sessions_alert,
        "id_tag_pepper": settings.ocpp_id_tag_pepper.get_secret_value(),
        "db_workers": settings.ocpp_db_workers,
        "auth_identity_free_failures": settings.ocpp_auth_identity_free_failures,
        "auth_address_free_failures": settings.ocpp_auth_address_free_failures,
        "auth_throttle_base_s": settings.ocpp_auth_throttle_base_s,
        "auth_throttle_max_s": settings.ocpp_auth_throttle_max_s,
        "auth_throttle_window_s": settings.auth_throttle_window_s,
        "dead_letter_limits": DeadLetterLimits.from_settings(settings),
    }
    try:
        return CentralConfig.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"CONVERGENCE_OCPP_{str(e['loc'][0]).upper()}: {e['msg']}" for e in error.errors()
        )
        raise ValueError(f"invalid OCPP setting: {problems}") from None

"""What the central system is tuned by: heartbeat, offline detection, timeouts, id tags.

Each field will be a ``CONVERGENCE_OCPP_*`` setting; until ``Settings`` carries them,
``config_from_settings`` reads them when present and falls back on these defaults.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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
    db_workers: int = Field(default=4, ge=1, le=64, description="threads writing to the database")


_SETTING_NAMES = {
    "heartbeat_interval_s": "ocpp_heartbeat_interval_s",
    "offline_after_intervals": "ocpp_offline_after_intervals",
    "presence_period_s": "ocpp_presence_period_s",
    "response_timeout_s": "ocpp_response_timeout_s",
    "failed_sessions_alert": "ocpp_failed_sessions_alert",
    "id_tag_pepper": "ocpp_id_tag_pepper",
    "db_workers": "ocpp_db_workers",
}


def config_from_settings(settings: Settings) -> CentralConfig:
    """The central system's configuration from the settings that exist (defaults otherwise)."""
    values: dict[str, Any] = {}
    for field, setting in _SETTING_NAMES.items():
        value = getattr(settings, setting, None)
        if value is not None:
            values[field] = (
                value.get_secret_value() if hasattr(value, "get_secret_value") else value
            )
    return CentralConfig(**values)

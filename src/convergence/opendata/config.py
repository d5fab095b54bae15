"""What open data is tuned by: the public API's rate limit, proxies, download windows.

Each field is a ``CONVERGENCE_OPENDATA_*`` setting, checked here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from convergence.settings import Settings


class OpenDataConfig(BaseModel):
    """Rate limit of the public API, trusted proxies and the periods a download covers."""

    model_config = ConfigDict(frozen=True)

    public_rate_per_minute: int = Field(
        default=120, ge=1, description="requests a minute per client address on the public API"
    )
    trusted_proxies: tuple[str, ...] = Field(
        default=(),
        description="addresses or networks of reverse proxies whose X-Forwarded-For is believed",
    )
    daily_default_days: int = Field(default=366, ge=1, description="daily files: default period")
    daily_max_days: int = Field(default=3660, ge=1, description="daily files: longest period")
    hourly_default_days: int = Field(default=31, ge=1, description="hourly files: default period")
    hourly_max_days: int = Field(default=93, ge=1, description="hourly files: longest period")


_SETTING_NAMES = {
    "public_rate_per_minute": "opendata_public_rate_per_minute",
    "trusted_proxies": "opendata_trusted_proxies",
    "daily_default_days": "opendata_daily_default_days",
    "daily_max_days": "opendata_daily_max_days",
    "hourly_default_days": "opendata_hourly_default_days",
    "hourly_max_days": "opendata_hourly_max_days",
}


def config_from_settings(settings: Settings) -> OpenDataConfig:
    """The open-data configuration from the settings that exist (defaults otherwise)."""
    values: dict[str, Any] = {}
    for field, setting in _SETTING_NAMES.items():
        value = getattr(settings, setting, None)
        if value is not None:
            values[field] = value
    return OpenDataConfig(**values)

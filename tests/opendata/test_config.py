"""The open-data configuration reads its settings when they exist, defaults otherwise."""

from __future__ import annotations

import secrets

import pytest

from convergence.opendata.config import OpenDataConfig, config_from_settings
from convergence.settings import Environment, Settings

SECRET = secrets.token_urlsafe(48)


class SettingsWithOpenData(Settings):
    """The settings as they will be once they carry the open-data fields."""

    opendata_public_rate_per_minute: int | None = None
    opendata_trusted_proxies: tuple[str, ...] | None = None


def test_settings_that_exist_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVERGENCE_OPENDATA_PUBLIC_RATE_PER_MINUTE", "30")
    monkeypatch.setenv("CONVERGENCE_OPENDATA_TRUSTED_PROXIES", '["10.0.0.0/8"]')
    config = config_from_settings(
        SettingsWithOpenData(environment=Environment.test, secret_key=SECRET)
    )
    assert config.public_rate_per_minute == 30
    assert config.trusted_proxies == ("10.0.0.0/8",)
    assert config.hourly_max_days == OpenDataConfig().hourly_max_days


def test_defaults_without_the_settings() -> None:
    settings = Settings(environment=Environment.test, secret_key=SECRET)
    assert config_from_settings(settings) == OpenDataConfig()

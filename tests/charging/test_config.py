"""The central system is tuned by ``CONVERGENCE_OCPP_*`` settings."""

from __future__ import annotations

import pytest

from convergence.charging.config import CentralConfig, config_from_settings
from convergence.settings import Settings


def test_defaults_of_the_settings_are_the_central_systems_defaults() -> None:
    assert config_from_settings(Settings()) == CentralConfig()


def test_environment_variables_tune_the_central_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVERGENCE_OCPP_HEARTBEAT_INTERVAL_S", "60")
    monkeypatch.setenv("CONVERGENCE_OCPP_ID_TAG_PEPPER", "a-secret-prefix")
    monkeypatch.setenv("CONVERGENCE_TUNE_COLLECTOR", "false")

    settings = Settings()
    config = config_from_settings(settings)

    assert config.heartbeat_interval_s == 60
    assert config.id_tag_pepper == "a-secret-prefix"
    assert settings.tune_collector is False


def test_a_value_out_of_range_names_the_variable_to_change() -> None:
    with pytest.raises(ValueError, match="CONVERGENCE_OCPP_DB_WORKERS") as refused:
        config_from_settings(Settings(ocpp_db_workers=0))

    assert "greater than or equal to 1" in str(refused.value)

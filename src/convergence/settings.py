"""Settings of the platform, read from the environment (prefix ``CONVERGENCE_``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values that must never protect a real deployment.
PLACEHOLDER_SECRETS = frozenset({"", "changethis", "change-me", "secret", "dev-secret-key"})
DEV_SECRET_KEY = "dev-secret-key"


def derive_video_credentials_key(secret: str) -> bytes:
    """A Fernet key for the video credentials only, derived from a secret (fixed label)."""
    digest = hmac.new(secret.encode(), b"convergence video credentials v1", hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest())


def derive_audit_key(secret: str) -> bytes:
    """A key for the audit chain only, derived from a secret (HMAC-SHA256, fixed label)."""
    return hmac.new(secret.encode(), b"convergence audit chain v1", hashlib.sha256).digest()


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class Settings(BaseSettings):
    """Every setting of Convergence; each one is documented in docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="CONVERGENCE_", env_file=".env", extra="ignore")

    environment: Environment = Environment.development
    data_dir: Path = Path("convergence-data")
    database_url: str | None = None
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    audit_key: SecretStr | None = None
    video_credentials_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # Processes of `convergence serve` (None: one per core); see docs/configuration.md.
    workers: int | None = Field(default=None, ge=1)
    leader_lease_s: float = Field(default=15.0, gt=0)
    # Set by `serve` for its workers: the file where they share the ingest rate budgets.
    rate_budgets_file: Path | None = None
    session_max_age_s: int = 12 * 3600
    page_size_max: int = 500

    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = 1883
    # The ingest workers' login on the platform's broker (see `convergence broker config`).
    mqtt_username: str | None = None
    mqtt_password: SecretStr | None = None
    mqtt_tls_ca_file: Path | None = None
    broker_admin_username: str = "convergence-admin"
    broker_admin_password: SecretStr | None = None

    ingest_max_body_bytes: int = 5_000_000
    ingest_max_batch: int = 5_000
    # A fraction is a slower rate (0.1: one request every ten minutes, one at a time).
    ingest_rate_per_minute: float = Field(default=600, gt=0)
    # Bounds of the dead-letter store (ingest/deadletters.py).
    dead_letter_raw_max_bytes: int = Field(default=64 * 1024, ge=1024)
    dead_letter_pending_quota: int = Field(default=10_000, ge=1)
    # Failed logins (members/login.py): free failures, then a doubling wait up to the max.
    login_account_free_failures: int = Field(default=5, ge=1)
    login_address_free_failures: int = Field(default=20, ge=1)
    login_throttle_base_s: float = Field(default=2.0, gt=0)
    login_throttle_max_s: float = Field(default=900.0, gt=0)
    # Failed OCPP handshakes (charging/handshake_auth.py), the same way.
    ocpp_auth_identity_free_failures: int = Field(default=5, ge=1)
    ocpp_auth_address_free_failures: int = Field(default=20, ge=1)
    ocpp_auth_throttle_base_s: float = Field(default=1.0, gt=0)
    ocpp_auth_throttle_max_s: float = Field(default=300.0, gt=0)
    # A key (account, address, identity) left alone this long starts again from zero.
    auth_throttle_window_s: float = Field(default=3600.0, gt=0)

    retention_days_default: int = 400
    js_codec_dir: Path | None = None
    js_codec_timeout_ms: int = 100
    js_codec_memory_bytes: int = 16 * 1024 * 1024
    # A codec failing this many times in a row (time-out, memory, crash) is suspended.
    codec_suspend_after: int = Field(default=20, ge=1)
    codec_suspend_window_s: float = Field(default=600.0, gt=0)
    codec_suspend_for_s: float = Field(default=600.0, gt=0)
    # An import of equipment larger than this is refused, to be split.
    import_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    import_max_rows: int = Field(default=20_000, ge=1)
    import_batch_rows: int = Field(default=200, ge=1)
    tile_url: str | None = Field(default=None)
    public_url: str | None = None
    tune_collector: bool = True
    # Computed page figures kept per worker (``TimedCache``): the warmer fills up to three
    # quarters of them; about eight a commune with equipment keeps every commune warm.
    page_cache_entries: int = Field(default=256, ge=16)

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_from: str = "convergence@localhost"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_s: float = 10
    webhook_timeout_s: float = 5
    webhook_allowed_hosts: list[str] = Field(default_factory=list)
    alert_retry_max_attempts: int = 6
    alert_retry_base_s: float = 30
    alert_retry_max_s: float = 3600
    alert_evaluation_period_s: int = 60

    # Partnership rules (coordination/rules.py); the lists default to the rules' own.
    coordination_joint_purchase_window_days: int = 183
    coordination_shared_network_radius_m: float = 2000.0
    coordination_shared_network_min_overlap_km2: float = 0.0
    coordination_coverage_gap_min_neighbour_share: float = 0.5
    coordination_coverage_gap_min_equipped_neighbours: int = 2
    coordination_duplicate_price_spread: float = 0.2

    opendata_public_rate_per_minute: int = 120
    opendata_trusted_proxies: list[str] = Field(default_factory=list)
    opendata_daily_default_days: int = 366
    opendata_daily_max_days: int = 3660
    opendata_hourly_default_days: int = 31
    opendata_hourly_max_days: int = 93

    # The OCPP central system (charging/config.py).
    ocpp_heartbeat_interval_s: int = 300
    ocpp_offline_after_intervals: float = 2.0
    ocpp_presence_period_s: float = 5.0
    ocpp_response_timeout_s: float = 30.0
    ocpp_failed_sessions_alert: int = 3
    ocpp_id_tag_pepper: SecretStr = SecretStr("")
    ocpp_db_workers: int = 4
    # Maintenance (maintenance/): a fault back within this window reopens its ticket.
    maintenance_reopen_window_s: int = Field(default=86400, ge=0)
    maintenance_sync_period_s: int = Field(default=30, ge=1)
    maintenance_flagged_period_s: int = Field(default=900, ge=0)
    maintenance_public_reports_per_minute: int = Field(default=2, ge=1)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.environment is not Environment.development and (
            self.secret_key.get_secret_value() in PLACEHOLDER_SECRETS
            or len(self.secret_key.get_secret_value()) < 32
        ):
            msg = (
                "CONVERGENCE_SECRET_KEY is a placeholder or shorter than 32 characters; "
                "set a random value, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            )
            raise ValueError(msg)
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'convergence.sqlite3').resolve()}"

    @property
    def resolved_audit_key(self) -> bytes:
        """The key of the audit chain's HMAC: CONVERGENCE_AUDIT_KEY, else from the secret key."""
        secret = (self.audit_key or self.secret_key).get_secret_value()
        return derive_audit_key(secret)

    @property
    def resolved_video_credentials_key(self) -> bytes:
        """The Fernet key sealing recorder and camera credentials: CONVERGENCE_VIDEO_
        CREDENTIALS_KEY (a Fernet key), else one derived from the secret key."""
        if self.video_credentials_key is not None:
            return self.video_credentials_key.get_secret_value().encode()
        return derive_video_credentials_key(self.secret_key.get_secret_value())

    @property
    def is_embedded_database(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process settings, read once from the environment."""
    return Settings()

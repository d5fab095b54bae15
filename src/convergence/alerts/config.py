"""What alert notifications and evaluation need to run: SMTP, webhooks, retries, period.

These values are meant to live in ``convergence.settings.Settings`` under the names of the
fields below (``CONVERGENCE_SMTP_HOST``, …); ``config_from_settings`` reads any that the
settings already define and keeps the defaults for the others.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field, SecretStr

from convergence.settings import Settings


class AlertsConfig(BaseModel):
    """SMTP server, webhook timeout, retry policy and the schedule's evaluation period."""

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_from: str = "Convergence <alertes@convergence.invalid>"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_s: float = Field(default=10.0, gt=0)
    webhook_timeout_s: float = Field(default=5.0, gt=0)
    # Hosts a webhook may reach although internal (alerts/destinations.py), e.g. an intranet SIG.
    webhook_allowed_hosts: list[str] = Field(default_factory=list)
    # Attempt n waits base·2^(n-1), at most max; after max_attempts a delivery is "failed".
    alert_retry_max_attempts: int = Field(default=6, ge=1)
    alert_retry_base_s: float = Field(default=30.0, gt=0)
    alert_retry_max_s: float = Field(default=3600.0, gt=0)
    alert_evaluation_period_s: int = Field(default=60, ge=1)
    public_url: str = "http://127.0.0.1:8000"

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt (1, 2, …)."""
        delay = self.alert_retry_base_s * 2 ** max(attempts - 1, 0)
        return timedelta(seconds=min(delay, self.alert_retry_max_s))

    @property
    def evaluation_period(self) -> timedelta:
        return timedelta(seconds=self.alert_evaluation_period_s)


def config_from_settings(settings: Settings) -> AlertsConfig:
    """The alerts configuration from whatever of its fields the settings define."""
    values = {
        name: getattr(settings, name)
        for name in AlertsConfig.model_fields
        if getattr(settings, name, None) is not None
    }
    if "public_url" not in values:
        values["public_url"] = f"http://{settings.host}:{settings.port}"
    return AlertsConfig.model_validate(values)

"""Posting a signed webhook; any answer other than 2xx is a failure to retry."""

from __future__ import annotations

from datetime import datetime

import httpx

from convergence.alerts.config import AlertsConfig
from convergence.alerts.signing import signed_headers


class WebhookRefused(Exception):
    """The receiver answered with a non-2xx status."""


def post_webhook(
    config: AlertsConfig, *, url: str, secret: str, body: str, delivery_id: int, now: datetime
) -> str:
    """POST the body, signed at ``now``; returns "HTTP 200". Raises on error or non-2xx."""
    raw = body.encode()
    headers = signed_headers(secret, raw, now=now, delivery_id=delivery_id)
    headers["User-Agent"] = "Convergence-Webhooks/1"
    response = httpx.post(
        url, content=raw, headers=headers, timeout=config.webhook_timeout_s, follow_redirects=False
    )
    status = f"HTTP {response.status_code}"
    if not response.is_success:
        raise WebhookRefused(f"{status} {response.text[:200]}".strip())
    return status

"""Posting a signed webhook; any answer other than 2xx is a failure to retry."""

from __future__ import annotations

from datetime import datetime

import httpx

from convergence.alerts.config import AlertsConfig
from convergence.alerts.destinations import resolve_destination
from convergence.alerts.signing import signed_headers


class WebhookRefused(Exception):
    """The receiver answered with a non-2xx status."""


def post_webhook(
    config: AlertsConfig, *, url: str, secret: str, body: str, delivery_id: int, now: datetime
) -> str:
    """POST the body, signed at ``now``; returns "HTTP 200". Raises on error or non-2xx.

    The address is checked again here (``resolve_destination``), redirects are not followed
    (a 3xx could send the request inside) and the receiver's answer is never kept: only its
    status, so a delivery's ``last_error`` cannot be used to read an internal service.
    """
    destination = resolve_destination(url, allowed_hosts=config.webhook_allowed_hosts)
    raw = body.encode()
    headers = signed_headers(secret, raw, now=now, delivery_id=delivery_id)
    headers["User-Agent"] = "Convergence-Webhooks/1"
    with httpx.Client(timeout=config.webhook_timeout_s, follow_redirects=False) as client:
        response = client.post(
            destination.url,
            content=raw,
            headers=headers | destination.headers,
            extensions=destination.extensions,
        )
    status = f"HTTP {response.status_code}"
    if response.is_redirect:
        raise WebhookRefused(f"{status} (redirection non suivie / redirect not followed)")
    if not response.is_success:
        raise WebhookRefused(status)
    return status

"""HMAC-SHA256 signatures of webhook bodies, with a timestamp against replays.

A webhook request carries:

- ``X-Convergence-Timestamp``: Unix time (seconds) at which the request was signed;
- ``X-Convergence-Signature``: ``sha256=`` followed by the hex HMAC-SHA256, keyed with the
  subscription's secret, of ``<timestamp>.`` followed by the raw request body (bytes);
- ``X-Convergence-Delivery``: the delivery id, the same on every retry (deduplicate on it).

To verify: recompute the HMAC over the timestamp header, a dot and the raw body exactly as
received (before any JSON parsing), compare in constant time, and refuse a timestamp more
than five minutes away from your clock. ``verify_signature`` below does exactly that.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime

SIGNATURE_HEADER = "X-Convergence-Signature"
TIMESTAMP_HEADER = "X-Convergence-Timestamp"
DELIVERY_HEADER = "X-Convergence-Delivery"
TOLERANCE_S = 300
_PREFIX = "sha256="


def new_secret() -> str:
    """A random webhook secret (shown once to the subscriber)."""
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, "<timestamp>." + body)."""
    message = str(timestamp).encode() + b"." + body
    return _PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, *, now: datetime, delivery_id: int) -> dict[str, str]:
    """The headers of one signed webhook request."""
    timestamp = int(now.timestamp())
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        DELIVERY_HEADER: str(delivery_id),
    }


def verify_signature(
    secret: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    now: datetime,
    tolerance_s: int = TOLERANCE_S,
) -> bool:
    """True when the headers sign ``body`` with ``secret`` and the timestamp is recent."""
    stamp, given = headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER)
    if stamp is None or given is None or not stamp.isdigit():
        return False
    if abs(now.timestamp() - int(stamp)) > tolerance_s:
        return False
    return hmac.compare_digest(signature(secret, int(stamp), body), given)

"""Named errors of the domain. The edges (HTTP, CLI, dead letters) turn them into messages.

Each error carries a stable ``code`` (API clients switch on it) and a human message that says
what is wrong and how to fix it.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ConvergenceError(Exception):
    """Base of every error the platform raises on purpose."""

    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(ConvergenceError):
    code = "invalid_input"
    http_status = 422


class NotFound(ConvergenceError):
    """Also raised for rows that exist but lie outside the caller's scope (no existence leak)."""

    code = "not_found"
    http_status = 404


class Conflict(ConvergenceError):
    code = "conflict"
    http_status = 409


class NotAuthenticated(ConvergenceError):
    code = "not_authenticated"
    http_status = 401


class PermissionDenied(ConvergenceError):
    code = "permission_denied"
    http_status = 403


class ScopeMissing(ConvergenceError):
    """A query of member-owned data ran without a member scope: a programming error."""

    code = "scope_missing"
    http_status = 500


class OutsideTerritory(InvalidInput):
    code = "outside_territory"


class PayloadTooLarge(ConvergenceError):
    code = "payload_too_large"
    http_status = 413


class RateLimited(ConvergenceError):
    code = "rate_limited"
    http_status = 429


class IntegrityBroken(ConvergenceError):
    """Stored data does not match its checksum or its hash chain."""

    code = "integrity_broken"
    http_status = 500

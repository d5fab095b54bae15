"""The live OCPP server of the charging tests, for the end-to-end maintenance test."""

from __future__ import annotations

from tests.charging.conftest import live

__all__ = ["live"]

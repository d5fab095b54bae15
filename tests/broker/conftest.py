"""The ingestion tests' registered sensors, for the broker tests."""

from tests.ingest.conftest import sensors

__all__ = ["sensors"]

"""Fixtures of the video tests: a real ZoneMinder recording simulated RTSP cameras."""

from __future__ import annotations

from tests.video.zoneminder import zoneminder

__all__ = ["zoneminder"]

"""The connector of a system, from its ``recorder`` reference (``kind:location``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from convergence.errors import InvalidInput
from convergence.video.connectors.base import RecorderConnector
from convergence.video.connectors.segments import SegmentDirectoryRecorder
from convergence.video.connectors.zoneminder import ZoneMinderRecorder
from convergence.video.credentials import Credentials

KINDS = ("zoneminder", "segments")


def check_recorder(reference: str | None) -> str | None:
    """The reference if it names a known kind of recorder; InvalidInput otherwise."""
    if reference is None:
        return None
    kind, _, location = reference.partition(":")
    if kind not in KINDS or not location:
        raise InvalidInput(
            f"enregistreur inconnu {reference!r} / unknown recorder: write "
            "'zoneminder:http://host:port/zm' or 'segments:/path/to/recordings'"
        )
    if kind == "zoneminder" and urlsplit(location).scheme not in ("http", "https"):
        raise InvalidInput("zoneminder needs an http(s) URL, e.g. zoneminder:http://nvr:8080/zm")
    return reference


def connector_for(reference: str, credentials: Credentials | None = None) -> RecorderConnector:
    """A connector to the recorder with its credentials (opened from the database), else
    those of a ZoneMinder URL written before they were sealed (user:pass@)."""
    kind, _, location = (check_recorder(reference) or "").partition(":")
    if kind == "segments":
        return SegmentDirectoryRecorder(Path(location))
    parts = urlsplit(location)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    base = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    if credentials is not None:
        return ZoneMinderRecorder(base, user=credentials.user, password=credentials.password)
    return ZoneMinderRecorder(base, user=parts.username, password=parts.password)

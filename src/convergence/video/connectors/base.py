"""The interface every recorder connector implements, and what it answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from convergence.errors import ConvergenceError


class RecorderError(ConvergenceError):
    """The recorder refused or could not be reached; the message says what it answered."""

    code = "recorder_error"
    http_status = 502


@dataclass(frozen=True, slots=True)
class Recording:
    """One stored piece of footage of one camera (a ZoneMinder event, a segment file)."""

    ref: str
    camera_ref: str
    start: datetime
    end: datetime
    size_bytes: int

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class Clip:
    file_name: str
    content: bytes


class RecorderConnector(Protocol):
    """What the platform asks of a recorder (a VMS or NVR): it never records itself."""

    name: str

    def list_recordings(self, camera_ref: str, start: datetime, end: datetime) -> list[Recording]:
        """Recordings of the camera overlapping [start, end), oldest first."""
        ...

    def export_clip(self, recording: Recording) -> Clip:
        """The recording's video file, as the recorder stores it."""
        ...

    def purge(self, recording: Recording) -> str:
        """Destroy the recording; what the recorder answered (kept as proof)."""
        ...

    def close(self) -> None:
        """Release connections to the recorder."""
        ...

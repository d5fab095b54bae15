"""A recorder that writes one file per segment in a directory per camera (ffmpeg's segment
muxer, many NVRs): ``<root>/<camera_ref>/<start, %Y%m%dT%H%M%SZ>.<ext>``; the file's
modification time is the end of its segment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from convergence.video.connectors.base import Clip, RecorderError, Recording

NAME_FORMAT = "%Y%m%dT%H%M%SZ"


class SegmentDirectoryRecorder:
    name = "segments"

    def __init__(self, root: Path) -> None:
        self.root = root

    def close(self) -> None:
        """Nothing to release: files are opened and closed per call."""

    def _camera_dir(self, camera_ref: str) -> Path:
        if not camera_ref or "/" in camera_ref or camera_ref.startswith("."):
            raise RecorderError(f"invalid camera reference {camera_ref!r} for a segment directory")
        return self.root / camera_ref

    def list_recordings(self, camera_ref: str, start: datetime, end: datetime) -> list[Recording]:
        directory = self._camera_dir(camera_ref)
        if not directory.is_dir():
            return []
        found = [self._recording(camera_ref, path) for path in sorted(directory.iterdir())]
        return [r for r in found if r is not None and r.overlaps(start, end)]

    def _recording(self, camera_ref: str, path: Path) -> Recording | None:
        try:
            begins = datetime.strptime(path.stem, NAME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            return None  # not a segment (a partial file, a player's index)
        stat = path.stat()
        ends = max(datetime.fromtimestamp(stat.st_mtime, UTC), begins)
        return Recording(f"{camera_ref}/{path.name}", camera_ref, begins, ends, stat.st_size)

    def _path(self, recording: Recording) -> Path:
        camera_ref, _, file_name = recording.ref.partition("/")
        return self._camera_dir(camera_ref) / Path(file_name).name

    def export_clip(self, recording: Recording) -> Clip:
        path = self._path(recording)
        try:
            return Clip(path.name, path.read_bytes())
        except OSError as error:
            raise RecorderError(f"cannot read {recording.ref}: {error}") from None

    def purge(self, recording: Recording) -> str:
        path = self._path(recording)
        try:
            path.unlink()
        except FileNotFoundError:
            return f"{recording.ref}: already absent"
        except OSError as error:
            raise RecorderError(f"cannot delete {recording.ref}: {error}") from None
        return f"{recording.ref}: deleted"

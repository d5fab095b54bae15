"""Footage on a segment-directory recorder: real files, dated by name and modification time."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from convergence.video.connectors.segments import NAME_FORMAT


def write_segment(root: Path, camera_ref: str, start: datetime, minutes: int = 10) -> Path:
    """A segment file of ``minutes`` from ``start`` (bytes unique to the segment)."""
    folder = root / camera_ref
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{start.strftime(NAME_FORMAT)}.mp4"
    path.write_bytes(f"segment {camera_ref} {start.isoformat()}".encode() * 100)
    end = (start + timedelta(minutes=minutes)).timestamp()
    os.utime(path, (end, end))
    return path

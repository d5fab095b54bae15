"""Install a service line for a test the way a package is installed: an entry point.

A ``.dist-info`` directory declaring the entry point is written in a temporary directory put
on ``sys.path``; ``importlib.metadata`` then finds it as it finds any installed
distribution, and the platform discovers the line through ``service_lines()``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from convergence.servicelines import ENTRY_POINT_GROUP, forget_service_lines

DISTRIBUTION = "convergence_test_line"


@contextmanager
def installed_line(name: str, target: str, directory: Path) -> Iterator[None]:
    """The line ``name`` (``module:attribute``) installed while the block runs."""
    dist_info = directory / f"{DISTRIBUTION}-0.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {DISTRIBUTION}\nVersion: 0.0\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n{name} = {target}\n", encoding="utf-8"
    )
    sys.path.insert(0, str(directory))
    importlib.invalidate_caches()
    forget_service_lines()
    try:
        yield
    finally:
        sys.path.remove(str(directory))
        importlib.invalidate_caches()
        forget_service_lines()

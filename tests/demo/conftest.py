"""One demo built for the whole package: two days of hourly history in a temporary directory.

Building it costs the argon2 hashes of its users and ~50,000 readings through the bulk path;
every test of the package reads it (and the idempotence test builds it once more).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from convergence.demo.build import Demo, DemoOptions, build_demo
from tests.demo.building import DAYS, FAST_TIERS, base_settings


@pytest.fixture(scope="package")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo") / "convergence-demo"


@pytest.fixture(scope="package")
def built(demo_dir: Path) -> Iterator[Demo]:
    """The demo territory, built once."""
    options = DemoOptions(directory=demo_dir, days=DAYS, tiers=FAST_TIERS)
    demo = build_demo(options, base=base_settings(demo_dir.parent))
    yield demo
    demo.close()

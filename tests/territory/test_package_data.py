"""The shipped reference data is exactly what tools/build_territory.py makes of the sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE = REPO_ROOT.parent / "shared" / "data" / "communes"
SHIPPED = REPO_ROOT / "src" / "convergence" / "territory" / "data"


@pytest.mark.skipif(not SOURCE.is_dir(), reason=f"the source data is not at {SOURCE}")
def test_rebuilding_from_the_sources_gives_the_shipped_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "tools/build_territory.py", str(SOURCE), "--output", str(tmp_path)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    for name in ("territory.json", "README.md"):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name


def test_the_data_readme_credits_both_sources() -> None:
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert "IGN – ADMIN EXPRESS COG 2018, via gregoiredavid/france-geojson" in readme
    assert "@etalab/decoupage-administratif 6.0.0" in readme
    assert "Licence Ouverte" in " ".join(readme.split())

"""``convergence opendata list``, ``publish``, ``unpublish`` and ``export`` on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from convergence.cli.main import app
from convergence.opendata.tables import datasets
from convergence.settings import get_settings
from tests.opendata.formats import csv_rows, frictionless_errors
from tests.opendata.planting import make_asset, plant_measurements, store_series
from tests.support import Territory

runner = CliRunner()


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("CONVERGENCE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONVERGENCE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _published(engine: Engine) -> list[tuple[str, bool]]:
    with engine.connect() as conn:
        rows = conn.execute(select(datasets.c.kind, datasets.c.published).order_by(datasets.c.id))
        return [(row.kind, row.published) for row in rows]


def test_publish_list_export_and_unpublish(
    cli_env: None, engine: Engine, territory: Territory, tmp_path: Path
) -> None:
    plant_measurements(engine, territory.versailles, "Versailles")
    published = runner.invoke(
        app, ["opendata", "publish", "--member", "78646", "--kind", "traffic_counts"]
    )
    assert published.exit_code == 0, published.output
    assert "Publié : Comptage des mobilités — Versailles" in published.output
    assert _published(engine) == [("traffic_counts", True)]
    listing = runner.invoke(app, ["opendata", "list", "--published"])
    assert "traffic_counts" in listing.output
    assert "oui" in listing.output
    with engine.connect() as conn:
        dataset_id = conn.execute(select(datasets.c.id)).scalar_one()
    out = tmp_path / "files"
    exported = runner.invoke(app, ["opendata", "export", str(dataset_id), "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        f"comptagemobilites_{r}_versailles.csv" for r in ("channel", "measure", "site")
    ]
    measure = (out / "comptagemobilites_measure_versailles.csv").read_bytes()
    assert frictionless_errors("comptage-mobilites-measure", measure) == []
    assert len(csv_rows(measure)) > 0
    withdrawn = runner.invoke(app, ["opendata", "unpublish", str(dataset_id)])
    assert withdrawn.exit_code == 0, withdrawn.output
    assert _published(engine) == [("traffic_counts", False)]


def test_a_dataset_that_does_not_validate_is_refused_with_its_reasons(
    cli_env: None, engine: Engine, territory: Territory, tmp_path: Path
) -> None:
    lost = make_asset(engine, territory.versailles, name="Compteur égaré", domain="traffic",
                      kind="counter", located=False)  # fmt: skip
    store_series(engine, territory.versailles, lost, "vehicle_count", [2])
    result = runner.invoke(
        app, ["opendata", "publish", "--member", "78646", "--kind", "traffic_counts"]
    )
    assert result.exit_code == 2
    assert "Compteur égaré" in result.output
    assert "position manquante" in result.output
    assert _published(engine) == [("traffic_counts", False)]
    unknown = runner.invoke(app, ["opendata", "export", "999", "-o", str(tmp_path)])
    assert unknown.exit_code == 2

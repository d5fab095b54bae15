"""Retention: expired raw rows go to a checked Parquet archive; charts keep them; restore."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from convergence.cli.main import app
from convergence.members.scope import command_line_scope
from convergence.members.tables import members
from convergence.settings import get_settings
from convergence.timeseries import partitions
from convergence.timeseries.archive import (
    ArchiveCorrupted,
    archive_paths,
    list_archives,
    read_archive,
    rows_checksum,
)
from convergence.timeseries.partitions import Month
from convergence.timeseries.query_schemas import Resolution, SeriesFilter, SeriesValues, TimeRange
from convergence.timeseries.retention import restore_month, run_retention
from convergence.timeseries.series_queries import selection_values
from convergence.timeseries.tables import readings, readings_hourly, series
from tests.support import Territory
from tests.timeseries.queries_support import make_asset, regular, store

START = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 20, tzinfo=UTC)
VERSAILLES_DAYS = 30
CUTOFF = NOW - timedelta(days=VERSAILLES_DAYS)  # 2026-02-18
HOUR = timedelta(hours=1)
runner = CliRunner()


@pytest.fixture
def planted(engine: Engine, territory: Territory) -> dict[str, int]:
    """Versailles keeps 30 days, Boulogne the default; 74 days of hourly readings each."""
    with engine.begin() as conn:
        partitions.ensure_partitions(conn, since=START, now=NOW)
        conn.execute(
            update(members)
            .where(members.c.id == territory.versailles.id)
            .values(retention_days=VERSAILLES_DAYS)
        )
    v, b = territory.versailles.id, territory.boulogne.id
    air = make_asset(engine, member_id=v, name="Air", domain="air", where="versailles")
    counter = make_asset(
        engine, member_id=b, name="Compteur", domain="traffic", kind="counter", where="boulogne"
    )
    hours = 74 * 24
    store(
        engine,
        asset_id=air,
        member_id=v,
        quantity="no2",
        points=regular(START, HOUR, [10.0 + i % 17 for i in range(hours)]),
    )
    store(
        engine,
        asset_id=counter,
        member_id=b,
        quantity="vehicle_count",
        points=regular(START, HOUR, [float(i % 90) for i in range(hours)]),
    )
    return {"versailles": v, "boulogne": b}


def _rows(
    engine: Engine, member_id: int, start: datetime, end: datetime
) -> list[tuple[int, datetime, float]]:
    owned = select(series.c.id).where(series.c.member_id == member_id)
    with engine.connect() as conn:
        rows = conn.execute(
            select(readings.c.series_id, readings.c.ts, readings.c.value)
            .where(readings.c.series_id.in_(owned), readings.c.ts >= start, readings.c.ts < end)
            .order_by(readings.c.series_id, readings.c.ts)
        )
        return [(r[0], r[1], r[2]) for r in rows]


def _chart(engine: Engine, resolution: Resolution) -> list[SeriesValues]:
    with engine.connect() as conn:
        return selection_values(
            conn,
            scope=command_line_scope(),
            selection=SeriesFilter(),
            time_range=TimeRange(start=START, end=START + timedelta(days=74)),
            resolution=resolution,
        )


def _hourly_counts(engine: Engine) -> int:
    with engine.connect() as conn:
        return sum(r.count for r in conn.execute(select(readings_hourly.c["count"])))


def test_expired_rows_are_archived_exactly_then_removed(
    engine: Engine, planted: dict[str, int], tmp_path: Path
) -> None:
    v = planted["versailles"]
    january = _rows(engine, v, START, datetime(2026, 2, 1, tzinfo=UTC))
    february = _rows(engine, v, datetime(2026, 2, 1, tzinfo=UTC), CUTOFF)
    kept = _rows(engine, v, CUTOFF, NOW)
    boulogne = _rows(engine, planted["boulogne"], START, NOW)
    charts = (_chart(engine, Resolution.hourly), _chart(engine, Resolution.daily))

    report = run_retention(engine, data_dir=tmp_path, default_days=400, now=NOW)

    assert report.archived_rows == report.deleted_rows == len(january) + len(february)
    assert _rows(engine, v, START, CUTOFF) == []
    assert _rows(engine, v, CUTOFF, NOW) == kept
    assert _rows(engine, planted["boulogne"], START, NOW) == boulogne
    manifests = {m.month: m for m in list_archives(tmp_path)}
    assert sorted(manifests) == ["2026-01", "2026-02"]
    for rows, month in ((january, "2026-01"), (february, "2026-02")):
        assert manifests[month].rows == len(rows)
        assert manifests[month].rows_sha256 == rows_checksum(rows)
        assert (
            read_archive(data_dir=tmp_path, siren="217806462", month=Month.parse(month))[1].rows()
            == rows
        )
    assert manifests["2026-02"].max_ts == CUTOFF - HOUR
    assert (_chart(engine, Resolution.hourly), _chart(engine, Resolution.daily)) == charts


def test_restore_brings_the_rows_back_once(
    engine: Engine, planted: dict[str, int], tmp_path: Path
) -> None:
    v = planted["versailles"]
    january = _rows(engine, v, START, datetime(2026, 2, 1, tzinfo=UTC))
    counted = _hourly_counts(engine)
    run_retention(engine, data_dir=tmp_path, default_days=400, now=NOW)
    first = restore_month(
        engine, data_dir=tmp_path, member_id=v, siren="217806462", month=Month(2026, 1)
    )
    again = restore_month(
        engine, data_dir=tmp_path, member_id=v, siren="217806462", month=Month(2026, 1)
    )
    assert (first.inserted, first.already_present) == (len(january), 0)
    assert (again.inserted, again.already_present) == (0, len(january))
    assert _rows(engine, v, START, datetime(2026, 2, 1, tzinfo=UTC)) == january
    assert _hourly_counts(engine) == counted  # rollups were kept, never counted twice


def test_a_second_run_after_a_restore_gives_the_same_archive(
    engine: Engine, planted: dict[str, int], tmp_path: Path
) -> None:
    run_retention(engine, data_dir=tmp_path, default_days=400, now=NOW)
    before = {m.month: m.rows_sha256 for m in list_archives(tmp_path)}
    restore_month(
        engine,
        data_dir=tmp_path,
        member_id=planted["versailles"],
        siren="217806462",
        month=Month(2026, 1),
    )
    run_retention(engine, data_dir=tmp_path, default_days=400, now=NOW)
    assert {m.month: m.rows_sha256 for m in list_archives(tmp_path)} == before
    assert _rows(engine, planted["versailles"], START, CUTOFF) == []


def test_a_corrupted_archive_is_refused(
    engine: Engine, planted: dict[str, int], tmp_path: Path
) -> None:
    run_retention(engine, data_dir=tmp_path, default_days=400, now=NOW)
    data_path, _ = archive_paths(tmp_path, "217806462", Month(2026, 1))
    content = bytearray(data_path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    data_path.write_bytes(bytes(content))
    with pytest.raises(ArchiveCorrupted, match="CORRUPTED ARCHIVE"):
        restore_month(
            engine,
            data_dir=tmp_path,
            member_id=planted["versailles"],
            siren="217806462",
            month=Month(2026, 1),
        )
    assert _rows(engine, planted["versailles"], START, datetime(2026, 2, 1, tzinfo=UTC)) == []


def test_whole_months_beyond_every_horizon_lose_their_partition(
    engine: Engine, planted: dict[str, int], tmp_path: Path
) -> None:
    later = datetime(2027, 6, 1, tzinfo=UTC)  # beyond both horizons for January to March 2026
    total = len(_rows(engine, planted["versailles"], START, later)) + len(
        _rows(engine, planted["boulogne"], START, later)
    )
    report = run_retention(engine, data_dir=tmp_path, default_days=400, now=later)
    assert report.archived_rows == total
    assert _rows(engine, planted["versailles"], START, later) == []
    assert _rows(engine, planted["boulogne"], START, later) == []
    with engine.connect() as conn:
        partitioned = partitions.is_partitioned(conn)
    if partitioned:  # PostgreSQL
        # Boulogne keeps 400 days (to 2026-04-27), Versailles 30: January to March go whole.
        assert report.dropped_partitions == [f"readings_p2026_0{m}" for m in (1, 2, 3)]
        with engine.connect() as conn:
            assert Month(2026, 1) not in partitions.partition_months(conn)
    else:
        assert report.dropped_partitions == []


def test_empty_partitions_left_behind_are_dropped(
    engine: Engine, planted: dict[str, int], tmp_path: Path
) -> None:
    with engine.begin() as conn:
        partitions.ensure_partitions(conn, since=datetime(2024, 1, 1, tzinfo=UTC), now=NOW)
        partitioned = partitions.is_partitioned(conn)
    report = run_retention(engine, data_dir=tmp_path, default_days=400, now=NOW)
    with engine.connect() as conn:
        left = partitions.partition_months(conn)
    if partitioned:  # PostgreSQL: 2024 is beyond every horizon (Boulogne keeps 400 days)
        assert "readings_p2024_06" in report.dropped_partitions
        assert min(left) == Month(2025, 2)
    assert _rows(engine, planted["boulogne"], START, NOW) != []


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("CONVERGENCE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONVERGENCE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_the_archive_commands(engine: Engine, planted: dict[str, int], cli_env: Path) -> None:
    result = runner.invoke(app, ["archive", "run", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert "mesures archivées" in result.output
    listed = runner.invoke(app, ["archive", "list", "--member", "78646"])
    assert listed.exit_code == 0, listed.output
    assert "2026-01" in listed.output
    assert "vérifiée" in listed.output
    restored = runner.invoke(app, ["archive", "restore", "--member", "78646", "--month", "2026-01"])
    assert restored.exit_code == 0, restored.output
    assert "744 mesures restaurées" in restored.output  # 31 days × 24 hours


def test_the_commands_refuse_a_corrupted_archive_with_exit_code_2(
    engine: Engine, planted: dict[str, int], cli_env: Path
) -> None:
    runner.invoke(app, ["archive", "run", "--now", NOW.isoformat()])
    data_path, _ = archive_paths(cli_env, "217806462", Month(2026, 2))
    data_path.write_bytes(data_path.read_bytes()[:-10])
    restored = runner.invoke(app, ["archive", "restore", "--member", "78646", "--month", "2026-02"])
    assert restored.exit_code == 2
    assert "CORRUPTED ARCHIVE" in restored.output
    listed = runner.invoke(app, ["archive", "list"])
    assert listed.exit_code == 2
    assert "ALTÉRÉE" in listed.output

"""Running the demo again reuses its directory; it never writes where it should not."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select

from convergence.alerts.tables import alert_rules
from convergence.coordination.tables import proposals
from convergence.demo.build import Demo, DemoOptions, build_demo
from convergence.demo.scenario import TIERS, windows
from convergence.demo.state import check_directory, save_state
from convergence.errors import InvalidInput
from convergence.members.tables import api_tokens, members, users
from convergence.registry.tables import assets, initiatives
from convergence.timeseries.tables import series
from tests.demo.building import DAYS, FAST_TIERS, base_settings

COUNTED = (members, users, api_tokens, assets, initiatives, series, alert_rules, proposals)


def _counts(demo: Demo) -> dict[str, int]:
    def count(table: Table) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    with demo.engine.connect() as conn:
        return {table.name: count(table) for table in COUNTED}


def test_a_second_run_creates_nothing_twice_and_keeps_the_tokens(
    built: Demo, demo_dir: Path
) -> None:
    before = _counts(built)
    options = DemoOptions(directory=demo_dir, days=DAYS, tiers=FAST_TIERS)
    again = build_demo(options, base=base_settings(demo_dir.parent))
    try:
        assert _counts(again) == before
        assert again.state.tokens == built.state.tokens
        assert again.state.anchor == built.state.anchor
        assert again.history.inserted < len(built.fleet.series) * 2  # only the last seconds
    finally:
        again.close()


def test_the_platform_data_directory_and_foreign_directories_are_refused(tmp_path: Path) -> None:
    platform = tmp_path / "convergence-data"
    platform.mkdir()
    with pytest.raises(InvalidInput, match="platform's data"):
        check_directory(platform, normal_data_dir=platform)
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "budget.ods").write_bytes(b"...")
    with pytest.raises(InvalidInput, match="not a demo"):
        check_directory(foreign, normal_data_dir=platform)


def test_reset_deletes_only_a_marked_demo_directory(tmp_path: Path) -> None:
    from convergence.demo.state import new_state, reset_directory

    marked, unmarked = tmp_path / "demo", tmp_path / "other"
    save_state(marked, new_state(datetime.now(UTC)))
    unmarked.mkdir()
    (unmarked / "keep.txt").write_text("keep")
    reset_directory(marked)
    reset_directory(unmarked)
    assert not marked.exists()
    assert (unmarked / "keep.txt").read_text() == "keep"


def test_history_is_thinner_with_age_and_covers_the_window() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    jobs = list(windows(now - timedelta(days=60), now, now=now, tiers=TIERS))
    assert jobs[0].start == now - timedelta(days=60)
    assert jobs[-1].end == now
    assert all(a.end == b.start for a, b in itertools.pairwise(jobs))
    steps = {job.step for job in jobs if job.start >= now - timedelta(hours=6)}
    assert steps == {timedelta(minutes=10)}
    # Indicators need hourly values every day; energy indexes stay exact with fewer.
    assert all(job.step_of("air_station") <= timedelta(hours=1) for job in jobs)
    assert jobs[0].step_of("charge_point") == timedelta(hours=6)
    assert all(job.end - job.start <= max(t.span for t in TIERS) for job in jobs)

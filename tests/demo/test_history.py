"""The demo's history: readings and rollups through the bulk path, and the story's alerts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Table, func, select

from convergence.alerts.tables import alert_rules, alerts
from convergence.demo.build import Demo
from convergence.indicators.air import IndexStatus
from convergence.indicators.schemas import IndicatorQuery
from convergence.indicators.services.air import compute_air
from convergence.members.scope import command_line_scope
from convergence.paris_time import PARIS
from convergence.timeseries.tables import readings, readings_daily, readings_hourly, series


def _count(demo: Demo, table: Table) -> int:
    with demo.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_readings_and_their_rollups_are_stored(built: Demo) -> None:
    stored = _count(built, readings)
    assert stored >= built.history.inserted > len(built.fleet.series) * 24
    assert _count(built, readings_hourly) > len(built.fleet.series) * 24
    assert _count(built, readings_daily) >= len(built.fleet.series) * 2


def test_series_have_data_and_the_silent_sensor_stopped(built: Demo) -> None:
    silent = built.fleet.asset_ids[built.story.silent_serial]
    with built.engine.connect() as conn:
        rows = conn.execute(select(series.c.id, series.c.asset_id, series.c.last_ts))
        last = {row.id: (row.asset_id, row.last_ts) for row in rows}
    # A simulated outage lasts up to five days: in the tests' two-day history it may hide a
    # whole series now and then — never more than a few.
    heard = {sid: (asset, ts) for sid, (asset, ts) in last.items() if ts is not None}
    assert len(heard) > 0.99 * len(last)
    stopped_at = built.state.anchor - timedelta(hours=6)
    of_silent = [ts for asset, ts in last.values() if asset == silent]
    assert of_silent
    assert all(ts is None or ts < stopped_at for ts in of_silent)
    # Faulty sensors may be in an outage too, but they are few.
    quiet = [sid for sid, (asset, ts) in heard.items() if asset != silent and ts < stopped_at]
    assert len(quiet) < 0.03 * len(last)


def _alerts_of_rules(demo: Demo, name_prefix: str) -> list[tuple[int, str]]:
    with demo.engine.connect() as conn:
        rows = conn.execute(
            select(alerts.c.asset_id, alerts.c.status)
            .join(alert_rules, alert_rules.c.id == alerts.c.rule_id)
            .where(alert_rules.c.name.startswith(name_prefix))
        )
        return [(r.asset_id, r.status) for r in rows]


def test_the_flood_fires_orange_alerts_on_the_seine(built: Demo) -> None:
    water = {
        built.fleet.asset_ids[a.serial]
        for a in built.fleet.plan.assets
        if a.sim_kind == "water_sensor"
    }
    fired = _alerts_of_rules(built, "Crue")
    assert fired
    assert {asset for asset, _ in fired} <= water
    assert any(status == "firing" for _, status in fired)


def test_the_silent_sensor_is_reported(built: Demo) -> None:
    silent = built.fleet.asset_ids[built.story.silent_serial]
    assert (silent, "firing") in _alerts_of_rules(built, "Capteur silencieux")


def test_yesterday_has_an_air_index_from_the_hourly_history(built: Demo) -> None:
    anchor = built.state.anchor.astimezone(PARIS)
    midnight = anchor.replace(hour=0, minute=0, second=0, microsecond=0)
    query = IndicatorQuery(start=midnight - timedelta(days=1), end=midnight, commune="78646")
    with built.engine.connect() as conn:
        stations = compute_air(conn, scope=command_line_scope(), query=query)
    assert stations
    statuses = {station.days[0].status for station in stations}
    assert statuses & {IndexStatus.COMPLETE, IndexStatus.PARTIAL}

"""The demo's faulty sensors and spikes are set aside and counted, never in the figures."""

from __future__ import annotations

from sqlalchemy import func, select

from convergence.alerts.tables import alert_rules, alerts
from convergence.demo.build import Demo
from convergence.registry.tables import assets
from convergence.timeseries.tables import readings, readings_daily, readings_set_aside, series


def test_the_readings_of_faulty_sensors_are_stored_invalid_and_counted(built: Demo) -> None:
    with built.engine.connect() as conn:
        faulty = select(series.c.id).join(assets, assets.c.id == series.c.asset_id)
        faulty = faulty.where(assets.c.status == "faulty")
        stored = conn.execute(
            select(readings.c.quality_reason, func.count())
            .where(readings.c.series_id.in_(faulty))
            .group_by(readings.c.quality_reason)
        ).all()
        counted = conn.execute(
            select(func.sum(readings_set_aside.c["count"])).where(
                readings_set_aside.c.series_id.in_(faulty),
                readings_set_aside.c.reason == "asset_faulty",
            )
        ).scalar_one()
        in_rollups = conn.execute(
            select(func.count())
            .select_from(readings_daily)
            .where(readings_daily.c.series_id.in_(faulty))
        ).scalar_one()
    assert [reason for reason, _ in stored] == ["asset_faulty"]
    assert counted == stored[0][1] > 0
    assert in_rollups == 0


def test_every_set_aside_value_is_counted_once_and_out_of_the_rollups(built: Demo) -> None:
    with built.engine.connect() as conn:
        flagged = conn.execute(
            select(func.count()).select_from(readings).where(readings.c.quality != 0)
        ).scalar_one()
        counted = conn.execute(select(func.sum(readings_set_aside.c["count"]))).scalar_one()
        valid = conn.execute(
            select(func.count()).select_from(readings).where(readings.c.quality == 0)
        ).scalar_one()
        in_rollups = conn.execute(select(func.sum(readings_daily.c["count"]))).scalar_one()
    assert flagged == counted > 0
    assert in_rollups == valid


def test_the_flood_opens_vigilance_alerts_with_the_level_reached(built: Demo) -> None:
    with built.engine.connect() as conn:
        rows = conn.execute(
            select(alerts.c.severity, alerts.c.message, alerts.c.details)
            .join(alert_rules, alert_rules.c.id == alerts.c.rule_id)
            .where(alert_rules.c.name.startswith("Crue"))
        ).all()
    assert rows
    expected = {2: "info", 3: "warning", 4: "critical"}
    for severity, message, details in rows:
        level = {2: "jaune", 3: "orange", 4: "rouge"}[details["level"]]
        assert severity == expected[details["level"]]
        assert f"au-dessus du seuil {level} (" in message
        assert " m, au-dessus" in message

"""Charging indicators: availability by the stated rule, occupancy, sessions, energy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from convergence.charging.alerting import charging_event, connection_event
from convergence.charging.indicator_inputs import charging_indicators
from convergence.charging.indicators import point_durations
from convergence.charging.kinds import ConnectionState, EventKind
from convergence.charging.ocpp.observations import ChargePointRef
from convergence.charging.status import PointStatus
from convergence.members.scope import command_line_scope
from convergence.simulation.chargepoint import run_charge_point
from convergence.simulation.chargepoint_config import ChargeSession
from convergence.timeseries.store import NewEvent, insert_events
from tests.charging.conftest import LiveServer, profile, register_charge_point, run
from tests.support import Territory

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
A, F, OCC = PointStatus.available, PointStatus.faulted, PointStatus.occupied


def test_time_faulted_is_out_of_service() -> None:
    durations = point_durations(
        point=[(T0, A), (T0 + HOUR, F), (T0 + 2 * HOUR, OCC), (T0 + 3 * HOUR, A)],
        whole=[],
        online=[(T0, True)],
        start=T0,
        end=T0 + 4 * HOUR,
    )
    assert (durations.observed_s, durations.in_service_s, durations.occupied_s) == (
        4 * 3600,
        3 * 3600,
        3600,
    )


def test_offline_time_counts_as_observed_and_out_of_service() -> None:
    durations = point_durations(
        point=[(T0, A)],
        whole=[],
        online=[(T0, True), (T0 + HOUR, False), (T0 + 90 * timedelta(minutes=1), True)],
        start=T0,
        end=T0 + 2 * HOUR,
    )
    assert (durations.observed_s, durations.in_service_s) == (2 * 3600, 1.5 * 3600)


def test_the_whole_charge_point_unavailable_takes_its_points_out_of_service() -> None:
    durations = point_durations(
        point=[(T0, A)],
        whole=[(T0 + HOUR, PointStatus.unavailable)],
        online=[],
        start=T0,
        end=T0 + 2 * HOUR,
    )
    assert (durations.observed_s, durations.in_service_s) == (7200, 3600)


def test_time_before_the_first_status_is_not_observed() -> None:
    durations = point_durations(
        point=[(T0 + HOUR, A)], whole=[], online=[], start=T0, end=T0 + 3 * HOUR
    )
    assert (durations.observed_s, durations.in_service_s) == (7200, 7200)


def test_the_state_before_the_period_carries_into_it(engine: Engine, territory: Territory) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CP-HIST")
    ref = ChargePointRef(asset_id, territory.versailles.id, "CP-HIST")

    def status(ts: datetime, connector: int, value: PointStatus) -> NewEvent:
        payload = {"connector_id": connector, "status": value.value, "point_status": value.value}
        return charging_event(ref, EventKind.status, ts, payload, connector_id=connector)

    history = [
        connection_event(ref, ConnectionState.online, T0 - 30 * HOUR, "connected"),
        status(T0 - 30 * HOUR, 1, A),
        status(T0 - 29 * HOUR, 2, A),
        status(T0 - 10 * HOUR, 1, F),  # faulted since before the period
        status(T0 - 9 * HOUR, 2, OCC),
        status(T0 + 6 * HOUR, 1, A),
        status(T0 + 6 * HOUR, 2, A),
    ]
    with engine.begin() as conn:
        insert_events(conn, history)
    with engine.connect() as conn:
        result = charging_indicators(conn, scope=command_line_scope(), start=T0, end=T0 + 24 * HOUR)
    by_connector = {p.connector_id: p for p in result.points}
    assert by_connector[1].availability_rate == 0.75  # 18 h of 24 in service
    assert by_connector[2].availability_rate == 1.0
    assert by_connector[2].occupancy_rate == 0.25
    [commune] = result.communes
    assert (commune.commune_insee, commune.points) == ("78646", 2)
    assert commune.availability_rate == 0.875


def test_sessions_and_energy_through_the_api(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-IND")
    scenario = [ChargeSession(connector_id=1, duration_s=3600, power_w=7_400)]
    report = run(run_charge_point(live.ocpp_url, profile("CP-IND"), scenario))
    energy_kwh = report.sessions[0].energy_wh / 1000
    with live.api(territory.versailles.bearer("read")) as api:
        answer = api.get("/api/v1/charging/indicators").json()
    assert "temps en service / temps observé" in answer["availability_rule"]
    points = {p["connector_id"]: p for p in answer["points"]}
    assert points[1]["sessions"] == 1
    assert points[1]["failed_sessions"] == 0
    assert abs(points[1]["energy_kwh"] - energy_kwh) < 0.001
    assert points[1]["availability_rate"] == 1.0
    assert points[2]["sessions"] == 0
    [commune] = answer["communes"]
    assert commune["sessions"] == 1
    with live.api(territory.boulogne.bearer("read")) as api:
        other = api.get("/api/v1/charging/indicators").json()
    assert other["points"] == []  # Versailles shares aggregates, never its points

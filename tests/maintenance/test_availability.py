"""Availability against hand computations: down time, exclusions, sessions, stations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from convergence import french_format as fr
from convergence.maintenance.availability import (
    availability_of,
    charge_point_availability,
    station_availability,
)
from convergence.timeseries.store import NewEvent, insert_events
from tests.maintenance.planting import charge_point
from tests.support import Territory

START = datetime(2026, 6, 1, tzinfo=UTC)
END = datetime(2026, 7, 1, tzinfo=UTC)  # 30 days = 720 h
H = timedelta(hours=1)


def test_thirty_six_hours_down_with_twelve_excluded() -> None:
    # Down from the 10th 00:00 for 36 h; a grid outage (excluded) covers 12 of those hours.
    # By hand: T = 720 h, E = 12 h, D∖E = 24 h: A = (720 - 12 - 24) / (720 - 12) = 684/708.
    down_at = START + 9 * 24 * H
    statuses = [(START - H, False), (down_at, True), (down_at + 36 * H, False)]
    grid = [(down_at + 6 * H, down_at + 18 * H)]
    result = availability_of(statuses, grid, START, END)
    assert result.down_s == 24 * 3600
    assert result.availability_pct == pytest.approx(100 * 684 / 708)


def test_a_point_down_before_the_period_starts_down() -> None:
    statuses = [(START - 24 * H, True), (START + 72 * H, False)]
    assert availability_of(statuses, [], START, END).availability_pct == pytest.approx(
        100 * (720 - 72) / 720
    )


def test_no_status_ever_is_insufficient_data() -> None:
    assert availability_of([], [], START, END).availability_pct is None
    assert availability_of([(END + H, True)], [], START, END).availability_pct is None


def test_a_station_is_the_mean_of_its_points() -> None:
    a = availability_of([(START, False)], [], START, END)
    b = availability_of([(START, False), (START + 72 * H, True)], [], START, END)
    assert station_availability([a, b]).availability_pct == pytest.approx((100 + 10) / 2)


def test_from_the_stored_status_history_and_sessions(engine: Engine, territory: Territory) -> None:
    asset_id = charge_point(engine, territory.versailles, "CP-AV")
    member = territory.versailles.id

    def status(ts: datetime, value: str) -> NewEvent:
        faulted = "true" if value == "Faulted" else "false"
        payload = {"connector_id": 1, "status": value, "charge_point_faulted": faulted}
        return NewEvent(asset_id, member, ts, "ocpp.status", payload)

    def session(ts: datetime, outcome: str) -> NewEvent:
        return NewEvent(asset_id, member, ts, "ocpp.session", {"outcome": outcome})

    with engine.begin() as conn:
        insert_events(conn, [
            status(START, "Available"), status(START + 100 * H, "Faulted"),
            status(START + 172 * H, "Available"), session(START + 2 * H, "completed"),
            session(START + 3 * H, "completed"), session(START + 4 * H, "completed"),
            session(START + 101 * H, "failed"),
        ])  # fmt: skip
        result = charge_point_availability(conn, asset_id=asset_id, start=START, end=END)
    assert result.down_s == 72 * 3600
    assert result.availability_pct == pytest.approx(100 * 648 / 720)  # 90 %
    assert result.success_rate_pct == pytest.approx(75.0)


def test_the_rate_rests_on_the_hours_whose_status_is_known() -> None:
    # First status on the 10th at 00:00 (up): the 216 h before are unknown. Known 504 of
    # 720 h = 70 % < 75 %: the 100 % it computes is no fact, « données insuffisantes (70 %) ».
    late = availability_of([(START + 216 * H, False)], [], START, END)
    assert late.availability_pct == pytest.approx(100.0)
    assert (late.completeness.present, late.completeness.expected) == (504, 720)
    assert not late.measure.publishable
    assert fr.figure(late.measure, 2) == "données insuffisantes (70\u202f%)"
    # First status on the 6th (120 h unknown): 600 of 720 h = 83 %, the rate is a fact.
    early = availability_of([(START + 120 * H, False)], [], START, END)
    assert early.measure.publishable
    assert fr.figure(early.measure, 2) == "100,00\u202f%"
    # A grid outage of 24 h inside the unknown hours is out of both T − E and the known time:
    # known 504 of 696 h = 72,4 %.
    excluded = availability_of(
        [(START + 216 * H, False)], [(START + 24 * H, START + 48 * H)], START, END
    )
    assert (excluded.completeness.present, excluded.completeness.expected) == (504, 696)
    # A station sums its points' hours: (504 + 600) of 1 440 h = 76,7 %.
    station = station_availability([late, early])
    assert (station.completeness.present, station.completeness.expected) == (1104, 1440)
    assert station.measure.publishable

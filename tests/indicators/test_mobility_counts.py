"""Rows of the national "comptage des mobilités" schema 0.2.5."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from convergence.errors import InvalidInput
from convergence.indicators.mobility_counts import (
    CHANNEL_FIELDS,
    MEASURE_FIELDS,
    SITE_FIELDS,
    CompassDirection,
    CounterType,
    MobilityType,
    channel_row,
    measure_rows,
    site_row,
)
from convergence.indicators.traffic import HourlyCount


def test_site_row_has_every_schema_field_and_four_decimals_at_least() -> None:
    row = site_row(site_id="S1", site_name="Rue de Paris", lon=2.1301, lat=48.8049, insee="78646")
    assert tuple(row) == SITE_FIELDS
    assert (row["xlong"], row["ylat"], row["fr_insee_code"]) == ("2.130100", "48.804900", "78646")


def test_site_row_refuses_a_bad_insee_code() -> None:
    with pytest.raises(InvalidInput):
        site_row(site_id="S1", site_name="x", lon=2.0, lat=48.0, insee="7864")


def test_channel_row_for_one_direction() -> None:
    row = channel_row(
        channel_id="S1-N",
        site_id="S1",
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        mobility_types=[MobilityType.CAR, MobilityType.TRUCK],
        counter_type=CounterType.RADAR_SENSOR,
        direction=CompassDirection.N,
    )
    assert tuple(row) == CHANNEL_FIELDS
    assert row["mobility_type"] == "CAR,TRUCK"
    assert (row["started_at"], row["time_step"], row["temporality"]) == (
        "2026-01-01T00:00:00Z",
        "3600",
        "PERMANENT",
    )


def test_measure_rows_keep_zero_counts_and_write_utc_slots() -> None:
    # 2026-10-25T00:00Z and 01:00Z are 02:00 CEST and 02:00 CET: the same local hour twice,
    # two distinct UTC slots. A zero count is written as 0 (schema: "renseigner la valeur 0").
    counts = [
        HourlyCount(datetime(2026, 10, 25, 0, tzinfo=UTC), "1", 12, 2),
        HourlyCount(datetime(2026, 10, 25, 1, tzinfo=UTC), "1", 0, 0),
    ]
    rows = measure_rows(
        counts, channel_ids={"1": "S1-N"}, counter_id="C1", heavy_channel_ids={"1": "S1-N-PL"}
    )
    assert all(tuple(r) == MEASURE_FIELDS for r in rows)
    assert [
        (r["channel_id"], r["start_datetime"], r["end_datetime"], r["count"]) for r in rows
    ] == [
        ("S1-N", "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "12"),
        ("S1-N-PL", "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2"),
        ("S1-N", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z", "0"),
        ("S1-N-PL", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z", "0"),
    ]


def test_a_direction_without_channel_is_refused() -> None:
    counts = [HourlyCount(datetime(2026, 1, 1, tzinfo=UTC), "2", 1)]
    with pytest.raises(InvalidInput):
        measure_rows(counts, channel_ids={"1": "S1-N"}, counter_id="C1")

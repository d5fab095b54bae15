"""What the central system reads from charge points: never a crash, a value or a refusal."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from convergence.charging.credentials import (
    basic_credentials,
    hash_authorization_key,
    new_authorization_key,
    verify_authorization_key,
)
from convergence.charging.metering import ConnectorMeter
from convergence.charging.ocpp.observations import MeterSample
from convergence.charging.ocpp.timestamps import parse_ocpp_time
from convergence.charging.ocpp.v16.meter import samples_of as samples16
from convergence.charging.ocpp.v201.meter import samples_of as samples201

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.one_of(st.none(), st.text(max_size=80)))
def test_any_authorization_header_gives_credentials_or_none(header: str | None) -> None:
    found = basic_credentials(header)
    assert found is None or isinstance(found[0], str)


def test_basic_credentials_split_at_the_first_colon() -> None:
    header = "Basic " + base64.b64encode(b"CP-1:pass:word").decode()
    assert basic_credentials(header) == ("CP-1", "pass:word")
    assert basic_credentials("Bearer abc") is None


@given(st.text(max_size=60))
def test_any_password_is_checked_without_crash(candidate: str) -> None:
    stored = hash_authorization_key("0123456789abcdef")
    assert verify_authorization_key(stored, candidate) is (candidate == "0123456789abcdef")


def test_generated_keys_are_40_hex_and_verify() -> None:
    key = new_authorization_key()
    assert len(key) == 40
    assert verify_authorization_key(hash_authorization_key(key), key)
    assert not verify_authorization_key(None, key)
    assert not verify_authorization_key("md5$x", key)


@given(st.one_of(st.none(), st.text(max_size=40)))
def test_any_timestamp_gives_an_aware_time_never_in_the_future(value: str | None) -> None:
    moment = parse_ocpp_time(value, received_at=NOW)
    assert moment.tzinfo is not None
    assert moment <= NOW + timedelta(minutes=5)


def test_times_are_read_as_utc_and_implausible_ones_replaced() -> None:
    assert parse_ocpp_time("2026-11-28T10:00:00Z", received_at=NOW) == NOW - timedelta(hours=2)
    assert parse_ocpp_time("2026-11-28T10:00:00", received_at=NOW) == NOW - timedelta(hours=2)
    assert parse_ocpp_time("1970-01-01T00:00:00Z", received_at=NOW) == NOW
    assert parse_ocpp_time("2030-01-01T00:00:00+01:00", received_at=NOW) == NOW


@given(st.lists(json_values, max_size=4))
def test_any_meter_value_list_gives_samples_without_crash(values: list[object]) -> None:
    meter_values = [{"timestamp": "2026-11-28T11:00:00Z", "sampled_value": [v]} for v in values]
    for parse in (samples16, samples201):
        try:
            samples = parse(meter_values, received_at=NOW)  # type: ignore[arg-type]
        except (AttributeError, TypeError):
            continue  # not a sampled value object at all: the schema refuses it before
        assert all(s.ts.tzinfo is not None for s in samples)


def test_kwh_phases_and_vehicle_values_are_read_as_the_outlet_totals() -> None:
    [sample] = samples16(
        [
            {
                "timestamp": "2026-11-28T11:00:00Z",
                "sampled_value": [
                    {"value": "12.5", "unit": "kWh"},
                    {"value": "3000", "measurand": "Power.Active.Import", "phase": "L1"},
                    {"value": "3100", "measurand": "Power.Active.Import", "phase": "L2"},
                    {"value": "9", "measurand": "Power.Active.Import", "location": "EV"},
                    {"value": "80", "measurand": "SoC", "unit": "Percent"},
                ],
            }
        ],
        received_at=NOW,
    )
    assert (sample.energy_wh, sample.power_w) == (12_500.0, 6_100.0)
    [sample] = samples201(
        [
            {
                "timestamp": "2026-11-28T11:00:00Z",
                "sampled_value": [
                    {"value": 12.5, "unit_of_measure": {"unit": "kWh"}},
                    {"value": 7.4, "measurand": "Power.Active.Import",
                     "unit_of_measure": {"unit": "W", "multiplier": 3}},
                ],
            }
        ],
        received_at=NOW,
    )  # fmt: skip
    assert (sample.energy_wh, sample.power_w) == (12_500.0, 7_400.0)


def test_the_index_grows_by_what_is_delivered_and_ignores_late_samples() -> None:
    meter = ConnectorMeter(1)
    for minute, register in ((0, 1000.0), (1, 1200.0), (2, 1500.0)):
        meter.apply(MeterSample(NOW + timedelta(minutes=minute), energy_wh=register))
    meter.apply(MeterSample(NOW + timedelta(seconds=30), energy_wh=1100.0))  # late: ignored
    assert meter.delivered_wh == 500.0
    meter.apply(MeterSample(NOW + timedelta(minutes=3), energy_wh=20.0))  # meter replaced
    meter.apply(MeterSample(NOW + timedelta(minutes=4), energy_wh=120.0))
    assert meter.delivered_wh == 600.0

"""A small fleet of simulated charge points, both OCPP versions, against one CSMS."""

from __future__ import annotations

import asyncio

import pytest

from convergence.simulation.chargepoint_config import (
    ChargePointProfile,
    ChargeSession,
    OcppVersion,
)
from convergence.simulation.chargepoint_fleet import FleetReport, fleet_profiles, run_fleet
from tests.charging.csms import running_csms


def password_of(charge_point_id: str) -> str:
    return f"key-{charge_point_id.lower()}"


def test_fleet_profiles_differ_by_id_password_and_seed() -> None:
    template = ChargePointProfile(charge_point_id="T", password="-", seed=10, connectors=1)
    first, second = fleet_profiles(2, template, id_prefix="CP-", password=password_of)
    assert (first.charge_point_id, second.charge_point_id) == ("CP-00001", "CP-00002")
    assert (first.password, first.seed, second.seed) == ("key-cp-00001", 11, 12)
    assert first.connectors == second.connectors == 1


@pytest.mark.parametrize("version", list(OcppVersion))
def test_a_fleet_charges_and_reports_round_trip_times(version: OcppVersion) -> None:
    async def scenario() -> tuple[FleetReport, set[str]]:
        async with running_csms(password_of) as csms:
            template = ChargePointProfile(
                charge_point_id="T", password="-", speedup=1200, meter_interval_s=60
            )
            report = await run_fleet(
                6,
                csms.url,
                password=password_of,
                version=version,
                scenario=[ChargeSession(duration_s=600)],
                template=template,
                id_prefix="CP-",
                ramp_up_s=0.1,
            )
            return report, {m.charge_point_id for m in csms.messages}

    report, seen = asyncio.run(scenario())
    assert report.failures == []
    assert (report.charge_points, report.completed) == (6, 6)
    assert seen == {f"CP-{index:05d}" for index in range(1, 7)}
    assert all(len(r.sessions) == 1 and r.sessions[0].energy_wh > 0 for r in report.reports)
    assert all(r.version is version for r in report.reports)
    assert report.requests > 6 * 10
    assert report.request_errors == 0
    assert 0 < report.latency_p50_ms <= report.latency_p99_ms

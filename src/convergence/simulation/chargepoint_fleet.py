"""A fleet of simulated charge points (OCPP 1.6 or 2.0.1) for demos and benchmarks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from convergence.simulation.chargepoint import run_charge_point
from convergence.simulation.chargepoint201 import run_charging_station
from convergence.simulation.chargepoint_config import (
    ChargePointProfile,
    OcppVersion,
    ScenarioStep,
    SimulationReport,
)
from convergence.simulation.chargepoint_runtime import CallStats


class FleetReport(BaseModel):
    """What a fleet run did, with the round-trip times of its requests."""

    charge_points: int
    completed: int
    failures: list[str]
    reports: list[SimulationReport]
    requests: int
    request_errors: int
    latency_p50_ms: float
    latency_p95_ms: float
    latency_p99_ms: float
    duration_s: float


async def run_simulator(
    url: str,
    profile: ChargePointProfile,
    scenario: Sequence[ScenarioStep] = (),
    *,
    version: OcppVersion = OcppVersion.v16,
    stop: asyncio.Event | None = None,
    stats: CallStats | None = None,
) -> SimulationReport:
    """Run one simulated charge point of the given OCPP version."""
    if version is OcppVersion.v201:
        return await run_charging_station(url, profile, scenario, stop=stop, stats=stats)
    return await run_charge_point(url, profile, scenario, stop=stop, stats=stats)


def fleet_profiles(
    count: int,
    template: ChargePointProfile,
    *,
    id_prefix: str = "SIM",
    password: str | Callable[[str], str],
) -> list[ChargePointProfile]:
    """``count`` profiles copied from a template, with their own id, password and seed."""
    profiles = []
    for index in range(1, count + 1):
        charge_point_id = f"{id_prefix}{index:05d}"
        secret = password(charge_point_id) if callable(password) else password
        update = {"charge_point_id": charge_point_id, "password": secret}
        profiles.append(template.model_copy(update=update | {"seed": template.seed + index}))
    return profiles


async def run_fleet(
    n: int,
    url: str,
    *,
    password: str | Callable[[str], str],
    version: OcppVersion = OcppVersion.v16,
    scenario: Sequence[ScenarioStep] = (),
    template: ChargePointProfile | None = None,
    id_prefix: str = "SIM",
    stop: asyncio.Event | None = None,
    ramp_up_s: float = 0.0,
) -> FleetReport:
    """Run ``n`` charge points against the CSMS at ``url``; ramp up over ``ramp_up_s`` s."""
    base = template or ChargePointProfile(charge_point_id=f"{id_prefix}0", password="-")
    profiles = fleet_profiles(n, base, id_prefix=id_prefix, password=password)
    stats = CallStats()
    begun = time.monotonic()

    async def one(index: int, profile: ChargePointProfile) -> SimulationReport:
        # Spread the connections: real fleets come back one by one, not in a single burst.
        await asyncio.sleep(ramp_up_s * index / max(n, 1))
        return await run_simulator(url, profile, scenario, version=version, stop=stop, stats=stats)

    results = await asyncio.gather(
        *(one(index, profile) for index, profile in enumerate(profiles)), return_exceptions=True
    )
    return _fleet_report(profiles, results, stats, time.monotonic() - begun)


def _fleet_report(
    profiles: Sequence[ChargePointProfile],
    results: Sequence[SimulationReport | BaseException],
    stats: CallStats,
    duration_s: float,
) -> FleetReport:
    reports = [result for result in results if isinstance(result, SimulationReport)]
    failures = [
        f"{profile.charge_point_id}: {type(result).__name__}: {result}"
        for profile, result in zip(profiles, results, strict=True)
        if isinstance(result, BaseException)
    ]
    return FleetReport(
        charge_points=len(profiles),
        completed=len(reports),
        failures=failures,
        reports=reports,
        requests=stats.count,
        request_errors=stats.errors,
        latency_p50_ms=stats.percentile(50) * 1000,
        latency_p95_ms=stats.percentile(95) * 1000,
        latency_p99_ms=stats.percentile(99) * 1000,
        duration_s=duration_s,
    )

"""Charging indicators: the charging domain's own computation, given units, rules, completeness.

``convergence.charging.indicator_inputs`` computes availability, occupancy, sessions and
energy per point of charge and per commune; this module only selects what the query asks and
gives each value its unit, rule and completeness (observed time over the period's time of the
points heard from; a commune also says how many points were not heard from at all).
"""

from __future__ import annotations

from sqlalchemy import Connection

from convergence.charging.indicator_inputs import charging_indicators as compute_charging
from convergence.charging.indicators import AVAILABILITY_RULE, SessionTally
from convergence.indicators.queries import domain_sites, sites_by_id
from convergence.indicators.result_schemas import (
    ChargingIndicators,
    ChargingPointOut,
    ChargingValuesOut,
    ChargingZoneOut,
)
from convergence.indicators.results import Completeness, Measure, Unit, full_completeness
from convergence.indicators.schemas import IndicatorQuery, measure_out, period_out
from convergence.indicators.timewindows import HOUR
from convergence.members.scope import MemberScope

OBSERVED_REQUIRED_RATIO = 0.75  # platform rule, as for the noise periods
SESSIONS_RULE = "sessions commencées sur la période (échec : voir charging.transactions)"


def _values(
    tally: SessionTally,
    observed_s: float,
    rates: tuple[float | None, float | None],
    expected_h: float,
) -> ChargingValuesOut:
    done = Completeness(observed_s / 3600, expected_h, OBSERVED_REQUIRED_RATIO, "heures")
    counted = full_completeness("sessions")
    availability, occupancy = (None if r is None else 100 * r for r in rates)
    return ChargingValuesOut(
        availability=measure_out(Measure(availability, Unit.PERCENT, AVAILABILITY_RULE, done)),
        occupancy=measure_out(Measure(occupancy, Unit.PERCENT, AVAILABILITY_RULE, done)),
        sessions=measure_out(Measure(tally.sessions, Unit.COUNT, SESSIONS_RULE, counted)),
        failed_sessions=measure_out(
            Measure(tally.failed_sessions, Unit.COUNT, SESSIONS_RULE, counted)
        ),
        energy=measure_out(Measure(tally.energy_kwh, Unit.KWH, SESSIONS_RULE, counted)),
    )


def charging_indicators(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> ChargingIndicators:
    """Charging indicators of the points and communes the query selects."""
    if query.asset_id is not None:
        domain_sites(conn, scope=scope, domain="charging", asset_id=query.asset_id)
    result = compute_charging(conn, scope=scope, start=query.start, end=query.end)
    hours = (query.end - query.start) / HOUR
    points = [
        p
        for p in result.points
        if (query.asset_id is None or p.asset_id == query.asset_id)
        and (query.commune is None or p.commune_insee == query.commune)
    ]
    sites = sites_by_id(conn, scope=scope, asset_ids={p.asset_id for p in points})
    communes = [
        c
        for c in result.communes
        if query.asset_id is None and (query.commune is None or c.commune_insee == query.commune)
    ]
    return ChargingIndicators(
        period=period_out(query),
        points=[
            ChargingPointOut(
                station=sites[p.asset_id].station(),
                connector_id=p.connector_id,
                values=_values(p, p.observed_s, (p.availability_rate, p.occupancy_rate), hours),
            )
            for p in points
            if p.asset_id in sites
        ],
        communes=[
            ChargingZoneOut(
                commune_insee=c.commune_insee,
                points=c.points,
                heard_points=c.heard,
                silent_points=c.points - c.heard,
                values=_values(
                    c, c.observed_s, (c.availability_rate, c.occupancy_rate), hours * c.heard
                ),
            )
            for c in communes
        ],
    )

"""The story the demo data tells, placed around its anchor (the instant of the first run).

- a flood of the Seine rising for five days, at its peak around the anchor (orange alerts);
- a winter pollution episode (particles and NO2) twelve days before;
- a noise sensor of Colombes silent since six hours before the anchor (a silence alert);
- the faulty sensors of the fleet plan (outages, stuck values, spikes).

The back-fill is thinner with age: every 10 minutes over the last 6 hours, then hourly — the
indicators need it: a daily air value takes 18 hourly values of 24 (directive 2008/50/EC), a
traffic day every hour, a noise period 75 % of its hours. Energy meters (lighting cabinets,
charge points) send an index that stays exact whatever the step: they report every 6 hours
beyond the last 6 hours. See ``bench/bench_demo.py`` for the time this takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from convergence.demo.catalogue import SILENT_COMMUNE
from convergence.simulation.episodes import Episode, EpisodeKind
from convergence.simulation.fleet import AssetPlan, FleetPlan, fleet_kinds

SILENT_FOR = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Tier:
    """Readings younger than ``age`` are simulated every ``step``, ``span`` at a time.

    Energy meters report every ``meter_step`` (never more often than ``step``).
    """

    age: timedelta
    step: timedelta
    span: timedelta
    meter_step: timedelta | None = None


TIERS: tuple[Tier, ...] = (
    Tier(timedelta(hours=6), timedelta(minutes=10), timedelta(hours=3)),
    Tier(timedelta(days=10_000), timedelta(hours=1), timedelta(days=2), timedelta(hours=6)),
)


@dataclass(frozen=True, slots=True)
class Window:
    """One job of the back-fill: [start, end) every ``step`` (meters every ``meter_step``)."""

    start: datetime
    end: datetime
    step: timedelta
    meter_step: timedelta | None = None

    def step_of(self, kind: str) -> timedelta:
        """The step of the series of an asset of the simulated ``kind``."""
        if fleet_kinds()[kind].contribution.meter and self.meter_step is not None:
            return max(self.step, self.meter_step)
        return self.step


def episodes(anchor: datetime) -> tuple[Episode, ...]:
    """The flood and the pollution episode of the demo."""
    return (
        Episode(EpisodeKind.flood, anchor - timedelta(days=7), 5.0, 4.0, 8.0),
        Episode(EpisodeKind.pollution, anchor - timedelta(days=12), 1.5, 3.0, 1.5),
    )


def silent_asset(plan: FleetPlan) -> AssetPlan:
    """The sensor that stops sending: the first of Colombes of a kind that may fall silent
    (``FleetContribution.falls_silent``: a noise sensor)."""
    mute = [a for a in plan.assets if a.spec.contribution.falls_silent]
    return next((a for a in mute if a.commune_insee == SILENT_COMMUNE), mute[0])


def silent_since(anchor: datetime) -> datetime:
    return anchor - SILENT_FOR


def windows(
    start: datetime, end: datetime, *, now: datetime, tiers: tuple[Tier, ...] = TIERS
) -> Iterator[Window]:
    """The jobs covering [start, end), oldest first, each at the step of its age."""
    cursor = start
    while cursor < end:
        tier = next((t for t in tiers if now - cursor <= t.age), tiers[-1])
        younger = [t.age for t in tiers if t.age < tier.age]
        boundary = now - max(younger) if younger else end
        limit = min(end, cursor + tier.span, boundary)
        yield Window(cursor, limit, tier.step, tier.meter_step)
        cursor = limit

"""The figures that changed most: each commune's mean of each measured quantity over the last
30 days against the 30 days before, from the daily rollups (valid values only).

A mean is an aggregate: it is computed over what the scope reads, aggregates included.
Levels in decibels are averaged energetically and their change is told in dB; other changes
are relative. Index quantities (a meter's running total) and what a device says about itself
(battery, signal) are not figures of the territory and are left out, and so is a quantity
without enough days in both periods to compare.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from convergence import french_format as fr
from convergence.decoders.quantities import find_quantity
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets
from convergence.timeseries.tables import readings_daily, series

PERIOD_DAYS = 30
MIN_DAYS = 10  # days with data needed in each period
LISTED = 5
INDEX_QUANTITIES = frozenset({"energy", "water_volume"})
SELF_DOMAINS = frozenset({"device", "video"})


@dataclass(frozen=True, slots=True)
class FigureChange:
    """One commune's mean of one quantity, before and after, and how much it moved."""

    commune_insee: str
    quantity: str
    unit: str
    decibel: bool
    before: float
    after: float

    @property
    def weight(self) -> float:
        """How much it changed, comparable across quantities: the relative change of the
        linear values (of the acoustic energies for levels in dB)."""
        if self.decibel:
            return abs(10 ** ((self.after - self.before) / 10) - 1)
        return abs(self.after / self.before - 1) if self.before else math.inf


def _wanted(quantity: str) -> bool:
    found = find_quantity(quantity)
    if found is None or quantity in INDEX_QUANTITIES:
        return False
    return str(found.domain) not in SELF_DOMAINS


def changed_most(
    conn: Connection, *, scope: MemberScope, communes: Sequence[str], today: date
) -> list[FigureChange]:
    """The ``LISTED`` largest changes of the communes' means, the last ``PERIOD_DAYS`` days
    (today excluded, it is not over) against the ``PERIOD_DAYS`` before."""
    if not communes:
        return []
    end = today
    middle = end - timedelta(days=PERIOD_DAYS)
    start = middle - timedelta(days=PERIOD_DAYS)
    recent = (readings_daily.c.day >= middle).label("recent")
    rows = conn.execute(
        select(
            assets.c.commune_insee,
            series.c.quantity,
            series.c.unit,
            recent,
            func.sum(readings_daily.c.count).label("count"),
            func.sum(readings_daily.c.sum).label("total"),
            func.sum(readings_daily.c.energy_sum).label("energy"),
            func.count(func.distinct(readings_daily.c.day)).label("days"),
        )
        .select_from(
            readings_daily.join(series, series.c.id == readings_daily.c.series_id).join(
                assets, assets.c.id == series.c.asset_id
            )
        )
        .where(
            member_clause(scope, series.c.member_id, aggregates=True),
            assets.c.commune_insee.in_(list(communes)),
            readings_daily.c.day >= start,
            readings_daily.c.day < end,
        )
        .group_by(assets.c.commune_insee, series.c.quantity, series.c.unit, recent)
    ).all()
    return _largest(rows)


def _largest(rows: Sequence[Any]) -> list[FigureChange]:
    means: dict[tuple[str, str, str], dict[bool, tuple[float, bool]]] = {}
    for r in rows:
        commune, quantity, unit = r.commune_insee, r.quantity, r.unit
        if not _wanted(quantity) or r.days < MIN_DAYS or not r.count:
            continue
        decibel = r.energy is not None
        mean = (
            10 * math.log10(r.energy / r.count) if decibel and r.energy > 0 else r.total / r.count
        )
        means.setdefault((commune, quantity, unit), {})[bool(r.recent)] = (mean, decibel)
    found = [
        FigureChange(commune, quantity, unit, pair[True][1], pair[False][0], pair[True][0])
        for (commune, quantity, unit), pair in means.items()
        if len(pair) == 2
    ]
    found = [f for f in found if f.weight > 0 and math.isfinite(f.weight)]
    return sorted(found, key=lambda f: -f.weight)[:LISTED]


def change_words(change: FigureChange) -> str:
    """« 41,2 → 52,3 µg/m³ (+27 %) », « 61,0 → 63,5 dB(A) (+2,5 dB(A)) »."""
    shown = "" if change.unit in ("count", "1", "bool") else change.unit
    before, after = fr.auto(change.before, shown), fr.auto(change.after, shown)
    if change.decibel:
        difference = change.after - change.before
        sign = "+" if difference > 0 else "−"
        gap = f"{sign}{fr.number(abs(difference), 1)} {change.unit}"
    else:
        gap = fr.signed_percent(100 * (change.after / change.before - 1))
    return f"{before} → {after} ({gap})"

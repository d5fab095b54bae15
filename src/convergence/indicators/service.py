"""Indicator services: each domain's indicators for a query, and a commune's comparisons.

Every function takes the caller's member scope: stations come from members the caller reads
in full or whose aggregates are shared with it, never from others. Per domain:

- air (``service_air``): daily ATMO-type index and EAQI per station and zone, exceedances;
- noise (``service_noise``): Ld, Le, Ln, Lden per day, period and calendar year, limits;
- traffic (``service_traffic``): daily counts per direction, TMJA, TMJO, peaks, %PL, speeds;
- water (``service_water``): level against the site's thresholds, rate, next threshold;
- lighting (``service_lighting``): energy per day and month, burning hours, savings;
- charging (``service_charging``): the charging domain's availability, sessions and energy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

from convergence.errors import InvalidInput
from convergence.indicators.schemas import (
    ComparedOut,
    ComparisonOut,
    IndicatorDomain,
    IndicatorQuery,
    RankOut,
    period_out,
)
from convergence.indicators.service_air import AIR_METRIC, bad_air_days, compute_air
from convergence.indicators.service_lighting import (
    LIGHTING_METRIC,
    compute_lighting,
    zone_energy,
)
from convergence.indicators.service_noise import NOISE_METRIC, compute_noise, loudest_lden
from convergence.indicators.service_traffic import (
    TRAFFIC_METRIC,
    busiest_tmj,
    compute_traffic,
)
from convergence.indicators.service_water import (
    WATER_METRIC,
    compute_water,
    worst_level_reached,
)
from convergence.indicators.views import HasSite, Metric, ZoneMeasure, compare_commune
from convergence.members.scope import MemberScope
from convergence.territory.reference import load_territory

COMPARISON_NOTE = (
    "Les territoires et le classement ne comptent que les communes dont vous lisez les "
    "données (les vôtres et celles qui vous partagent leurs agrégats) / territories and rank "
    "count only the communes whose data you may read (yours and those sharing their "
    "aggregates with you)"
)
T = TypeVar("T", bound=HasSite)


@dataclass(frozen=True, slots=True)
class ComparisonSpec(Generic[T]):
    """How a domain compares communes: its stations, the zone measure and its metric."""

    compute: Callable[..., list[T]]
    measure: ZoneMeasure[T]
    metric: Metric

    def rows(
        self, conn: Connection, scope: MemberScope, commune: str, query: IndicatorQuery
    ) -> tuple[list[ComparedOut], RankOut]:
        """The commune's rows and rank, over every station the scope reads."""
        everything = query.model_copy(update={"commune": None, "asset_id": None})
        found = self.compute(conn, scope=scope, query=everything)
        return compare_commune(commune, found, metric=self.metric, measure=self.measure)


COMPARISONS: dict[IndicatorDomain, ComparisonSpec[Any]] = {
    IndicatorDomain.air: ComparisonSpec(compute_air, bad_air_days, AIR_METRIC),
    IndicatorDomain.noise: ComparisonSpec(compute_noise, loudest_lden, NOISE_METRIC),
    IndicatorDomain.traffic: ComparisonSpec(compute_traffic, busiest_tmj, TRAFFIC_METRIC),
    IndicatorDomain.water: ComparisonSpec(compute_water, worst_level_reached, WATER_METRIC),
    IndicatorDomain.lighting: ComparisonSpec(compute_lighting, zone_energy, LIGHTING_METRIC),
}


def compare(
    conn: Connection,
    *,
    scope: MemberScope,
    domain: IndicatorDomain,
    commune: str,
    query: IndicatorQuery,
) -> ComparisonOut:
    """A commune against its EPCI (and EPT) and département, and its rank in its stratum."""
    load_territory().commune(commune)  # NotFound outside the territory
    spec = COMPARISONS.get(domain)
    if spec is None:
        raise InvalidInput(
            f"pas de comparaison pour le domaine {domain} / no comparison for domain {domain}"
        )
    metric = spec.metric
    rows, rank = spec.rows(conn, scope, commune, query)
    return ComparisonOut(
        domain=domain,
        metric=metric.name,
        description=metric.description,
        period=period_out(query),
        per_inhabitant=metric.per_inhabitant,
        rows=rows,
        rank=rank,
        note=COMPARISON_NOTE,
    )

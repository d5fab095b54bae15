"""Indicator services: each domain's indicators for a query, and a commune's comparisons.

Every function takes the caller's member scope: stations come from members the caller reads
in full or whose aggregates are shared with it, never from others. A service line declares
its service and its ``ComparisonSpec`` (``convergence.lines``). The built-in ones:

- air (``services.air``): daily ATMO-type index and EAQI per station and zone, exceedances;
- noise (``services.noise``): Ld, Le, Ln, Lden per day, period and calendar year, limits;
- traffic (``services.traffic``): daily counts per direction, TMJA, TMJO, peaks, %PL, speeds;
- water (``services.water``): level against the site's thresholds, rate, next threshold;
- lighting (``services.lighting``): energy per day and month, burning hours, savings;
- charging (``services.charging``): the charging domain's availability, sessions and energy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Connection

from convergence.errors import InvalidInput
from convergence.indicators.schemas import (
    ComparedOut,
    ComparisonOut,
    IndicatorQuery,
    RankOut,
    period_out,
)
from convergence.indicators.views import HasSite, Metric, ZoneMeasure, compare_commune
from convergence.members.scope import MemberScope
from convergence.servicelines import service_lines
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

    def stations(self, conn: Connection, scope: MemberScope, query: IndicatorQuery) -> list[T]:
        """Every station the scope reads, computed over the query's period: what any
        commune's comparison reads (the same for every commune)."""
        everything = query.model_copy(update={"commune": None, "asset_id": None})
        return self.compute(conn, scope=scope, query=everything)

    def rows(
        self,
        conn: Connection,
        scope: MemberScope,
        commune: str,
        query: IndicatorQuery,
        stations: Sequence[T] | None = None,
    ) -> tuple[list[ComparedOut], RankOut]:
        """The commune's rows and rank, over every station the scope reads (``stations``
        when computed already for the same scope and period)."""
        found = stations if stations is not None else self.stations(conn, scope, query)
        return compare_commune(commune, found, metric=self.metric, measure=self.measure)


def compare(
    conn: Connection,
    *,
    scope: MemberScope,
    domain: str,
    commune: str,
    query: IndicatorQuery,
    stations: Sequence[HasSite] | None = None,
) -> ComparisonOut:
    """A commune against its EPCI (and EPT) and département, and its rank in its stratum
    (``stations``: the line's ``ComparisonSpec.stations`` for the scope and period, if kept)."""
    load_territory().commune(commune)  # NotFound outside the territory
    lines = service_lines()
    spec = lines.get(domain).comparison if domain in lines else None
    if spec is None:
        raise InvalidInput(
            f"pas de comparaison pour le domaine {domain} / no comparison for domain {domain}"
        )
    metric = spec.metric
    rows, rank = spec.rows(conn, scope, commune, query, stations)
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

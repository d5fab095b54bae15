"""Commune and territory views: stations grouped by commune, EPCI (or EPT) and département.

A zone holds the stations of its communes that the caller reads: its own, those shared in
full, and those whose owners share their aggregates with it (the member scope decides, with
``aggregates=True``). A commune therefore compares itself with an EPCI made of what it may
read, and the EPCI sees a commune's stations only when that commune shares its aggregates.

How stations sum up is each domain's rule (said on its zone model): air takes the worst
station per pollutant, as the arrêté of 2020 does for a zone; noise, traffic and water never
average places, they name the worst one; lighting energy adds up and is divided by the
population of the communes that have data (``comparison.aggregate``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from convergence.indicators.comparison import (
    TerritoryLevel,
    TerritoryTotal,
    peer_statistics,
    per_inhabitant,
    rank_among_similar,
)
from convergence.indicators.queries import Site
from convergence.indicators.results import Measure
from convergence.indicators.schemas import (
    ComparedOut,
    RankOut,
    ZoneOut,
    measure_out,
    per_inhabitant_out,
    rank_out,
)
from convergence.territory.reference import load_territory


class HasSite(Protocol):
    """A per-station result: it knows its site."""

    @property
    def site(self) -> Site: ...


T = TypeVar("T", bound=HasSite)


@dataclass(frozen=True, slots=True)
class Zone:
    """A commune, an EPCI or EPT, or a département, with its communes and their population."""

    level: TerritoryLevel
    code: str
    name: str
    communes: frozenset[str]
    population: int

    def out(self) -> ZoneOut:
        return ZoneOut(level=self.level, code=self.code, name=self.name, population=self.population)

    def holds(self, site: Site) -> bool:
        return site.commune_insee in self.communes


def commune_zone(insee: str) -> Zone:
    """The zone of one commune; NotFound outside the territory."""
    commune = load_territory().commune(insee)
    return Zone(
        TerritoryLevel.COMMUNE,
        insee,
        commune.name,
        frozenset({insee}),
        commune.population,
    )


def epci_zones(insee: str) -> list[Zone]:
    """The EPCI of a commune and, in Hauts-de-Seine, its EPT (communes of the territory)."""
    territory = load_territory()
    commune = territory.commune(insee)
    zones = []
    for siren in (commune.epci_siren, commune.ept_siren):
        if siren is None:
            continue
        members = territory.communes_of_epci(siren)
        zones.append(
            Zone(
                TerritoryLevel.EPCI,
                siren,
                territory.epci(siren).name,
                frozenset(c.insee for c in members),
                sum(c.population for c in members),
            )
        )
    return zones


def departement_zone(insee: str) -> Zone:
    """The département of a commune, with all its communes."""
    territory = load_territory()
    code = territory.commune(insee).departement
    members = territory.communes_of_departement(code)
    return Zone(
        TerritoryLevel.DEPARTEMENT,
        code,
        territory.departement(code).name,
        frozenset(c.insee for c in members),
        sum(c.population for c in members),
    )


def _zones(communes: Iterable[str], level: TerritoryLevel) -> list[Zone]:
    found: dict[str, Zone] = {}
    for insee in sorted(set(communes)):
        if level is TerritoryLevel.COMMUNE:
            zones = [commune_zone(insee)]
        elif level is TerritoryLevel.EPCI:
            zones = epci_zones(insee)
        else:
            zones = [departement_zone(insee)]
        found.update((zone.code, zone) for zone in zones)
    return [found[code] for code in sorted(found)]


@dataclass(frozen=True, slots=True)
class ZoneViews(Generic[T]):
    """Per-station results grouped by zone, for each level of the territory."""

    communes: list[tuple[Zone, list[T]]]
    epcis: list[tuple[Zone, list[T]]]
    departements: list[tuple[Zone, list[T]]]


def zone_views(items: Sequence[T], *, levels: Sequence[TerritoryLevel]) -> ZoneViews[T]:
    """Group results by the zones of the levels asked (stations outside the territory left out)."""
    located = [i for i in items if i.site.commune_insee is not None]
    communes = [i.site.commune_insee for i in located if i.site.commune_insee is not None]

    def grouped(level: TerritoryLevel) -> list[tuple[Zone, list[T]]]:
        if level not in levels:
            return []
        return [(z, [i for i in located if z.holds(i.site)]) for z in _zones(communes, level)]

    return ZoneViews(
        grouped(TerritoryLevel.COMMUNE),
        grouped(TerritoryLevel.EPCI),
        grouped(TerritoryLevel.DEPARTEMENT),
    )


def view_levels(*, commune: str | None, asset_id: int | None) -> tuple[TerritoryLevel, ...]:
    """Zones worth showing: none for one asset, the commune for one commune, else all three.

    An EPCI computed from one commune's stations would pass a part for the whole.
    """
    if asset_id is not None:
        return ()
    if commune is not None:
        return (TerritoryLevel.COMMUNE,)
    return tuple(TerritoryLevel)


# --- comparisons -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Metric:
    """What a comparison compares, and which way is better."""

    name: str
    description: str
    per_inhabitant: bool
    higher_is_better: bool


ZoneMeasure = Callable[[Sequence[T]], Measure]


def _commune_values(items: Sequence[T], measure: ZoneMeasure[T]) -> dict[str, Measure]:
    communes = sorted({i.site.commune_insee for i in items if i.site.commune_insee is not None})
    return {c: measure([i for i in items if i.site.commune_insee == c]) for c in communes}


def territory_total(
    zone: Zone,
    items: Sequence[T],
    measure: ZoneMeasure[T],
    by_commune: dict[str, Measure] | None = None,
) -> TerritoryTotal:
    """A zone's value with the population of its communes that have one (its coverage)."""
    values = by_commune if by_commune is not None else _commune_values(items, measure)
    covered = sum(
        _population(c)
        for c, value in values.items()
        if c in zone.communes and value.value is not None
    )
    whole = None if zone.level is TerritoryLevel.COMMUNE else zone.population
    inside = [i for i in items if zone.holds(i.site)]
    return TerritoryTotal(zone.level, zone.code, zone.name, measure(inside), covered, whole)


def _gap(own: float | None, theirs: float | None) -> float | None:
    return 100 * (own / theirs - 1) if own is not None and theirs else None


def _row(total: TerritoryTotal, zone: Zone, metric: Metric, own: float | None) -> ComparedOut:
    inhabitant = per_inhabitant(total) if metric.per_inhabitant else None
    theirs = inhabitant.value if inhabitant is not None else total.total.value
    return ComparedOut(
        zone=zone.out(),
        value=measure_out(total.total),
        covered_population=total.population,
        per_inhabitant=None if inhabitant is None else per_inhabitant_out(inhabitant),
        commune_gap_percent=_gap(own, theirs),
    )


def _compared(total: TerritoryTotal, metric: Metric) -> float | None:
    return per_inhabitant(total).value if metric.per_inhabitant else total.total.value


def compare_commune(
    commune: str, items: Sequence[T], *, metric: Metric, measure: ZoneMeasure[T]
) -> tuple[list[ComparedOut], RankOut]:
    """A commune against its EPCI (and EPT) and département, and its rank in its stratum.

    The rank is among the communes of the same population stratum that have a value the
    caller may read; the gap is 100 × (commune ÷ territory − 1), per inhabitant if the
    metric is.
    """
    zones = [commune_zone(commune), *epci_zones(commune), departement_zone(commune)]
    by_commune = _commune_values(items, measure)
    totals = [territory_total(zone, items, measure, by_commune) for zone in zones]
    own = _compared(totals[0], metric)
    rows = [_row(total, zone, metric, own) for total, zone in zip(totals, zones, strict=True)]
    values = {
        c: _compared(TerritoryTotal(TerritoryLevel.COMMUNE, c, c, m, _population(c)), metric)
        for c, m in by_commune.items()
    }
    values[commune] = own
    populations = {c: _population(c) for c in values}
    rank = rank_among_similar(
        commune, values, populations, higher_is_better=metric.higher_is_better
    )
    peers = peer_statistics(commune, values, populations, areas=peer_areas(zones))
    return rows, rank_out(rank, peers)


def peer_areas(zones: Sequence[Zone]) -> list[tuple[str, frozenset[str]]]:
    """Where a commune's peers are looked for: its EPT or EPCI (the smaller first), then its
    département; named as the page writes them."""
    epcis = sorted(
        (z for z in zones if z.level is TerritoryLevel.EPCI), key=lambda z: len(z.communes)
    )
    found = [(f"l'intercommunalité {z.name}", z.communes) for z in epcis]
    found += [
        (f"le département {z.name} ({z.code})", z.communes)
        for z in zones
        if z.level is TerritoryLevel.DEPARTEMENT
    ]
    return found


def _population(insee: str) -> int:
    return load_territory().commune(insee).population

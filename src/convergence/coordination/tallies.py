"""Adding up equipment and projects per commune, EPCI/EPT and département, per domain.

An asset counts where it stands (its commune, that commune's EPCI, EPT and département); an
asset without a position, and every project, counts where its member is: a commune's in that
commune, an EPCI's in that EPCI, a département's in that département. Cost is the projects'
budgets plus the cost of equipment outside a budgeted project, so that equipment bought
within a project's budget is not counted twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from convergence.coordination.schemas import (
    DomainOverview,
    PlaceTally,
    Tally,
    TerritoryOverview,
)
from convergence.members.roles import MemberKind
from convergence.registry.kinds import known_domains
from convergence.servicelines import service_lines
from convergence.territory.geometry import commune_centroid
from convergence.territory.reference import Territory

COMMUNE, EPCI, DEPARTEMENT, TOTAL = "commune", "epci", "departement", "total"
Place = tuple[str, str]  # (level, code)


@dataclass(frozen=True, slots=True)
class MemberPlace:
    kind: MemberKind
    insee: str | None
    siren: str
    communes: frozenset[str]


@dataclass
class RunningTally:
    assets: int = 0
    initiatives: int = 0
    networks: Counter[str] = field(default_factory=Counter)
    suppliers: Counter[str] = field(default_factory=Counter)
    vendors: Counter[str] = field(default_factory=Counter)
    assets_cost: Decimal = Decimal(0)
    budget: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)

    def freeze(self) -> Tally:
        return Tally(
            assets=self.assets,
            initiatives=self.initiatives,
            networks=dict(sorted(self.networks.items())),
            suppliers=dict(sorted(self.suppliers.items())),
            vendors=dict(sorted(self.vendors.items())),
            assets_cost_eur=self.assets_cost,
            initiatives_budget_eur=self.budget,
            cost_eur=self.cost,
        )


@dataclass
class TallyBook:
    territory: Territory
    tallies: dict[str, dict[Place, RunningTally]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(RunningTally))
    )

    def places_of_commune(self, insee: str) -> list[Place]:
        commune = self.territory.commune(insee)
        groupings = [(EPCI, s) for s in (commune.epci_siren, commune.ept_siren) if s]
        return [(COMMUNE, insee), *groupings, (DEPARTEMENT, commune.departement), (TOTAL, "")]

    def places_of_member(self, member: MemberPlace | None) -> list[Place]:
        """Where a member's projects count (the operator's count in the total only)."""
        if member is None:
            return [(TOTAL, "")]
        if member.kind is MemberKind.commune and member.insee:
            return self.places_of_commune(member.insee)
        places: list[Place] = [(TOTAL, "")]
        if member.kind is MemberKind.epci and member.siren in {
            e.siren for e in self.territory.epcis
        }:
            places.append((EPCI, member.siren))
        departements = {self.territory.commune(c).departement for c in member.communes}
        if member.kind is not MemberKind.operator and len(departements) == 1:
            places.append((DEPARTEMENT, departements.pop()))
        return places

    def places_of_asset(self, insee: str | None, member: MemberPlace | None) -> list[Place]:
        return self.places_of_commune(insee) if insee else self.places_of_member(member)

    def add_assets(
        self,
        *,
        domain: str,
        places: list[Place],
        count: int,
        cost: Decimal | None,
        budgeted: bool,
        vendor: str | None,
    ) -> None:
        """Count ``count`` assets of one group (same commune, member, vendor) at ``places``."""
        for place in places:
            tally = self.tallies[domain][place]
            tally.assets += count
            tally.assets_cost += cost or 0
            tally.cost += 0 if budgeted else cost or 0
            if vendor:
                tally.vendors[vendor] += count

    def add_initiative(
        self,
        *,
        domain: str,
        places: list[Place],
        network: str | None,
        supplier: str | None,
        budget: Decimal | None,
    ) -> None:
        """Count one project at ``places``."""
        for place in places:
            tally = self.tallies[domain][place]
            tally.initiatives += 1
            tally.budget += budget or 0
            tally.cost += budget or 0
            if network:
                tally.networks[network] += 1
            if supplier:
                tally.suppliers[supplier.strip()] += 1

    def overview(self, *, only: str | None = None) -> TerritoryOverview:
        """The tallies by domain (every domain with data, or ``only``), the service lines
        first in their order, then the core's other domains (networks, other equipment)."""
        lines = service_lines().names()
        ordered = [*lines, *(d for d in known_domains() if d not in lines)]
        domains = [only] if only else [d for d in ordered if d in self.tallies]
        return TerritoryOverview(domains=[self._domain(d) for d in domains])

    def _domain(self, domain: str) -> DomainOverview:
        places = self.tallies.get(domain, {})
        by_level: dict[str, list[PlaceTally]] = defaultdict(list)
        for (level, code), tally in sorted(places.items()):
            if level != TOTAL:
                by_level[level].append(self._place(level, code, tally.freeze()))
        totals = places.get((TOTAL, ""), RunningTally()).freeze()
        return DomainOverview(
            domain=domain,
            totals=totals,
            communes=by_level[COMMUNE],
            epcis=by_level[EPCI],
            departements=by_level[DEPARTEMENT],
        )

    def _place(self, level: str, code: str, tally: Tally) -> PlaceTally:
        if level == COMMUNE:
            commune = self.territory.commune(code)
            lon, lat = commune_centroid(code)
            return PlaceTally(
                code=code,
                name=commune.name,
                lon=lon,
                lat=lat,
                population=commune.population,
                tally=tally,
            )
        if level == EPCI:
            epci = self.territory.epci(code)
            return PlaceTally(code=code, name=epci.name, kind=epci.kind.value, tally=tally)
        return PlaceTally(code=code, name=self.territory.departement(code).name, tally=tally)

"""Départements, EPCI/EPT and communes of the territory (COG 2026), with their lookups."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from convergence.errors import NotFound
from convergence.territory.bundle import TerritoryDoc, read_territory_document


class EpciKind(StrEnum):
    """Legal form of a grouping of communes, as the DGCL and INSEE lists spell it."""

    ca = "CA"  # communauté d'agglomération
    cc = "CC"  # communauté de communes
    cu = "CU"  # communauté urbaine
    metro = "METRO"  # métropole (here the Métropole du Grand Paris)
    ept = "EPT"  # établissement public territorial, inside the Métropole du Grand Paris


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Epci:
    """An EPCI à fiscalité propre or an EPT; ``members`` also lists communes outside 78/92."""

    siren: str
    name: str
    kind: EpciKind
    members: tuple[str, ...] = field(repr=False)  # the MGP alone has 130


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    name: str
    departement: str
    siren: str
    population: int  # population municipale
    epci_siren: str | None
    ept_siren: str | None  # only in Hauts-de-Seine


def fold_name(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form of a name, for matching."""
    ligatures_split = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", ligatures_split)
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


class Territory:
    """The reference data of the territory, indexed for lookups; immutable once built."""

    def __init__(
        self,
        *,
        departements: Iterable[Departement],
        epcis: Iterable[Epci],
        communes: Iterable[Commune],
    ) -> None:
        self._departements = {d.code: d for d in sorted(departements, key=lambda d: d.code)}
        self._epcis = {e.siren: e for e in sorted(epcis, key=lambda e: e.siren)}
        self._communes = {c.insee: c for c in sorted(communes, key=lambda c: c.insee)}
        self._folded_names = {c.insee: fold_name(c.name) for c in self._communes.values()}

    @property
    def departements(self) -> tuple[Departement, ...]:
        """Every département, by code."""
        return tuple(self._departements.values())

    @property
    def epcis(self) -> tuple[Epci, ...]:
        """Every EPCI and EPT with member communes in the territory, by SIREN."""
        return tuple(self._epcis.values())

    @property
    def communes(self) -> tuple[Commune, ...]:
        """Every commune, by INSEE code."""
        return tuple(self._communes.values())

    def commune(self, insee: str) -> Commune:
        """The commune with this INSEE code; NotFound outside the territory."""
        try:
            return self._communes[insee]
        except KeyError:
            raise NotFound(
                f"no commune with INSEE code {insee!r} in Yvelines (78) or Hauts-de-Seine (92); "
                "an INSEE code has 5 characters, e.g. 78646 for Versailles",
                insee=insee,
            ) from None

    def departement(self, code: str) -> Departement:
        """The département with this code; NotFound unless it is 78 or 92."""
        try:
            return self._departements[code]
        except KeyError:
            known = ", ".join(self._departements)
            raise NotFound(f"no département {code!r} in the territory; known: {known}") from None

    def epci(self, siren: str) -> Epci:
        """The EPCI or EPT with this SIREN; NotFound if it has no commune in the territory."""
        try:
            return self._epcis[siren]
        except KeyError:
            raise NotFound(
                f"no EPCI or EPT with SIREN {siren!r} covers a commune of the territory",
                siren=siren,
            ) from None

    def communes_of_epci(self, siren: str) -> list[Commune]:
        """The member communes of an EPCI or EPT that lie in the territory."""
        members = self.epci(siren).members
        return [self._communes[code] for code in members if code in self._communes]

    def communes_of_departement(self, code: str) -> list[Commune]:
        """The communes of a département, by INSEE code."""
        self.departement(code)
        return [c for c in self._communes.values() if c.departement == code]

    def epci_of(self, insee: str) -> Epci | None:
        """The EPCI à fiscalité propre of a commune (the Métropole du Grand Paris in 92)."""
        siren = self.commune(insee).epci_siren
        return None if siren is None else self._epcis[siren]

    def ept_of(self, insee: str) -> Epci | None:
        """The établissement public territorial of a commune of 92, None in 78."""
        siren = self.commune(insee).ept_siren
        return None if siren is None else self._epcis[siren]

    def search(self, query: str, *, limit: int = 10) -> list[Commune]:
        """Communes whose name contains ``query``, ignoring case, accents and hyphens."""
        wanted = fold_name(query)
        if not wanted:
            return []
        ranked = sorted(
            (self._match_rank(folded, wanted), folded, insee)
            for insee, folded in self._folded_names.items()
            if wanted in folded
        )
        return [self._communes[insee] for _, _, insee in ranked[:limit]]

    @staticmethod
    def _match_rank(folded: str, wanted: str) -> int:
        # Exact names first, then names starting with the query, then word starts, then the rest.
        if folded == wanted:
            return 0
        if folded.startswith(wanted):
            return 1
        return 2 if f" {wanted}" in folded else 3


def territory_from_document(document: TerritoryDoc) -> Territory:
    """Build the Territory from a parsed reference document."""
    return Territory(
        departements=[
            Departement(code=d["code"], name=d["name"]) for d in document["departements"]
        ],
        epcis=[
            Epci(
                siren=e["siren"],
                name=e["name"],
                kind=EpciKind(e["kind"]),
                members=tuple(e["members"]),
            )
            for e in document["epcis"]
        ],
        communes=[
            Commune(
                insee=c["insee"],
                name=c["name"],
                departement=c["departement"],
                siren=c["siren"],
                population=c["population"],
                epci_siren=c["epci_siren"],
                ept_siren=c["ept_siren"],
            )
            for c in document["communes"]
        ],
    )


@cache
def load_territory() -> Territory:
    """The territory shipped with the package, read on first use and then shared."""
    return territory_from_document(read_territory_document())

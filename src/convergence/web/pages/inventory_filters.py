"""The filters of the equipment list, as the page's query string carries them (in French)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query

from convergence.errors import InvalidInput
from convergence.registry.kinds import AssetStatus, known_asset_kinds, known_domains
from convergence.registry.schemas import AssetFilters

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class InventoryFilters:
    """What the person chose in the filter form; blank means "all"."""

    commune: str = ""
    domaine: str = ""
    type: str = ""
    statut: str = ""
    projet: str = ""
    q: str = ""
    page: int = 1

    def asset_filters(self, *, limit: int = PAGE_SIZE) -> AssetFilters:
        """The registry's filters for this page of results."""
        return AssetFilters(
            commune=self.commune or None,
            domain=_known(known_domains(), self.domaine, "domaine"),
            kind=_known(known_asset_kinds(), self.type, "type"),
            status=_member(AssetStatus, self.statut, "statut"),
            initiative_id=_number(self.projet, "projet"),
            q=self.q or None,
            limit=limit,
            offset=(self.page - 1) * limit,
        )

    def query(self, **changes: Any) -> str:
        """This page's query string with some values changed (pagination links)."""
        values = asdict(self) | changes
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})

    def csv_query(self) -> str:
        """The same filters in the names of the JSON API's CSV export."""
        filters = self.asset_filters()
        values = filters.model_dump(exclude={"limit", "offset"}, exclude_none=True, mode="json")
        return urlencode(values)

    def form_values(self) -> dict[str, str]:
        """The values of the filter form's fields."""
        return {k: str(v) for k, v in asdict(self).items() if k != "page"}

    @property
    def active(self) -> bool:
        return any((self.commune, self.domaine, self.type, self.statut, self.projet, self.q))


def _member(enum: type[StrEnum], value: str, name: str) -> Any:
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput(f"filtre « {name} » inconnu : {value!r}") from None


def _known(known: list[str], value: str, name: str) -> str | None:
    if not value:
        return None
    if value not in known:
        raise InvalidInput(f"filtre « {name} » inconnu : {value!r}")
    return value


def _number(value: str, name: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(f"filtre « {name} » invalide : {value!r}")
    return int(value)


def inventory_filters(
    commune: str = "",
    domaine: str = "",
    kind: Annotated[str, Query(alias="type")] = "",
    statut: str = "",
    projet: str = "",
    q: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> InventoryFilters:
    """The filters of the query string, trimmed."""
    return InventoryFilters(
        commune=commune.strip(),
        domaine=domaine.strip(),
        type=kind.strip(),
        statut=statut.strip(),
        projet=projet.strip(),
        q=q.strip(),
        page=page,
    )


InventoryFiltersDep = Annotated[InventoryFilters, Depends(inventory_filters)]

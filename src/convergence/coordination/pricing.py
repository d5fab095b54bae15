"""Unit prices paid by each member for one device model or to one supplier, compared."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from convergence.coordination.analysis import group_by
from convergence.coordination.snapshot import InitiativeInfo, Snapshot
from convergence.coordination.wording import domain_words
from convergence.territory.reference import fold_name

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class MemberPrice:
    """What one member paid for ``units`` items (assets, or units of its projects)."""

    member_id: int
    units: int
    total_eur: Decimal
    item_ids: list[int]

    @property
    def unit_price(self) -> Decimal:
        return (self.total_eur / self.units).quantize(CENT)


@dataclass(frozen=True, slots=True)
class PriceComparison:
    """The unit prices of one thing bought by several members, cheapest first."""

    key: str
    domain: str
    subject: str  # in a sentence: « le même modèle Milesight AM307 »
    name: str  # in a title: « Milesight AM307 »
    items: str  # what the ids of the evidence are: "asset_ids" or "initiative_ids"
    prices: list[MemberPrice]

    @property
    def spread(self) -> float:
        """(highest − lowest) / lowest unit price."""
        low, high = self.prices[0].unit_price, self.prices[-1].unit_price
        return float((high - low) / low)

    @property
    def savings(self) -> Decimal:
        """What every member would have saved at the lowest unit price."""
        low = self.prices[0].unit_price
        return sum(((p.unit_price - low) * p.units for p in self.prices), Decimal(0))


def model_comparisons(snapshot: Snapshot) -> list[PriceComparison]:
    """Per device model, the unit price each member paid (mean cost of its assets)."""
    comparisons = []
    for model_id, priced in sorted(
        group_by(snapshot.priced_assets, lambda a: a.device_model_id).items()
    ):
        model = snapshot.device_models[model_id]
        prices = [
            MemberPrice(
                member_id,
                len(items),
                sum((a.cost_eur for a in items), Decimal(0)),
                [a.id for a in items],
            )
            for member_id, items in group_by(priced, lambda a: a.member_id).items()
        ]
        comparisons.append(
            PriceComparison(
                key=f"device_model:{model_id}",
                domain=model.domain,
                subject=f"le même modèle {model.vendor} {model.model}",
                name=f"{model.vendor} {model.model}",
                items="asset_ids",
                prices=_cheapest_first(prices),
            )
        )
    return comparisons


def supplier_comparisons(snapshot: Snapshot) -> list[PriceComparison]:
    """Per supplier and domain, the unit price of each member's projects (budget / units)."""
    priced = [
        i
        for i in snapshot.initiatives
        if i.supplier and fold_name(i.supplier) and i.units and i.budget_eur is not None
    ]
    groups = group_by(priced, lambda i: (fold_name(i.supplier or ""), i.domain))
    return [_supplier_comparison(key, items) for key, items in sorted(groups.items())]


def _supplier_comparison(key: tuple[str, str], projects: list[InitiativeInfo]) -> PriceComparison:
    folded, domain = key
    # The spelling of the first project names the supplier in the sentence.
    supplier = projects[0].supplier or folded
    return PriceComparison(
        key=f"supplier:{folded}"[:200],
        domain=domain,
        subject=f"{domain_words(domain).things} au même fournisseur, {supplier},",
        name=f"{supplier} ({domain_words(domain).label})",
        items="initiative_ids",
        prices=_cheapest_first(_project_prices(projects)),
    )


def _project_prices(projects: list[InitiativeInfo]) -> list[MemberPrice]:
    return [
        MemberPrice(
            member_id,
            sum(i.units or 0 for i in own),
            sum((i.budget_eur or Decimal(0) for i in own), Decimal(0)),
            [i.id for i in own],
        )
        for member_id, own in group_by(projects, lambda i: i.member_id).items()
    ]


def _cheapest_first(prices: list[MemberPrice]) -> list[MemberPrice]:
    # A free unit (a gift, a trial) says nothing about the market price.
    paid = [p for p in prices if p.units > 0 and p.total_eur > 0]
    return sorted(paid, key=lambda p: (p.unit_price, p.member_id))

"""The operator's overview: equipment, projects, networks, suppliers and costs per place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from convergence.coordination.queries import territory_overview
from convergence.coordination.schemas import PlaceTally, TerritoryOverview
from convergence.errors import PermissionDenied
from convergence.registry.kinds import Domain, NetworkTechnology
from tests.coordination.builders import BOULOGNE, VERSAILLES, Builder

VGP, GPSO, MGP = "247800584", "200057974", "200054781"


def _overview(build: Builder, domain: Domain | None = None) -> TerritoryOverview:
    with build.engine.connect() as conn:
        return territory_overview(conn, scope=build.operator, domain=domain)


def _by_code(places: list[PlaceTally]) -> dict[str, PlaceTally]:
    return {p.code: p for p in places}


def test_the_overview_counts_and_costs_per_commune_epci_and_departement(build: Builder) -> None:
    versailles, boulogne = build.territory.versailles.id, build.territory.boulogne.id
    project = build.project(
        versailles, network=NetworkTechnology.lorawan, supplier="Acme", budget=10_000
    )
    build.equipment(versailles, at=VERSAILLES, initiative_id=project, cost="300")
    build.equipment(versailles, at=VERSAILLES, cost="250")
    build.equipment(versailles, at=VERSAILLES, cost="999", status="retired")
    model = build.device_model("Milesight", "AM307")
    build.equipment(boulogne, at=BOULOGNE, cost="400", device_model_id=model)
    build.equipment(build.territory.operator.id, cost="100")  # nowhere: in the totals only
    build.project(build.territory.epci.id, domain=Domain.noise, budget=5_000)

    overview = _overview(build)

    air, noise = overview.domains
    assert (air.domain, noise.domain) == (Domain.air, Domain.noise)
    communes = _by_code(air.communes)
    assert set(communes) == {VERSAILLES, BOULOGNE}
    v = communes[VERSAILLES].tally
    assert (v.assets, v.initiatives) == (2, 1)
    assert (v.networks, v.suppliers, v.vendors) == ({"lorawan": 1}, {"Acme": 1}, {})
    # The budget covers the equipment of its project: 10 000 + 250, not + 300 again.
    assert (v.assets_cost_eur, v.initiatives_budget_eur, v.cost_eur) == (550, 10_000, 10_250)
    assert communes[VERSAILLES].population == 84_095
    assert communes[VERSAILLES].lon == pytest.approx(2.12, abs=0.05)
    assert communes[BOULOGNE].tally.vendors == {"Milesight": 1}
    epcis = _by_code(air.epcis)
    assert set(epcis) == {VGP, GPSO, MGP}
    assert epcis[VGP].tally == v
    assert epcis[GPSO].kind == "EPT"
    assert _by_code(air.departements)["92"].tally.cost_eur == Decimal(400)
    assert (air.totals.assets, air.totals.cost_eur) == (4, Decimal(10_750))
    # The EPCI's own project counts for the EPCI and its département, not for a commune.
    assert noise.communes == []
    assert [p.code for p in noise.epcis] == [VGP]
    assert [p.code for p in noise.departements] == ["78"]


def test_the_overview_filters_one_domain(build: Builder) -> None:
    build.project(build.territory.versailles.id, domain=Domain.noise)
    [only] = _overview(build, Domain.lighting).domains
    assert only.domain == Domain.lighting
    assert only.totals.initiatives == 0


def test_the_overview_is_for_the_operator_only(build: Builder) -> None:
    with build.engine.connect() as conn, pytest.raises(PermissionDenied):
        territory_overview(conn, scope=build.scope(build.territory.versailles.id))

"""The territory reference data: communes, EPCI and départements of Yvelines and Hauts-de-Seine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from convergence.errors import NotFound
from convergence.territory.reference import EpciKind, fold_name, load_territory

GRAND_PARIS_SEINE_OUEST = "200057974"
METROPOLE_DU_GRAND_PARIS = "200054781"
VERSAILLES_GRAND_PARC = "247800584"
CERGY_PONTOISE = "249500109"


def test_the_territory_has_295_communes_259_in_yvelines_and_36_in_hauts_de_seine() -> None:
    territory = load_territory()
    assert len(territory.communes) == 295
    assert len(territory.communes_of_departement("78")) == 259
    assert len(territory.communes_of_departement("92")) == 36


@pytest.mark.parametrize(("code", "population"), [("78", 1_485_086), ("92", 1_654_712)])
def test_populations_municipales_add_up_per_departement(code: str, population: int) -> None:
    communes = load_territory().communes_of_departement(code)
    assert sum(c.population for c in communes) == population


def test_departements_carry_their_names() -> None:
    names = {d.code: d.name for d in load_territory().departements}
    assert names == {"78": "Yvelines", "92": "Hauts-de-Seine"}


@pytest.mark.parametrize(
    ("insee", "name"),
    [
        ("78440", "Les Mureaux"),
        ("78311", "Houilles"),
        ("92035", "La Garenne-Colombes"),
        ("78502", "Le Port-Marly"),
        ("78158", "Le Chesnay-Rocquencourt"),
        ("78320", "Notre-Dame-de-la-Mer"),
        ("78551", "Saint-Germain-en-Laye"),
        ("78646", "Versailles"),
    ],
)
def test_names_are_those_of_the_cog_2026_with_their_articles(insee: str, name: str) -> None:
    assert load_territory().commune(insee).name == name


@pytest.mark.parametrize("absorbed", ["78524", "78251", "78503"])
def test_communes_absorbed_in_2019_are_no_longer_communes(absorbed: str) -> None:
    with pytest.raises(NotFound, match=absorbed):
        load_territory().commune(absorbed)


def test_an_unknown_insee_code_says_what_a_code_looks_like() -> None:
    with pytest.raises(NotFound) as raised:
        load_territory().commune("75056")
    assert "75056" in raised.value.message
    assert "Yvelines (78) or Hauts-de-Seine (92)" in raised.value.message


def test_a_commune_carries_its_siren_and_population() -> None:
    versailles = load_territory().commune("78646")
    assert versailles.siren == "217806462"
    assert versailles.population == 84_095
    assert versailles.departement == "78"


def test_there_are_12_epci_and_4_ept() -> None:
    kinds = [e.kind for e in load_territory().epcis]
    assert len(kinds) == 16
    assert kinds.count(EpciKind.ept) == 4


def test_every_commune_of_yvelines_has_an_epci_and_no_ept() -> None:
    for commune in load_territory().communes_of_departement("78"):
        assert commune.epci_siren is not None
        assert commune.ept_siren is None


def test_every_commune_of_hauts_de_seine_is_in_the_metropole_and_one_ept() -> None:
    territory = load_territory()
    for commune in territory.communes_of_departement("92"):
        assert commune.epci_siren == METROPOLE_DU_GRAND_PARIS
        ept = territory.ept_of(commune.insee)
        assert ept is not None
        assert ept.kind is EpciKind.ept


def test_epci_of_a_commune() -> None:
    territory = load_territory()
    versailles_epci = territory.epci_of("78646")
    assert versailles_epci is not None
    assert versailles_epci.siren == VERSAILLES_GRAND_PARC
    assert versailles_epci.kind is EpciKind.ca
    assert territory.ept_of("78646") is None


def test_communes_of_an_ept() -> None:
    communes = load_territory().communes_of_epci(GRAND_PARIS_SEINE_OUEST)
    assert len(communes) == 8
    assert "Boulogne-Billancourt" in {c.name for c in communes}


def test_an_epci_straddling_departements_lists_only_its_communes_in_the_territory() -> None:
    territory = load_territory()
    cergy = territory.epci(CERGY_PONTOISE)
    in_territory = territory.communes_of_epci(CERGY_PONTOISE)
    assert len(cergy.members) == 13
    assert 0 < len(in_territory) < len(cergy.members)
    assert all(c.departement == "78" for c in in_territory)


def test_each_commune_is_a_member_of_its_epci_and_ept() -> None:
    territory = load_territory()
    for commune in territory.communes:
        for siren in filter(None, (commune.epci_siren, commune.ept_siren)):
            assert commune.insee in territory.epci(siren).members


def test_unknown_epci_and_departement_are_not_found() -> None:
    territory = load_territory()
    with pytest.raises(NotFound, match="123456789"):
        territory.communes_of_epci("123456789")
    with pytest.raises(NotFound, match="known: 78, 92"):
        territory.communes_of_departement("75")


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("garenne colombes", "La Garenne-Colombes"),
        ("SAINT-GERMAIN-EN-LAYE", "Saint-Germain-en-Laye"),
        ("elancourt", "Élancourt"),
        ("mureaux", "Les Mureaux"),
        ("chesnay", "Le Chesnay-Rocquencourt"),
        ("versailles", "Versailles"),
    ],
)
def test_search_ignores_case_accents_and_hyphens(query: str, first: str) -> None:
    assert load_territory().search(query)[0].name == first


def test_search_ranks_names_starting_with_the_query_first() -> None:
    names = [c.name for c in load_territory().search("garenne")]
    assert names[0] == "La Garenne-Colombes"  # a word start, before the other word starts
    assert set(names) == {"La Garenne-Colombes", "Saint-Martin-la-Garenne", "Villeneuve-la-Garenne"}


def test_search_for_nothing_finds_nothing() -> None:
    assert load_territory().search("  -  ") == []
    assert load_territory().search("Paris") == []


def test_search_honours_its_limit() -> None:
    assert len(load_territory().search("saint", limit=3)) == 3


def test_fold_name_splits_ligatures() -> None:
    assert fold_name("Cœur d'Yvelines") == "coeur d yvelines"


def test_the_territory_is_loaded_once() -> None:
    assert load_territory() is load_territory()


def test_importing_the_territory_modules_loads_nothing() -> None:
    script = (
        "import convergence.territory.geometry as g, convergence.territory.reference as r;"
        "print(r.load_territory.cache_info().currsize, g.load_commune_index.cache_info().currsize)"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["0", "0"]

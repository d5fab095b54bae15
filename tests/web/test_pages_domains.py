"""The domain pages (air, noise, traffic, water, lighting, charging) and the measures of an
equipment page: charts with their text alternatives, period and station, CSV, isolation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.indicators.result_schemas import NoiseIndicators
from convergence.indicators.timewindows import local_day_of
from convergence.members.roles import Role
from convergence.reports.domain_figures import default_query, domain_page_key
from convergence.reports.figures_cache import readable_owners
from convergence.reports.warmer import warm_pages
from convergence.timedcache import TimedCache
from tests.alerts.conftest import user_scope
from tests.reports.planting import Sites, plant_commune
from tests.support import Territory
from tests.web.pages_support import MARKER, add_asset, audit, log_in_as

PAGES = ("/air", "/bruit", "/trafic", "/eau", "/eclairage", "/recharge")
READERS = [Role.member_admin, Role.technician, Role.elected, Role.viewer]
DAYS = 10


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    return engine


@pytest.fixture
def versailles(client: TestClient, territory: Territory) -> Sites:
    """Versailles' equipment of every domain with the last ten days of hourly readings."""
    now = utcnow()
    first = local_day_of(now) - timedelta(days=DAYS - 1)
    return plant_commune(
        engine_of(client), territory.versailles, first=first, days=DAYS, until=now,
        prefix=f"{MARKER} ",
    )  # fmt: skip


@pytest.mark.parametrize("role", READERS)
def test_every_domain_page_renders_with_its_charts_and_their_words(
    client: TestClient, territory: Territory, versailles: Sites, role: Role
) -> None:
    log_in_as(client, territory.versailles, role)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.text
        assert audit(page).problems() == [], path
        assert "— Versailles</h1>" in page, path
        assert '<script src="/vendor/plotly/plotly.min.js"></script>' in page
        for chart in re.findall(r"<div [^>]*data-chart=[^>]*>", page):
            described = re.search(r'aria-describedby="([^"]+)"', chart)
            assert described, chart
            assert f'id="{described.group(1)}"' in page, chart
            assert 'role="img"' in chart
            assert 'aria-label="' in chart


def test_the_air_page_never_calls_its_index_the_official_one(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.versailles, Role.elected)
    page = client.get("/air").text
    assert "Indice de type ATMO calculé à partir des capteurs de la commune (non officiel)" in page
    assert not re.search(r"indice ATMO", page, flags=re.IGNORECASE)
    assert "4 — Mauvais" in page  # the particle episode of the fifth day
    # The stations measure no SO₂: a full day's index is a fact over the four they measure.
    assert "complet, calculé sans SO₂ (non mesuré)" in page
    assert "(sans SO" not in page
    assert f"{MARKER} Station air : moyenne" in page


def test_each_domain_shows_its_indicators(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.versailles, Role.viewer)
    noise = client.get("/bruit").text
    assert "<td>de 65 à 70 dB(A)</td>" in noise
    # Over the 30 days shown, 10 were measured: the period's Lden is not a figure.
    assert "données insuffisantes (" in noise
    yesterday = local_day_of(utcnow()) - timedelta(days=1)
    first = (yesterday - timedelta(days=DAYS - 2)).isoformat()
    noise = client.get("/bruit", params={"du": first, "au": yesterday.isoformat()}).text
    # Lden: 66 dB(A) by day, 58 in the evening and night; its completeness next to it.
    assert "<strong>66,2 dB(A)</strong>" in noise
    # (the last night runs into today: its morning hours may not be in yet)
    assert re.search(r"données : \d+\u202f% des heures \(règle : 75\u202f%\)", noise)
    traffic = client.get("/trafic").text
    assert "TMJ (véhicules/jour)" in traffic
    assert "7\u202f120" in traffic  # a day: 10 busy hours × 600 + 14 quiet hours × 80
    water = client.get("/eau").text
    assert "1,00 / 1,50 / 2,00 m" in water
    assert re.search(r'class="badge [^"]+" style="background: #[0-9a-f]{6}">(jaune|orange)', water)
    lighting = client.get("/eclairage").text
    assert "Énergie consommée par jour" in lighting
    assert "kWh" in lighting
    assert "Disponibilité et usage" in client.get("/recharge").text


def test_a_period_and_a_station_are_chosen(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.versailles, Role.viewer)
    today = local_day_of(utcnow())
    first = today - timedelta(days=2)
    page = client.get(f"/air?du={first.isoformat()}&au={today.isoformat()}").text
    assert "(3 jours)" in page
    assert f'value="{first.isoformat()}"' in page
    one = client.get(f"/air?equipement={versailles.air}").text
    assert f"équipement « {MARKER} Station air »" in one
    csv_link = re.findall(r'href="(/api/v1/series/values\?[^"]+)"', one)[0].replace("&amp;", "&")
    assert f"asset_id={versailles.air}" in csv_link
    csv = client.get(csv_link)
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "no2" in csv.text


def test_a_wrong_period_is_reported_and_the_default_used(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.versailles, Role.viewer)
    response = client.get("/bruit?du=hier&au=2026-01-01")
    assert response.status_code == 422
    assert "Saisissez une date au format AAAA-MM-JJ." in response.text
    assert "(30 jours)" in response.text
    backwards = client.get("/bruit?du=2026-03-10&au=2026-03-01")
    assert "La date de fin précède la date de début." in backwards.text
    too_long = client.get("/bruit?du=2024-01-01&au=2026-03-01")
    assert "Une période dure au plus 400 jours." in too_long.text


def test_another_commune_sees_nothing_of_versailles(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.boulogne, Role.member_admin)
    for path in PAGES:
        page = client.get(path).text
        assert MARKER not in page, path
        assert "Versailles" not in page, path
        assert "Aucun équipement de ce domaine" in page, path
    assert client.get("/air?commune=78646").status_code == 404
    hidden = client.get(f"/air?equipement={versailles.air}")
    assert hidden.status_code == 404
    assert MARKER not in hidden.text
    assert client.get(f"/inventaire/{versailles.air}").status_code == 404


def test_the_epci_reads_shared_aggregates_without_station_names(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.epci, Role.viewer)
    page = client.get("/air").text
    assert "— Versailles</h1>" in page
    assert "Indice de type ATMO" in page
    assert MARKER not in page  # names are full-scope data; Versailles shares aggregates only
    assert client.get(f"/air?equipement={versailles.air}").status_code == 404


def test_the_equipment_page_shows_its_latest_values_and_curves(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    quiet = add_asset(client, territory.versailles, "Capteur neuf")
    log_in_as(client, territory.versailles, Role.viewer)
    page = client.get(f"/inventaire/{versailles.water}").text
    assert "<caption>Dernière valeur valide de chaque mesure</caption>" in page
    assert re.search(
        r"<th scope=\"row\">Hauteur d&#39;eau</th>\s*<td class=\"number\">1,\d\d m</td>", page
    )
    assert 'aria-describedby="mesure-1-resume"' in page
    assert f"{MARKER} Limnimètre : moyenne" in page
    assert f'href="/eau?equipement={versailles.water}"' in page
    assert audit(page).problems() == []
    empty = client.get(f"/inventaire/{quiet['id']}").text
    assert "Aucune mesure n&#39;est encore disponible" in empty or "Aucune mesure n'est" in empty
    assert "plotly.min.js" not in empty


def test_plotly_is_served_from_the_installed_package(client: TestClient) -> None:
    response = client.get("/vendor/plotly/plotly.min.js")
    assert response.status_code == 200
    assert "plotly.js" in response.text[:300].lower()
    assert client.get("/static/js/charts.js").status_code == 200


def test_a_station_link_opens_its_own_commune(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    today = local_day_of(utcnow())
    boulogne = plant_commune(
        engine_of(client), territory.boulogne, first=today, days=1, until=utcnow(), prefix="B "
    )
    log_in_as(client, territory.operator, Role.operator_admin)
    assert "— Boulogne-Billancourt</h1>" in client.get("/eau").text  # the first by name
    page = client.get(f"/eau?equipement={versailles.water}").text
    assert "— Versailles</h1>" in page
    assert f"équipement « {MARKER} Limnimètre »" in page
    assert client.get(f"/air?equipement={boulogne.water}").status_code == 404  # not an air station


def test_the_first_visit_of_a_domain_page_reads_what_the_warmer_computed(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    engine = engine_of(client)
    cache: TimedCache = client.app.state.convergence.page_cache  # type: ignore[attr-defined]
    warm_pages(engine, cache)
    today = local_day_of(utcnow())
    own = user_scope(engine, territory.versailles, Role.viewer)
    with engine.connect() as conn:
        owners = readable_owners(conn, scope=own, communes=["78646"])["78646"]
    key = domain_page_key("noise", owners, default_query(today, commune="78646"))
    kept = cache.get_or_compute(key, never_computed)
    assert isinstance(kept, NoiseIndicators)
    # What the warmer kept, its meter renamed so that the page shows where it read from.
    marked = kept.model_copy(
        update={
            "stations": [
                s.model_copy(update={"station": s.station.model_copy(update={"name": WARMED})})
                for s in kept.stations
            ]
        }
    )
    cache.put(key, marked)

    for member, role, path in (
        (territory.versailles, Role.viewer, "/bruit"),
        (territory.operator, Role.operator_admin, "/bruit?commune=78646"),
    ):
        log_in_as(client, member, role)
        assert WARMED in client.get(path).text, path


WARMED = "Sonomètre du préchauffage"


def never_computed() -> BaseModel:
    raise AssertionError("the warmer did not compute the page")

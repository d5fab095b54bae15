"""The dashboard: the day's key indicators with their classes and trends, open alerts,
equipment health, comparison with the EPCI and the département, reports; isolation."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.alerts.evaluation import evaluate_batch
from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of
from convergence.members.roles import Role
from convergence.reports.figures_cache import warm_key_figures
from convergence.reports.overview import compared_key, comparison_query
from convergence.reports.warmer import warm_pages
from convergence.servicelines import service_lines
from convergence.timedcache import TimedCache
from convergence.timeseries.store import NewReading, store_readings
from convergence.web.pages.dashboard_cache import visibility
from tests.alerts.conftest import user_scope
from tests.reports.planting import Sites, plant_commune
from tests.reports.test_figures_cache import figures_key, never
from tests.support import Territory
from tests.web.pages_support import MARKER, add_asset, audit, log_in_as

READERS = [Role.member_admin, Role.technician, Role.elected, Role.viewer]
DAYS = 15


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    return engine


@pytest.fixture
def versailles(client: TestClient, territory: Territory) -> Sites:
    """Versailles' equipment with the last fifteen days of hourly readings."""
    now = utcnow()
    first = local_day_of(now) - timedelta(days=DAYS - 1)
    return plant_commune(
        engine_of(client), territory.versailles, first=first, days=DAYS, until=now,
        prefix=f"{MARKER} ",
    )  # fmt: skip


def fire_alert(client: TestClient, territory: Territory, asset_id: int) -> None:
    """A Versailles water-level rule fired by a reading of now."""
    rule = {"name": f"{MARKER} crue", "target_kind": "asset", "asset_id": asset_id,
            "params": {"kind": "threshold", "quantity": "water_level", "limit": 1.8}}  # fmt: skip
    response = client.post("/api/v1/alert-rules", headers=territory.versailles.bearer(), json=rule)
    assert response.status_code == 201, response.text
    reading = NewReading(asset_id, territory.versailles.id, "water_level", "m", utcnow(), 1.9)
    with engine_of(client).begin() as conn:
        assert evaluate_batch(conn, stored=store_readings(conn, [reading]).inserted).fired


def test_the_home_page_opens_the_dashboard(client: TestClient, territory: Territory) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/connexion"
    log_in_as(client, territory.versailles, Role.viewer)
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/tableau-de-bord"


@pytest.mark.parametrize("role", READERS)
def test_every_role_reads_the_day_s_indicators(
    client: TestClient, territory: Territory, versailles: Sites, role: Role
) -> None:
    log_in_as(client, territory.versailles, role)
    page = client.get("/tableau-de-bord").text
    assert "<h1>Tableau de bord — Versailles</h1>" in page
    assert audit(page).problems() == []
    assert audit(page).current == ["/tableau-de-bord"]
    assert "Indice de type ATMO calculé à partir des capteurs de la commune (non officiel)" in page
    assert not re.search(r"indice ATMO", page, flags=re.IGNORECASE)
    assert re.search(
        r'<span class="badge badge-light" style="background: #50CCAA">Moyen</span>', page
    )
    assert "66,2 dB(A)" in page  # yesterday's Lden
    assert "7\u202f120 véhicules" in page
    assert "par rapport au TMJ des 14 derniers jours" in page
    assert re.search(r'style="background: #ff9940">Orange</span>', page)  # water level
    assert "168 kWh" in page  # 14 lit hours × 12 kW
    assert "Recharge de véhicules" in page
    assert "Pas de données" in page  # no charge point reported its status (OCPP)


def test_every_trend_has_its_words(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.versailles, Role.elected)
    page = client.get("/tableau-de-bord").text
    charts = re.findall(r"<div [^>]*data-chart=[^>]*>", page)
    assert len(charts) == 5  # every domain but charging has a trend
    for chart in charts:
        described = re.search(r'aria-describedby="([^"]+)"', chart)
        assert described, chart
        words = re.search(rf'id="{described.group(1)}">([^<]+)<', page)
        assert words, chart
        assert words.group(1).startswith("Tendance (")
    assert '<script src="/vendor/plotly/plotly.min.js"></script>' in page


def test_alerts_health_comparison_and_reports(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    fire_alert(client, territory, versailles.water)
    log_in_as(client, territory.versailles, Role.elected)
    page = client.get("/tableau-de-bord").text
    assert f"{MARKER} crue</a>" in page
    assert "<caption>7 équipements par statut</caption>" in page
    assert "1 équipement en service sans donnée depuis plus de 24 heures" in page
    assert f"{MARKER} Capteur muet</a>" in page
    for zone in ("Versailles", "CA Versailles Grand Parc", "Yvelines"):
        assert f'<th scope="row">{zone}' in page
    # Versailles alone shares its data: no comparison with itself, no rank among one.
    assert "seule la commune partage ses données à cette échelle : pas de comparaison" in page
    assert "moins de trois communes de" in page
    assert "Rang :" not in page
    months = re.findall(r'href="(/rapports/\d{4}-\d{2}\.pdf\?commune=78646)"', page)
    assert len(months) == 2
    assert client.get(months[1]).headers["content-type"] == "application/pdf"


def test_another_commune_sees_only_its_own_dashboard(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    fire_alert(client, territory, versailles.water)
    log_in_as(client, territory.boulogne, Role.member_admin)
    page = client.get("/tableau-de-bord").text
    assert "<h1>Tableau de bord — Boulogne-Billancourt</h1>" in page
    assert MARKER not in page
    assert "Versailles" not in page
    # One card per installed line with a dashboard card, none with data for Boulogne.
    assert page.count("Pas de données") == sum(1 for line in service_lines() if line.dashboard)
    hidden = client.get("/tableau-de-bord?commune=78646")
    assert hidden.status_code == 404
    assert MARKER not in hidden.text


def test_the_epci_sees_the_aggregates_its_communes_share(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.epci, Role.viewer)
    page = client.get("/tableau-de-bord?commune=78646").text
    assert "<h1>Tableau de bord — Versailles</h1>" in page
    assert '<option value="78646" selected>Versailles</option>' in page
    assert "66,2 dB(A)" in page
    assert MARKER not in page  # station names are full-scope data: only aggregates are shared


def test_the_operator_picks_a_commune(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.operator, Role.operator_admin)
    page = client.get("/tableau-de-bord?commune=78646").text
    assert "<h1>Tableau de bord — Versailles</h1>" in page
    assert audit(page).problems() == []
    other = client.get("/tableau-de-bord?commune=92012")
    assert other.status_code == 404  # Boulogne has no equipment: nothing to show


def test_a_territory_opening_a_commune_shows_the_key_figures_kept_for_the_same_data(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    engine = engine_of(client)
    cache: TimedCache = client.app.state.convergence.page_cache  # type: ignore[attr-defined]
    log_in_as(client, territory.epci, Role.viewer)
    epci = user_scope(engine, territory.epci, Role.viewer)
    warm_key_figures(engine, cache)
    key = figures_key(engine, epci, "78646", local_day_of(utcnow()))
    kept = cache.get_or_compute(key, never)
    # What the warmer kept for the readers of Versailles' aggregates, marked so it shows.
    marked = [replace(f, headline="72,5 dB(A)") if f.domain == "noise" else f for f in kept]
    cache.put(key, marked)

    page = client.get("/tableau-de-bord?commune=78646").text

    assert "72,5 dB(A)" in page  # not computed again for the EPCI's drill-down


def test_a_dashboard_without_equipment_says_so(client: TestClient, territory: Territory) -> None:
    log_in_as(client, territory.boulogne, Role.viewer)
    page = client.get("/tableau-de-bord").text
    assert "<h1>Tableau de bord — Boulogne-Billancourt</h1>" in page
    assert page.count("Pas de données") >= 6
    assert audit(page).problems() == []


def test_indicators_are_kept_a_few_minutes_per_visibility(
    engine: Engine, territory: Territory
) -> None:
    calls: list[str] = []

    def compute(name: str) -> str:
        calls.append(name)
        return name

    cache = TimedCache(ttl_s=60, max_entries=2)
    assert cache.get_or_compute("a", lambda: compute("a")) == "a"
    assert cache.get_or_compute("a", lambda: compute("again")) == "a"
    cache.get_or_compute("b", lambda: compute("b"))
    cache.get_or_compute("c", lambda: compute("c"))  # the oldest, "a", makes room
    assert cache.get_or_compute("a", lambda: compute("a")) == "a"
    assert calls == ["a", "b", "c", "a"]
    expired = TimedCache(ttl_s=0)
    expired.get_or_compute("a", lambda: compute("x"))
    expired.get_or_compute("a", lambda: compute("y"))
    assert calls[-2:] == ["x", "y"]
    scopes = {
        member.key: user_scope(engine, member, role)
        for member, role in (
            (territory.versailles, Role.viewer),
            (territory.boulogne, Role.viewer),
            (territory.epci, Role.viewer),
        )
    }
    keys = {key: visibility(scope) for key, scope in scopes.items()}
    assert len(set(keys.values())) == 3
    assert visibility(user_scope(engine, territory.versailles, Role.elected)) == keys["versailles"]


def test_a_gauge_without_thresholds_shows_its_height_unclassed(
    client: TestClient, territory: Territory
) -> None:
    gauge = add_asset(client, territory.boulogne, "Limnimètre quai", domain="water")
    reading = NewReading(gauge["id"], territory.boulogne.id, "water_level", "m", utcnow(), 1.23)
    with engine_of(client).begin() as conn:
        store_readings(conn, [reading])
    log_in_as(client, territory.boulogne, Role.viewer)
    page = client.get("/tableau-de-bord").text
    assert '<p class="value">1,23 m</p>' in page
    assert "seuils du site non renseignés : niveau non classé" in page


def test_anonymous_visitors_are_sent_to_the_login_page(client: TestClient) -> None:
    for path in (
        "/tableau-de-bord", "/air", "/bruit", "/trafic", "/eau", "/eclairage", "/recharge",
        "/alertes", "/alertes/abonnements", "/admin/integrations", "/admin/messages-rejetes",
        "/admin/appareils-decouverts", "/rapports/2026-10.pdf",
    ):  # fmt: skip
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/connexion?suivant="), path


def test_a_domain_page_of_a_commune_without_its_equipment_says_so(
    client: TestClient, territory: Territory
) -> None:
    log_in_as(client, territory.boulogne, Role.elected)
    response = client.get("/eau?commune=92012")
    assert response.status_code == 200
    assert "Boulogne-Billancourt n'a aucun équipement de ce domaine" in response.text
    assert client.get("/eau?commune=78646").status_code == 404  # not Boulogne's to read


def test_counts_are_charted_without_an_internal_unit(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.versailles, Role.elected)
    page = client.get("/trafic").text
    assert "Nombre de véhicules" in page
    assert "(count)" not in page


def test_a_territory_compares_each_commune_with_the_stations_kept_for_all(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    engine = engine_of(client)
    cache: TimedCache = client.app.state.convergence.page_cache  # type: ignore[attr-defined]
    log_in_as(client, territory.epci, Role.viewer)
    epci = user_scope(engine, territory.epci, Role.viewer)
    today = local_day_of(utcnow())
    warm_pages(engine, cache)
    noise = service_lines().get("noise")
    key = compared_key("noise", epci, today)
    with engine.connect() as conn:
        assert cache.get_or_compute(key, never_compared) == noise.comparison.stations(
            conn, epci, comparison_query(today)
        )
    cache.put(key, [])  # the EPCI's noise stations, as kept, emptied so that it shows

    page = client.get("/tableau-de-bord?commune=78646").text

    assert '<p class="value">66,2 dB(A)</p>' in page  # the key figure
    assert '<td class="number">66,2 dB(A)</td>' not in page  # compared with what was kept


def test_a_commune_s_readers_keep_their_dashboard_not_the_stations_it_compares(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    cache: TimedCache = client.app.state.convergence.page_cache  # type: ignore[attr-defined]
    log_in_as(client, territory.versailles, Role.viewer)
    own = user_scope(engine_of(client), territory.versailles, Role.viewer)

    assert "Comparaison avec" in client.get("/tableau-de-bord").text

    # No room taken in the cache per line for a commune its readers see alone.
    for line in ("air", "noise", "traffic"):
        with pytest.raises(AssertionError):
            cache.get_or_compute(compared_key(line, own, local_day_of(utcnow())), never_compared)


def never_compared() -> list[object]:
    raise AssertionError("the warmer did not compute the stations compared")

"""The territory dashboard of an EPCI, a département and the operator: every commune side by
side with its state, the open alerts of the whole territory, what each commune shares."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of
from convergence.members.roles import Role, ShareLevel
from convergence.members.tables import members
from tests.reports.planting import Sites, plant_commune
from tests.reports.test_report import pdf_text
from tests.support import Territory
from tests.web.pages_support import MARKER, audit, log_in_as
from tests.web.test_pages_dashboard import DAYS, engine_of, fire_alert

TERRITORY = "/tableau-de-bord/territoire"


@pytest.fixture
def versailles(client: TestClient, territory: Territory) -> Sites:
    """Versailles' equipment with the last fifteen days of hourly readings."""
    now = utcnow()
    first = local_day_of(now) - timedelta(days=DAYS - 1)
    return plant_commune(
        engine_of(client), territory.versailles, first=first, days=DAYS, until=now,
        prefix=f"{MARKER} ",
    )  # fmt: skip


def commune_row(page: str, name: str) -> str:
    """The table row of commune ``name`` on the territory dashboard."""
    found = re.search(
        rf"<tr data-insee=\"\d+\">\s*<th scope=\"row\">(?:<a[^>]*>)?{name}.*?</tr>", page, re.S
    )
    assert found, f"{name} is not listed"
    return found.group(0)


def map_states(page: str) -> dict[str, dict[str, str]]:
    found = re.search(r'data-states="([^"]*)"', page)
    assert found
    text = found.group(1).replace("&#34;", '"').replace("&quot;", '"').replace("&#39;", "'")
    states: dict[str, dict[str, str]] = json.loads(text)
    return states


def test_the_epci_dashboard_opens_on_its_territory(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.epci, Role.viewer)
    response = client.get("/tableau-de-bord", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == TERRITORY

    page = client.get(TERRITORY).text
    assert "<h1>Tableau de bord — CA Versailles Grand Parc</h1>" in page
    row = commune_row(page, "Versailles")
    assert '<a href="/tableau-de-bord?commune=78646">' in row  # it shares: drill down
    assert "Données à jour, aucune alerte" in row
    # Its noise figure, an aggregate it shares. The planted sound level repeats one value for
    # hours, which the flat-line test sets aside: how much depends on the hour the test runs,
    # so the figure is either a level or honestly says how little is left — never absent.
    noise = r"\d+,\d dB\(A\) \(classe de \d+ à \d+ dB\(A\)\)"
    assert re.search(rf"<td>(?:{noise}|données insuffisantes \(\d+\W%\))</td>", row)
    assert MARKER not in page  # names of equipment are full data
    # Every commune of the EPCI is there, members with a state, the others listed by name.
    assert "Le Chesnay-Rocquencourt" in page
    assert "Bougival" in page
    assert map_states(page)["78646"]["state"] == "ok"
    assert map_states(page)["78073"]["state"] == "not_member"  # Bois-d'Arcy
    assert audit(page).problems() == []


def test_an_alert_of_one_commune_shows_for_its_territory(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    fire_alert(client, territory, versailles.water)
    log_in_as(client, territory.epci, Role.viewer)

    page = client.get(TERRITORY).text

    assert "Alerte en cours" in commune_row(page, "Versailles")
    assert "1 alerte en attente de prise en charge" in page  # « À décider »
    alerts = page[page.index('id="alertes"') : page.index('id="sans-donnees"')]
    assert "Versailles" in alerts
    assert "Eau et crues" in alerts
    assert "1 alerte ouverte" in alerts
    assert MARKER not in alerts  # the rule's name is Versailles' own, not shared
    assert map_states(page)["78646"]["state"] == "alert"


def test_a_commune_that_shares_nothing_shows_only_its_name(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    with engine_of(client).begin() as conn:
        conn.execute(
            update(members)
            .where(members.c.id == territory.versailles.id)
            .values(share_level=ShareLevel.none.value)
        )
    log_in_as(client, territory.epci, Role.viewer)

    row = commune_row(client.get(TERRITORY).text, "Versailles")

    assert "Ne partage pas ses données" in row
    assert "dB(A)" not in row
    assert "href" not in row


def test_the_operator_reads_every_commune_in_full(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    fire_alert(client, territory, versailles.water)
    log_in_as(client, territory.operator, Role.operator_admin)

    page = client.get("/tableau-de-bord").text  # redirected to the territory

    assert "Alerte en cours" in commune_row(page, "Versailles")
    assert "Pas de données" in commune_row(page, "Boulogne-Billancourt")
    assert f"{MARKER} crue" in page  # the operator reads rules in full
    states = map_states(page)
    assert {"78646", "92012"} <= states.keys()
    assert len(states) > 250


def test_a_commune_is_sent_back_to_its_own_dashboard(
    client: TestClient, territory: Territory
) -> None:
    log_in_as(client, territory.versailles, Role.elected)
    response = client.get(TERRITORY, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/tableau-de-bord"


def test_the_operator_s_report_covers_its_territory(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.operator, Role.operator_admin)
    month = client.get(TERRITORY).text
    link = re.search(r'href="(/rapports/\d{4}-\d{2}\.pdf)"', month)
    assert link
    response = client.get(link.group(1))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Versailles" in text  # its sections, not « aucune commune »
    assert "Aucune commune avec des équipements" not in text


def test_the_territory_pdf_covers_every_commune_of_the_epci(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    fire_alert(client, territory, versailles.water)
    log_in_as(client, territory.epci, Role.viewer)
    link = re.search(r'href="(/rapports/\d{4}-\d{2}\.pdf)"', client.get(TERRITORY).text)
    assert link

    text = " ".join(pdf_text(client.get(link.group(1)).content).split())

    territory_part = text[text.index("Le territoire — CA Versailles Grand Parc") :]
    communes = territory_part[: territory_part.index("Alertes ouvertes du territoire")]
    assert "1 commune(s) adhérente(s)" in communes
    assert "Versailles Alerte en cours 1 7" in communes  # its state, alerts and equipment
    assert "Qualité de l'air : Moyen" in communes  # each domain's figure of the day
    assert "Trafic :" in communes
    alerts = territory_part[: territory_part.index("Communes sans donnée récente")]
    assert "1 alerte(s) ouverte(s)" in alerts
    assert "Versailles Eau et crues Hauteur d'eau" in alerts
    assert MARKER not in text  # the rule's and equipment's names are Versailles' own
    assert "Communes non adhérentes (16) :" in territory_part
    assert "Bougival" in territory_part


def test_the_operators_pdf_names_the_member_communes_without_data(
    client: TestClient, territory: Territory, versailles: Sites
) -> None:
    log_in_as(client, territory.operator, Role.operator_admin)
    link = re.search(r'href="(/rapports/\d{4}-\d{2}\.pdf)"', client.get(TERRITORY).text)
    assert link

    text = " ".join(pdf_text(client.get(link.group(1)).content).split())

    assert "Le territoire — Syndicat numérique" in text
    assert "2 commune(s) adhérente(s)" in text
    silent = text[text.index("Communes sans donnée récente") :]
    assert "Boulogne-Billancourt — Pas de données" in silent
    assert "Versailles Données à jour, aucune alerte" in text

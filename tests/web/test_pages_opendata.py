"""The open-data page: an administrator chooses what the member publishes; the catalogue
lists what is published with links to the public files; others only read the catalogue."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.support import Territory
from tests.web.pages_support import add_asset, audit, log_in_as


def test_an_administrator_publishes_and_the_catalogue_links_the_files(
    client: TestClient, territory: Territory
) -> None:
    add_asset(client, territory.versailles, "Station de la mairie")
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    page = client.get("/donnees-ouvertes").text
    assert "Aucun jeu de données n'est encore publié." in page
    assert audit(page).problems() == []

    done = html.unescape(
        client.post("/donnees-ouvertes/equipment/publier", data={"csrf_token": csrf}).text
    )

    assert "est publié : il figure au catalogue" in done
    catalogue = done[done.index('id="catalogue"') :]
    assert "Versailles" in catalogue
    links = re.findall(r'href="(https?://[^"]+/files/[^"]+)"', catalogue)
    assert links
    file = client.get(links[0])
    assert file.status_code == 200
    assert "Station de la mairie" in file.text

    log_in_as(client, territory.boulogne, Role.elected)
    other = client.get("/donnees-ouvertes").text
    assert 'id="publier"' not in other  # Boulogne's elected official does not administer
    assert "Station de la mairie" not in other  # names live in the files, not the page
    assert links[0].replace("&amp;", "&") in html.unescape(other)


def test_only_administrators_publish(client: TestClient, territory: Territory) -> None:
    for role in (Role.elected, Role.technician, Role.viewer):
        csrf = log_in_as(client, territory.versailles, role)
        response = client.post("/donnees-ouvertes/equipment/publier", data={"csrf_token": csrf})
        assert response.status_code == 403

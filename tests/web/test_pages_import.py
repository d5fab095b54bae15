"""The CSV import page: the line-by-line report of a refused file, the count of a good one."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, Territory
from tests.web.pages_support import log_in_as

V_LON, V_LAT = VERSAILLES_TOWN_HALL
B_LON, B_LAT = BOULOGNE_TOWN_HALL


def upload(client: TestClient, csrf: str, text: str) -> str:
    response = client.post(
        "/inventaire/import",
        data={"csrf_token": csrf},
        files={"fichier": ("equipements.csv", text.encode(), "text/csv")},
    )
    return f"{response.status_code}\n{response.text}"


def report_rows(page: str) -> list[tuple[str, str]]:
    """(ligne, raison) rows of the error table."""
    body = page.split("<caption>Erreurs ligne par ligne</caption>")[1].split("</table>")[0]
    return re.findall(r'<tr><td class="number">(\d+)</td><td>(.*?)</td></tr>', body)


def test_a_bad_file_is_refused_with_its_line_errors(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.technician)
    page = upload(
        client,
        csrf,
        "nom;type;longitude;latitude;dev_eui\n"
        f"Capteur bon;sensor;{V_LON};{V_LAT};70B3D57ED0001234\n"
        f"Capteur sans type;;{V_LON};{V_LAT};\n"
        f"Capteur à Boulogne;sensor;{B_LON};{B_LAT};\n"
        f"Capteur doublon;sensor;{V_LON};{V_LAT};70B3D57ED0001234\n",
    )
    assert page.startswith("422\n")
    assert "Le fichier a été refusé : rien n'a été importé" in page
    assert "3 lignes sur 4 posent problème" in page
    rows = report_rows(page)
    assert [line for line, _ in rows] == ["3", "4", "5"]
    assert "kind" in rows[0][1]
    assert "hors du territoire de l&#39;adhérent" in rows[1][1]
    assert "already appears on line 2" in rows[2][1]
    assets = client.get("/api/v1/assets", headers=territory.versailles.bearer()).json()["items"]
    assert assets == []


def test_a_good_file_is_imported_and_counted(client: TestClient, territory: Territory) -> None:
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    page = upload(
        client,
        csrf,
        f"name,kind,lon,lat\nA,sensor,{V_LON},{V_LAT}\nB,camera,{V_LON},{V_LAT}\n",
    )
    assert page.startswith("200\n")
    assert "2 équipements importés" in page
    assets = client.get("/api/v1/assets", headers=territory.versailles.bearer()).json()["items"]
    assert sorted(a["name"] for a in assets) == ["A", "B"]


def test_a_wrong_header_or_an_empty_file_says_why(client: TestClient, territory: Territory) -> None:
    csrf = log_in_as(client, territory.versailles, Role.technician)
    unknown = upload(client, csrf, "nom,couleur\nA,bleu\n")
    assert unknown.startswith("422\n")
    assert "colonne inconnue « couleur »" in unknown
    empty = upload(client, csrf, "")
    assert empty.startswith("422\n")
    assert "Choisissez un fichier CSV non vide." in empty


def test_an_import_without_its_csrf_token_is_refused(
    client: TestClient, territory: Territory
) -> None:
    log_in_as(client, territory.versailles, Role.technician)
    page = upload(client, "forged", f"name,kind,lon,lat\nA,sensor,{V_LON},{V_LAT}\n")
    assert page.startswith("403\n")
    assert client.get("/api/v1/assets", headers=territory.versailles.bearer()).json()["items"] == []

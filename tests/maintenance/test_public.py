"""The public report form behind a QR code: no account, a signed address, throttled, bounded."""

from __future__ import annotations

import io
import re

import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

from convergence.members.roles import Role
from tests.maintenance.test_contractors import _company, _ticket_under_contract
from tests.support import Territory
from tests.web.session import log_in

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _link(client: TestClient, territory: Territory) -> tuple[str, int]:
    company = _company(client, territory, "Prestataire QR")
    ticket = _ticket_under_contract(client, territory.versailles, company, "panne QR")
    headers = territory.versailles.bearer("read")
    asset_id = client.get(f"/api/v1/maintenance/tickets/{ticket}", headers=headers).json()[
        "asset_id"
    ]
    link = client.get(f"/api/v1/maintenance/assets/{asset_id}/report-link", headers=headers)
    assert link.status_code == 200
    return link.json()["url"].removeprefix("http://testserver"), asset_id


def _send(client: TestClient, path: str, text: str) -> int:
    form = client.get(path)
    assert form.status_code == 200
    match = CSRF.search(form.text)
    assert match
    return client.post(path, data={"description": text, "csrf_token": match.group(1)}).status_code


def test_a_passer_by_reports_a_fault_without_an_account(
    client: TestClient, territory: Territory
) -> None:
    path, asset_id = _link(client, territory)
    assert "Signaler un problème" in client.get(path).text
    assert _send(client, path, "l'écran reste noir") == 200
    tickets = client.get(
        "/api/v1/maintenance/tickets", headers=territory.versailles.bearer("read"),
        params={"asset_id": asset_id},
    ).json()["items"]  # fmt: skip
    # The asset already had a reported ticket: the passer-by's report adds to it.
    [ticket] = tickets
    history = client.get(
        f"/api/v1/maintenance/tickets/{ticket['id']}/history",
        headers=territory.versailles.bearer("read"),
    ).json()["items"]
    assert [(e["action"], e["actor"], e["note"]) for e in history][-1] == (
        "updated", "public", "l'écran reste noir"
    )  # fmt: skip
    assert ticket["contract_id"] is not None


def test_the_form_is_throttled_bounded_and_its_address_unguessable(
    client: TestClient, territory: Territory
) -> None:
    path, _ = _link(client, territory)
    assert _send(client, path, "x" * 1001) == 422
    assert _send(client, path, "") == 422
    statuses = [_send(client, path, f"panne {i}") for i in range(4)]
    assert statuses[:2] == [200, 200]
    assert 429 in statuses  # two a minute per client by default
    assert client.get("/signalement/1").status_code == 404
    assert client.get(path[:-3] + "abc").status_code == 404


def _decoded(png: bytes) -> list[str]:
    """What a QR reader (zxing-cpp) reads in a PNG image."""
    image = Image.open(io.BytesIO(png))
    return [found.text for found in zxingcpp.read_barcodes(image)]


def test_the_qr_code_printed_on_the_charger_reads_as_its_form_address(
    client: TestClient, territory: Territory
) -> None:
    path, asset_id = _link(client, territory)
    headers = territory.versailles.bearer("read")
    png = client.get(f"/api/v1/maintenance/assets/{asset_id}/report-qr.png", headers=headers)
    assert (png.status_code, png.headers["content-type"]) == (200, "image/png")
    [read] = _decoded(png.content)
    assert read == f"http://testserver{path}"
    assert "Signaler un problème" in client.get(read.removeprefix("http://testserver")).text

    svg = client.get(f"/api/v1/maintenance/assets/{asset_id}/report-qr.svg", headers=headers)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg")

    # Another commune gets nothing: not its equipment.
    other = territory.boulogne.bearer("read")
    for kind in ("png", "svg"):
        refused = client.get(f"/api/v1/maintenance/assets/{asset_id}/report-qr.{kind}",
                             headers=other)  # fmt: skip
        assert refused.status_code == 404


def test_the_printable_page_shows_the_code_for_members_who_read_the_equipment(
    client: TestClient, territory: Territory
) -> None:
    path, asset_id = _link(client, territory)
    log_in(client, territory.versailles.user(Role.technician))
    page = client.get(f"/maintenance/equipements/{asset_id}/qr")
    assert page.status_code == 200
    assert "QR code du formulaire de signalement" in page.text
    assert f"http://testserver{path}" in page.text
    assert "<svg" in page.text
    client.cookies.clear()
    log_in(client, territory.boulogne.user(Role.technician))
    assert client.get(f"/maintenance/equipements/{asset_id}/qr").status_code == 404

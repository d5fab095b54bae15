"""The public report form behind a QR code: no account, a signed address, throttled, bounded."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.maintenance.test_contractors import _company, _ticket_under_contract
from tests.support import Territory

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

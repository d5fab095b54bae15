"""A field a device model ignores is neither stored nor kept as an unrecognised field."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from convergence.ingest.tables import dead_letters
from convergence.members.roles import Role
from convergence.timeseries.tables import readings, series
from tests.ingest.conftest import Sensors
from tests.ingest.payloads import as_bytes, chirpstack_up
from tests.support import Territory
from tests.web.session import csrf_of, log_in

CHIRPSTACK = "/api/v1/ingest/chirpstack?event=up"


def _pending_unmapped(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(dead_letters)
                .where(
                    dead_letters.c.reason_code == "unmapped_fields",
                    dead_letters.c.status == "pending",
                )
            ).scalar_one()
        )


def _quantities(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(series.c.quantity).join(readings, readings.c.series_id == series.c.id)
        )
        return set(rows.scalars())


def _send(client: TestClient, territory: Territory, f_cnt: int) -> dict[str, object]:
    body = as_bytes(chirpstack_up(fCnt=f_cnt, time=f"2026-11-28T09:{f_cnt:02d}:02Z"))
    answer = client.post(CHIRPSTACK, content=body, headers=territory.versailles.bearer("ingest"))
    assert answer.status_code in (200, 202), answer.text
    result: dict[str, object] = answer.json()
    return result


def test_an_ignored_field_is_not_dead_lettered_and_the_others_still_map(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    first = _send(client, territory, 1)
    assert [r["code"] for r in first["refused"]] == ["unmapped_fields"]  # type: ignore[attr-defined]
    assert _pending_unmapped(engine) == 1

    changed = client.patch(
        f"/api/v1/device-models/{sensors.elsys_model}",
        json={"field_map": {"motion": {"ignore": True}}},
        headers=territory.operator.bearer("admin"),
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["device_model"]["field_map"]["motion"]["ignore"] is True
    # The waiting message is replayed: nothing left to map.
    assert changed.json()["replay"]["replayed"] == [first["refused"][0]["dead_letter_id"]]  # type: ignore[index]
    assert _pending_unmapped(engine) == 0
    second = _send(client, territory, 2)
    assert second["refused"] == [], second
    # The well-known names still speak for themselves (4), beside the gateway's RSSI and SNR.
    assert second["stored"] == 6
    assert _pending_unmapped(engine) == 0
    assert "motion" not in _quantities(engine)
    assert {"temperature", "co2"} <= _quantities(engine)


def test_a_mapping_is_a_quantity_or_ignored_not_both_nor_neither(
    client: TestClient, territory: Territory, sensors: Sensors
) -> None:
    for wrong in ({"ignore": True, "quantity": "temperature"}, {"unit": "°C"}):
        answer = client.patch(
            f"/api/v1/device-models/{sensors.elsys_model}",
            json={"field_map": {"motion": wrong}},
            headers=territory.operator.bearer("admin"),
        )
        assert answer.status_code == 422, answer.text


def test_the_operator_ignores_a_field_from_the_models_page(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    _send(client, territory, 1)

    log_in(client, territory.operator.user(Role.operator_admin))
    page = client.get("/admin/modeles").text
    assert "Champs non reconnus" in page
    assert f'action="/admin/modeles/{sensors.elsys_model}/champs"' in page
    assert "ignorer (ne pas enregistrer ce champ)" in page
    chosen = client.post(
        f"/admin/modeles/{sensors.elsys_model}/champs",
        data={
            "field": "motion",
            "choice": "ignorer",
            "csrf_token": csrf_of(client, "/admin/modeles"),
        },
        follow_redirects=False,
    )

    assert chosen.status_code == 303, chosen.text
    after = client.get("/admin/modeles").text
    assert "motion → ignoré" in after
    assert "1 message(s) rejoué(s)" in after
    assert _pending_unmapped(engine) == 0
    assert _send(client, territory, 3)["refused"] == []


def test_a_member_admin_sees_the_fields_but_cannot_change_the_shared_model(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    _send(client, territory, 1)
    log_in(client, territory.versailles.user(Role.member_admin))
    page = client.get("/admin/modeles").text
    assert "motion" in page
    assert "/champs" not in page

    refused = client.post(
        f"/admin/modeles/{sensors.elsys_model}/champs",
        data={
            "field": "motion",
            "choice": "ignorer",
            "csrf_token": csrf_of(client, "/admin/modeles"),
        },
    )

    assert refused.status_code == 403
    assert _pending_unmapped(engine) == 1

"""The dead-letter store: scoped listing, replay once the cause is fixed, discard; JS codecs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from convergence.cli.main import app
from convergence.registry.tables import device_models
from convergence.settings import get_settings
from convergence.timeseries.tables import readings
from tests.ingest.conftest import Sensors, device_model, register
from tests.support import Territory

JS_CODECS = Path(__file__).parents[1] / "decoders" / "codecs"


def _uplink(device: str, payload_hex: str = "00e150", minute: int = 0) -> dict[str, object]:
    ts = f"2026-11-28T10:{minute:02d}:00Z"
    return {"device": device, "fport": 1, "payload_hex": payload_hex, "ts": ts}


def _post(client: TestClient, territory: Territory, *items: dict[str, object]) -> dict[str, object]:
    response = client.post(
        "/api/v1/ingest", json=list(items), headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code in {200, 422}, response.text
    body: dict[str, object] = response.json()
    return body


def test_dead_letters_are_listed_for_their_member_only(
    client: TestClient, territory: Territory, sensors: Sensors
) -> None:
    _post(
        client,
        territory,
        {"device": "SONO-01", "ts": "2026-11-28T09:00:00Z", "quantity": "x", "value": 1},
    )
    mine = client.get("/api/v1/dead-letters", headers=territory.versailles.bearer("read")).json()
    assert len(mine["items"]) == 1
    letter = mine["items"][0]
    assert (letter["stage"], letter["reason_code"], letter["source"]) == (
        "normalise",
        "unknown_quantity",
        "http",
    )
    assert letter["raw_text"].startswith('{"device":"SONO-01"')
    theirs = client.get("/api/v1/dead-letters", headers=territory.boulogne.bearer("read")).json()
    assert theirs["items"] == []
    hidden = client.get(
        f"/api/v1/dead-letters/{letter['id']}", headers=territory.boulogne.bearer("read")
    )
    assert hidden.status_code == 404
    everyone = client.get("/api/v1/dead-letters", headers=territory.operator.bearer("admin"))
    assert len(everyone.json()["items"]) == 1


def _refused_for_want_of_a_codec(
    client: TestClient, territory: Territory, engine: Engine
) -> tuple[int, int]:
    """An uplink of a device whose model has no codec: (device model id, dead letter id)."""
    model = device_model(engine, "acme", "silent", "")
    eui = "70B3D5FFFE000001"
    register(engine, territory.versailles.id, name="Sans codec", dev_eui=eui, device_model_id=model)
    uplink = {"device": eui, "fport": 1, "payload_hex": "0100e2", "ts": "2026-11-28T09:00:00Z"}
    [rejection] = _post(client, territory, uplink)["error"]["details"]["refused"]  # type: ignore[index]
    assert rejection["code"] == "no_codec"
    return model, rejection["dead_letter_id"]


def test_a_dead_letter_is_replayed_once_its_cause_is_fixed(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    model, letter_id = _refused_for_want_of_a_codec(client, territory, engine)
    replay = f"/api/v1/dead-letters/{letter_id}/replay"
    refused_again = client.post(replay, headers=territory.versailles.bearer("admin")).json()
    assert refused_again["still_refused"] == [letter_id]
    with engine.begin() as conn:
        conn.execute(update(device_models).where(device_models.c.id == model).values(codec="elsys"))
    assert client.post(replay, headers=territory.boulogne.bearer("admin")).status_code == 404
    done = client.post(replay, headers=territory.versailles.bearer("admin"))
    assert done.status_code == 200, done.text
    assert (done.json()["replayed"], done.json()["stored"]) == ([letter_id], 1)
    path = f"/api/v1/dead-letters/{letter_id}"
    letter = client.get(path, headers=territory.versailles.bearer("read")).json()
    assert letter["status"] == "replayed"
    assert letter["replayed_at"] is not None


def test_a_dead_letter_can_be_discarded(
    client: TestClient, territory: Territory, sensors: Sensors
) -> None:
    _post(
        client,
        territory,
        {"device": "SONO-01", "ts": "2026-11-28T09:00:00Z", "quantity": "x", "value": 1},
    )
    [letter] = client.get(
        "/api/v1/dead-letters", headers=territory.versailles.bearer("read")
    ).json()["items"]
    viewer = client.post(
        f"/api/v1/dead-letters/{letter['id']}/discard", headers=territory.versailles.bearer("read")
    )
    assert viewer.status_code == 403
    response = client.post(
        f"/api/v1/dead-letters/{letter['id']}/discard", headers=territory.versailles.bearer("admin")
    )
    assert response.status_code == 204
    pending = client.get(
        "/api/v1/dead-letters", headers=territory.versailles.bearer("read")
    ).json()["items"]
    assert pending == []
    discarded = client.get(
        "/api/v1/dead-letters?status=discarded", headers=territory.versailles.bearer("read")
    )
    assert len(discarded.json()["items"]) == 1


def test_an_operator_javascript_codec_decodes_and_a_runaway_one_is_dead_lettered(
    make_client: Callable[..., TestClient], territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    client = make_client(js_codec_dir=JS_CODECS)
    good = device_model(engine, "test", "th", "js:temperature_humidity.js")
    runaway = device_model(engine, "test", "loop", "js:infinite_loop.js")
    register(engine, territory.versailles.id, name="TH", serial="TH-1", device_model_id=good)
    register(engine, territory.versailles.id, name="Loop", serial="LOOP-1", device_model_id=runaway)
    body = _post(
        client,
        territory,
        _uplink("TH-1", "00e150"),
        _uplink("LOOP-1"),
        _uplink("TH-1", "ffce64", minute=1),
    )
    assert body["stored"] == 4
    [refused] = body["refused"]  # type: ignore[misc]
    assert (refused["index"], refused["stage"], refused["code"]) == (
        "[1]",
        "decode",
        "decode_timeout",
    )
    assert "CPU time limit" in refused["reason"]
    with engine.connect() as conn:
        values = sorted(conn.execute(select(readings.c.value)).scalars())
    assert values == [-5.0, 22.5, 40.0, 50.0]


def test_the_command_line_replays_every_pending_letter_of_a_reason(
    client: TestClient,
    territory: Territory,
    sensors: Sensors,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    model, letter_id = _refused_for_want_of_a_codec(client, territory, engine)
    with engine.begin() as conn:
        conn.execute(update(device_models).where(device_models.c.id == model).values(codec="elsys"))
    monkeypatch.setenv("CONVERGENCE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONVERGENCE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["deadletters", "replay", "--reason", "no_codec"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "1 rejoué(s)" in result.output
    path = f"/api/v1/dead-letters/{letter_id}"
    assert (
        client.get(path, headers=territory.versailles.bearer("read")).json()["status"] == "replayed"
    )

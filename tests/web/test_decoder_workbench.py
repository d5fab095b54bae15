"""The codec workbench: POST /api/v1/decoders/try and the page « Tester un décodeur »."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.support import Territory
from tests.web.session import log_in

CODECS = Path(__file__).parents[1] / "decoders" / "codecs"
TRY = "/api/v1/decoders/try"
LPP_BASE64 = "AWcBEANofw=="  # Cayenne LPP 0167011003687f: temperature_1, relative_humidity_3
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def _codec(name: str) -> str:
    return (CODECS / name).read_text(encoding="utf-8")


def test_a_pasted_codec_gives_decoded_object_and_normalised_readings(
    client: TestClient, territory: Territory
) -> None:
    body = {"javascript": _codec("temperature_humidity.js"), "fport": 1, "payload_hex": "ff9c5505"}

    answer = client.post(TRY, json=body, headers=territory.versailles.bearer("read"))

    assert answer.status_code == 200, answer.text
    result = answer.json()
    decoded = result["decoded"]
    assert decoded.pop("received").endswith("Z")  # the reception time, given as recvTime
    assert decoded == {"temperature": -10.0, "humidity": 42.5, "battery": 5}
    assert result["warnings"] == ["battery low"]
    readings = {r["quantity"]: (r["value"], r["unit"], r["refused"]) for r in result["readings"]}
    assert readings == {
        "temperature": (-10.0, "°C", None),
        "relative_humidity": (42.5, "%", None),
    }
    assert result["unmapped"] == ["battery"]  # % or V? only a field map can say
    assert result["limit"] is None


def test_a_built_in_codec_with_a_base64_payload_lists_its_unmapped_fields(
    client: TestClient, territory: Territory
) -> None:
    body = {"codec": "cayenne-lpp", "fport": 1, "payload_base64": LPP_BASE64}

    result = client.post(TRY, json=body, headers=territory.versailles.bearer("read")).json()

    assert result["decoded"] == {"temperature_1": 27.2, "relative_humidity_3": 63.5}
    assert result["unmapped"] == ["temperature_1", "relative_humidity_3"]
    mapped = {**body, "field_map": {"temperature_1": {"quantity": "temperature"}}}
    again = client.post(TRY, json=mapped, headers=territory.versailles.bearer("read")).json()
    assert [(r["quantity"], r["value"]) for r in again["readings"]] == [("temperature", 27.2)]


def test_a_looping_codec_hits_the_time_limit_and_the_server_stays_responsive(
    client: TestClient, territory: Territory
) -> None:
    body = {"javascript": _codec("infinite_loop.js"), "fport": 1, "payload_hex": "00"}
    answers: list[Any] = []
    looping = threading.Thread(
        target=lambda: answers.append(
            client.post(TRY, json=body, headers=territory.versailles.bearer("read"))
        )
    )

    looping.start()
    started = time.monotonic()
    health = client.get("/healthz")
    answered_in = time.monotonic() - started
    looping.join(timeout=60)

    assert health.status_code == 200
    assert answered_in < 5  # not queued behind the codec
    [answer] = answers
    assert answer.status_code == 200, answer.text
    assert answer.json()["limit"] == "timeout"
    assert answer.json()["limit_label"] == "délai dépassé"
    assert "CPU time limit" in answer.json()["errors"][0]


def test_bad_requests_get_one_clear_error(client: TestClient, territory: Territory) -> None:
    headers = territory.versailles.bearer("read")

    unknown = client.post(
        TRY, json={"codec": "nope", "fport": 1, "payload_hex": "00"}, headers=headers
    )
    both = client.post(
        TRY,
        json={"codec": "elsys", "fport": 1, "payload_hex": "00", "payload_base64": "AA=="},
        headers=headers,
    )
    not_hex = client.post(
        TRY, json={"codec": "elsys", "fport": 1, "payload_hex": "zz"}, headers=headers
    )
    anonymous = client.post(TRY, json={"codec": "elsys", "fport": 1, "payload_hex": "00"})

    assert unknown.status_code == 404
    assert both.status_code == 422
    assert not_hex.status_code == 422
    assert "not hexadecimal" in not_hex.json()["error"]["message"]
    assert anonymous.status_code == 401


def test_the_page_decodes_a_pasted_codec_and_reports_the_time_limit(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in(client, territory.versailles.user(Role.technician))
    page = client.get("/decodeurs/essai")
    assert page.status_code == 200
    assert "Tester un décodeur" in page.text
    assert 'for="f-javascript"' in page.text
    assert not INLINE_SCRIPT.search(page.text)

    decoded = client.post(
        "/decodeurs/essai",
        data={
            "csrf_token": csrf,
            "codec": "cayenne-lpp",
            "fport": "1",
            "payload": "0167011003687f",
        },
    )
    looping = client.post(
        "/decodeurs/essai",
        data={
            "csrf_token": csrf,
            "javascript": _codec("infinite_loop.js"),
            "fport": "1",
            "payload": "AA==",
        },
    )
    missing = client.post(
        "/decodeurs/essai", data={"csrf_token": csrf, "codec": "elsys", "fport": "1"}
    )

    assert decoded.status_code == 200
    assert "temperature_1" in decoded.text
    assert "Champs non reconnus" in decoded.text
    assert "Délai dépassé" in looping.text
    assert missing.status_code == 422
    assert "error-summary" in missing.text

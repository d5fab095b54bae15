"""Versailles' ingestion data for the isolation walk: a dead letter and an integration."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support import Territory


def plant_ingest(client: TestClient, territory: Territory, marker: str) -> None:
    """A message from an unknown device (a dead letter, a discovered device) and an integration."""
    reading = {
        "device": f"{marker}-dev",
        "ts": "2026-11-28T10:00:00Z",
        "quantity": "temperature",
        "value": 20,
        "unit": "°C",
    }
    refused = client.post(
        "/api/v1/ingest",
        headers=territory.versailles.bearer("ingest"),
        json={"readings": [reading]},
    )
    assert refused.status_code == 422, refused.text
    created = client.post(
        "/api/v1/integrations",
        headers=territory.versailles.bearer(),
        json={"name": f"{marker} chirpstack", "kind": "chirpstack"},
    )
    assert created.status_code == 201, created.text


def ingest_params(client: TestClient, territory: Territory) -> dict[str, Any]:
    """Path parameters pointing at Versailles' dead letter."""
    page = client.get("/api/v1/dead-letters", headers=territory.versailles.bearer("read")).json()
    return {"dead_letter_id": page["items"][0]["id"]}


def ingest_calls(asset_id: int, dev_eui: str = "A1B2C3D4E5F60718") -> dict[str, dict[str, Any]]:
    """Bodies that try to send data as Versailles' equipment (its id and its DevEUI)."""
    reading = {
        "device": str(asset_id),
        "ts": "2026-11-28T10:00:00Z",
        "quantity": "temperature",
        "value": 20,
        "unit": "°C",
    }
    return {
        "native": {"readings": [reading]},
        "chirpstack": {
            "deviceInfo": {"devEui": dev_eui.lower()},
            "fPort": 1,
            "data": "AQ==",
            "time": "2026-11-28T10:00:00Z",
            "object": {"temperature": 20},
        },
        "tts": {
            "end_device_ids": {"dev_eui": dev_eui},
            "uplink_message": {
                "f_port": 1,
                "frm_payload": "AQ==",
                "decoded_payload": {"temperature": 20},
                "received_at": "2026-11-28T10:00:00Z",
            },
        },
        "integration": {"name": "intrus", "kind": "chirpstack"},
    }

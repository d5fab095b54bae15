"""Uplinks in the network servers' formats, from section 5 of the LoRaWAN reference note."""

from __future__ import annotations

import copy
import json
from typing import Any

ERS_CO2_EUI = "A81758FFFE0312AB"
DL_MBX_EUI = "70B3D57BA0000ABC"
UNREGISTERED_EUI = "0004A30B001C0530"

CHIRPSTACK_UP: dict[str, Any] = {
    "deduplicationId": "3ac7e3c4-4401-4b8d-9386-a5c902f9202d",
    "time": "2026-11-28T09:15:02.123456+00:00",
    "deviceInfo": {
        "tenantId": "52f14cd4-c6f1-4fbd-8f87-4025e1d49242",
        "tenantName": "Commune de Saint-Exemple",
        "applicationId": "f7a7c2f4-5d3e-4a51-9b0e-2e1f0c8a9d11",
        "applicationName": "qualite-air-ecoles",
        "deviceProfileId": "0b7d8f1e-3c2a-4e5b-8a9c-1d2e3f4a5b6c",
        "deviceProfileName": "Elsys ERS CO2 EU868",
        "deviceName": "ecole-jaures-salle-12",
        "devEui": "a81758fffe0312ab",
        "deviceClassEnabled": "CLASS_A",
        "tags": {"site": "ecole-jaures", "insee": "99999"},
    },
    "devAddr": "01f2a3b4",
    "adr": True,
    "dr": 5,
    "fCnt": 1042,
    "fPort": 1,
    "confirmed": False,
    "data": "AQDiAikEACcFBgYDCA==",
    "object": {"temperature": 22.6, "humidity": 41, "light": 39, "motion": 6, "co2": 776},
    "rxInfo": [
        {
            "gatewayId": "0016c001f153a14c",
            "uplinkId": 40251,
            "nsTime": "2026-11-28T09:15:02.101234Z",
            "rssi": -97,
            "snr": 7.5,
            "channel": 2,
            "location": {"latitude": 45.0, "longitude": 4.0, "altitude": 210},
            "context": "EFwMtA==",
            "metadata": {"region_config_id": "eu868", "region_common_name": "EU868"},
            "crcStatus": "CRC_OK",
        }
    ],
    "txInfo": {
        "frequency": 868500000,
        "modulation": {"lora": {"bandwidth": 125000, "spreadingFactor": 7, "codeRate": "CR_4_5"}},
    },
    "regionConfigId": "eu868",
}

TTS_UP: dict[str, Any] = {
    "end_device_ids": {
        "device_id": "pont-riviere-niveau-01",
        "application_ids": {"application_id": "crues-commune"},
        "dev_eui": "70B3D57BA0000ABC",
        "join_eui": "70B3D57ED0000000",
        "dev_addr": "260B1234",
    },
    "correlation_ids": ["as:up:01JDXW3QK1Z6V5R8M2N4P7T9AB", "gs:uplink:01JDXW3QJZ8Y4C2B6D0F3H5K7M"],
    "received_at": "2026-11-28T09:15:02.412873912Z",
    "uplink_message": {
        "session_key_id": "AZLx0tHUGUucuzS/bCGMNw==",
        "f_port": 1,
        "f_cnt": 2381,
        "frm_payload": "AgEvAAME0gABC7E=",
        "decoded_payload": {
            "protocol_version": 2,
            "device_id": 303,
            "distance": {"displayName": "Distance", "unit": "mm", "value": 1234},
            "number_of_valid_samples": {"displayName": "Number of valid samples", "value": 1},
            "battery_voltage": {"displayName": "Battery voltage", "unit": "V", "value": 2.993},
        },
        "rx_metadata": [
            {
                "gateway_ids": {"gateway_id": "mairie-toit", "eui": "B827EBFFFE8A1C2D"},
                "time": "2026-11-28T09:15:02.180Z",
                "timestamp": 2463457000,
                "rssi": -112,
                "channel_rssi": -112,
                "snr": -3.25,
                "location": {
                    "latitude": 45.0,
                    "longitude": 4.0,
                    "altitude": 230,
                    "source": "SOURCE_REGISTRY",
                },
                "uplink_token": "ChIKEAoEZ3R3MRIIuCfr//6KHC0Q6L3Vlgk=",
                "channel_index": 4,
                "received_at": "2026-11-28T09:15:02.201Z",
            }
        ],
        "settings": {
            "data_rate": {
                "lora": {"bandwidth": 125000, "spreading_factor": 10, "coding_rate": "4/5"}
            },
            "frequency": "867500000",
            "timestamp": 2463457000,
            "time": "2026-11-28T09:15:02.180Z",
        },
        "received_at": "2026-11-28T09:15:02.205118503Z",
        "consumed_airtime": "0.370688s",
        "version_ids": {
            "brand_id": "decentlab",
            "model_id": "dl-mbx",
            "hardware_version": "1.0",
            "firmware_version": "1.0",
            "band_id": "EU_863_870",
        },
        "network_ids": {"net_id": "000013", "tenant_id": "ttn", "cluster_id": "eu1"},
    },
}


def chirpstack_up(**changes: Any) -> dict[str, Any]:
    """The ChirpStack example with top-level or deviceInfo fields changed (None removes)."""
    message = copy.deepcopy(CHIRPSTACK_UP)
    for key, value in changes.items():
        target = message["deviceInfo"] if key == "devEui" else message
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return message


def tts_up(*, dev_eui: str | None = None, decoded: bool = True) -> dict[str, Any]:
    """The TTS example, for another device or without its decoded payload."""
    message = copy.deepcopy(TTS_UP)
    if dev_eui is not None:
        message["end_device_ids"]["dev_eui"] = dev_eui
    if not decoded:
        message["uplink_message"].pop("decoded_payload")
    return message


def as_bytes(document: Any) -> bytes:
    return json.dumps(document).encode()

"""The SDK: frames, results, errors and the registry."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from typing import ClassVar

import pytest
from pydantic import ValidationError

from convergence.decoders import (
    DecodeError,
    DecodeErrorReason,
    Decoder,
    DecodeResult,
    DecoderRegistry,
    Frame,
    Manifest,
    load_decoders,
)
from convergence.errors import Conflict, InvalidInput, NotFound


class EchoDecoder:
    """A third-party-style decoder: anything with a manifest and decode()."""

    manifest: ClassVar[Manifest] = Manifest(
        id="echo",
        name="Echo",
        vendors=("example",),
        models=("echo-1",),
        version="0.1.0",
        description="Returns the payload length.",
        licence="MIT",
        source="tests",
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return DecodeResult(data={"length": len(frame.payload)})


def test_frame_accepts_lorawan_ports_only() -> None:
    assert Frame(fport=0, payload=b"").fport == 0
    assert Frame(fport=255, payload=b"\x01").payload == b"\x01"
    with pytest.raises(ValidationError):
        Frame(fport=256, payload=b"")
    with pytest.raises(ValidationError):
        Frame(fport=-1, payload=b"")


def test_frame_requires_an_aware_reception_time() -> None:
    aware = Frame(fport=1, payload=b"", received_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert aware.received_at is not None
    with pytest.raises(ValidationError):
        Frame(fport=1, payload=b"", received_at=datetime(2026, 1, 1))  # noqa: DTZ001


def test_frame_from_hex_refuses_non_hex() -> None:
    assert Frame.from_hex(2, "0d 3b").payload == b"\x0d\x3b"
    with pytest.raises(DecodeError) as caught:
        Frame.from_hex(2, "zz")
    assert caught.value.reason is DecodeErrorReason.unsupported


def test_decode_error_is_an_invalid_input_that_survives_pickling() -> None:
    error = DecodeError("payload truncated", reason=DecodeErrorReason.truncated, offset=3)

    copy = pickle.loads(pickle.dumps(error))

    assert isinstance(copy, InvalidInput)
    assert copy.code == "decode_error"
    assert copy.reason is DecodeErrorReason.truncated
    assert copy.details == {"reason": "truncated", "offset": 3}


def test_result_in_device_repository_shape() -> None:
    assert DecodeResult(data={"a": 1}).to_ttn() == {"data": {"a": 1}}
    assert DecodeResult(errors=["unknown FPort"]).to_ttn() == {"errors": ["unknown FPort"]}
    assert not DecodeResult(errors=["x"]).ok
    assert DecodeResult(data={}, warnings=["w"]).to_ttn() == {"data": {}, "warnings": ["w"]}


def test_manifest_refuses_bad_ids_and_empty_fields() -> None:
    with pytest.raises(ValidationError):
        Manifest.model_validate({**EchoDecoder.manifest.model_dump(), "id": "Bad Id"})
    with pytest.raises(ValidationError):
        Manifest.model_validate({**EchoDecoder.manifest.model_dump(), "vendors": ()})


def test_a_plain_class_is_a_decoder() -> None:
    assert isinstance(EchoDecoder(), Decoder)


def test_registry_get_suggests_close_ids() -> None:
    registry = DecoderRegistry(load_decoders())

    with pytest.raises(NotFound) as caught:
        registry.get("cayene-lpp")

    assert "cayenne-lpp" in caught.value.message
    assert caught.value.details["suggestions"][0] == "cayenne-lpp"


def test_registry_refuses_two_decoders_with_one_id() -> None:
    registry = DecoderRegistry([EchoDecoder()])

    with pytest.raises(Conflict):
        registry.register(EchoDecoder())
    assert registry.get("echo").decode(Frame(fport=1, payload=b"abc")).data == {"length": 3}


def test_registry_chooses_the_codec_by_firmware() -> None:
    registry = DecoderRegistry(load_decoders())

    assert registry.for_device("dragino", "ldds75", "1.1.4").manifest.id == "dragino-ldds75-v114"
    assert registry.for_device("dragino", "ldds75", "1.2.0").manifest.id == "dragino-ldds75"
    assert registry.for_device("elsys", "ers-co2").manifest.id == "elsys"
    with pytest.raises(NotFound):
        registry.for_device("dragino", "ldds75")  # two firmware lines: ambiguous
    with pytest.raises(NotFound):
        registry.for_device("nobody", "nothing")


def test_registry_iterates_in_id_order() -> None:
    registry = DecoderRegistry(load_decoders())

    assert [d.manifest.id for d in registry] == registry.ids() == sorted(registry.ids())
    assert "elsys" in registry

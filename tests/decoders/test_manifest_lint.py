"""Project linter: every registered decoder honours the plug-in contract."""

from __future__ import annotations

import re
from importlib.metadata import entry_points

import pytest

from convergence.decoders import (
    ENTRY_POINT_GROUP,
    DecodeError,
    Decoder,
    DecodeResult,
    DecoderRegistry,
    Example,
    Frame,
    load_decoders,
)
from tests.decoders.vectors import decode_or_refusal, load_vectors, matches_expected

DECODERS = load_decoders()
VENDOR_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def test_every_entry_point_loads_under_its_own_id() -> None:
    names = sorted(entry_point.name for entry_point in entry_points(group=ENTRY_POINT_GROUP))

    assert names == sorted(decoder.manifest.id for decoder in DECODERS)
    assert len(names) >= 18


def test_every_test_vector_has_a_built_in_decoder() -> None:
    claimed = {codec for d in DECODERS for codec in d.manifest.device_repository_codecs}

    assert {vector["codec"] for vector in load_vectors()} <= claimed


@pytest.mark.parametrize("decoder", DECODERS, ids=lambda d: d.manifest.id)
def test_manifest_is_complete(decoder: Decoder) -> None:
    manifest = decoder.manifest

    assert isinstance(decoder, Decoder)
    assert manifest.name.strip()
    assert manifest.description.strip()
    assert "\n" not in manifest.description
    assert manifest.licence.strip()
    assert manifest.source.strip()
    assert manifest.version.strip()
    assert all(VENDOR_ID.match(vendor) for vendor in manifest.vendors)
    assert all(VENDOR_ID.match(model) for model in manifest.models)
    assert all(0 < port < 224 for port in manifest.ports)
    assert decoder.decode.__doc__, "decode() needs a one-line docstring"


@pytest.mark.parametrize(
    ("decoder", "example"),
    [(d, e) for d in DECODERS for e in d.manifest.examples],
    ids=lambda value: getattr(value, "description", None) or value.manifest.id,
)
def test_declared_examples_pass(decoder: Decoder, example: Example) -> None:
    frame = Frame.from_hex(example.fport, example.payload_hex)

    result = decoder.decode(frame)

    assert matches_expected(result, example.expected.model_dump())


@pytest.mark.parametrize("decoder", DECODERS, ids=lambda d: d.manifest.id)
def test_empty_payload_gives_a_result_or_a_declared_error(decoder: Decoder) -> None:
    port = decoder.manifest.ports[0] if decoder.manifest.ports else 1
    outcome = decode_or_refusal(decoder, Frame(fport=port, payload=b""))

    assert isinstance(outcome, DecodeResult | DecodeError)


def test_registry_has_no_duplicate_ids() -> None:
    registry = DecoderRegistry(DECODERS)

    assert len(registry) == len(DECODERS)

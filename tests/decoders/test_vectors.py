"""Every built-in codec reproduces the vendor codecs' published outputs exactly."""

from __future__ import annotations

from typing import Any

import pytest

from convergence.decoders import DecoderRegistry, Frame
from tests.decoders.vectors import decoder_for, load_vectors, matches_expected, vector_id

VECTORS = load_vectors()


@pytest.fixture(scope="module")
def registry() -> DecoderRegistry:
    return DecoderRegistry.from_entry_points()


def test_the_test_set_is_complete() -> None:
    assert len(VECTORS) == 32
    assert len({(v["vendor"], v["device"]) for v in VECTORS}) == 16


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_vector_decodes_to_the_expected_output(
    registry: DecoderRegistry, vector: dict[str, Any]
) -> None:
    decoder = decoder_for(registry, vector)
    frame = Frame(fport=vector["fPort"], payload=bytes.fromhex(vector["bytes_hex"]))

    result = decoder.decode(frame)

    # Exact equality: our codecs perform the same floating-point operations as the JS codecs.
    assert matches_expected(result, vector["expected_output"]), (
        f"{vector_id(vector)}: got {result.to_ttn()}, expected {vector['expected_output']}"
    )


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_vector_device_is_found_by_vendor_and_model(
    registry: DecoderRegistry, vector: dict[str, Any]
) -> None:
    firmware = {
        "ldds75-114-codec": "1.1.4",
        "ldds75-codec": "1.2",
        "analog-codec": "1.0.3",
        "analog2-codec": "2.1.0",
    }.get(vector["codec"])

    decoder = registry.for_device(vector["vendor"], vector["device"], firmware)

    assert vector["codec"] in decoder.manifest.device_repository_codecs

"""The external LoRaWAN test set (tests/decoders/data/lorawan/examples.json) and its comparison."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from convergence.decoders import DecodeError, Decoder, DecodeResult, DecoderRegistry, Frame

VECTORS_PATH = Path(__file__).parent / "data" / "lorawan" / "examples.json"


def load_vectors() -> list[dict[str, Any]]:
    """The 32 device-repository vectors."""
    vectors: list[dict[str, Any]] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    return vectors


def vector_id(vector: dict[str, Any]) -> str:
    """A readable test id: codec and example index."""
    return f"{vector['codec']}-{vector['example_index']}"


def decoder_for(registry: DecoderRegistry, vector: dict[str, Any]) -> Decoder:
    """The built-in decoder that reproduces the vector's device-repository codec."""
    matches = [
        decoder
        for decoder in registry
        if vector["codec"] in decoder.manifest.device_repository_codecs
        and vector["vendor"] in decoder.manifest.vendors
    ]
    assert len(matches) == 1, f"{vector['codec']}: {len(matches)} decoders claim it"
    return matches[0]


def same_json(actual: Any, expected: Any, *, tolerance: float = 0.0) -> bool:
    """Deep equality as lodash.isEqual on JSON (1 == 1.0), floats within `tolerance`."""
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(same_json(actual[k], expected[k], tolerance=tolerance) for k in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(
                same_json(a, e, tolerance=tolerance) for a, e in zip(actual, expected, strict=True)
            )
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(actual, expected, rel_tol=tolerance, abs_tol=0.0) or actual == expected
    return bool(actual == expected)


def matches_expected(result: DecodeResult, expected: dict[str, Any]) -> bool:
    """data, warnings and errors equal to the expected output (missing ones count as empty)."""
    return (
        same_json(result.data, expected.get("data", {}))
        and result.warnings == expected.get("warnings", [])
        and result.errors == expected.get("errors", [])
    )


def decode_or_refusal(decoder: Decoder, frame: Frame) -> DecodeResult | DecodeError:
    """The decoder's result, or the DecodeError it declared; any other exception propagates."""
    try:
        return decoder.decode(frame)
    except DecodeError as exc:
        return exc

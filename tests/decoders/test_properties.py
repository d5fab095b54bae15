"""Property tests: arbitrary bytes and ports give a result or a declared DecodeError, no crash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convergence.decoders import (
    DecodeError,
    Decoder,
    DecodeResult,
    Frame,
    JsCodec,
    JsEngine,
    load_decoders,
    normalise,
)
from tests.decoders.vectors import decode_or_refusal

CODECS = Path(__file__).parent / "codecs"
DECODERS = load_decoders()
PORTS = st.integers(min_value=0, max_value=255)
PAYLOADS = st.binary(max_size=80)


def frames_for(decoder: Decoder) -> st.SearchStrategy[Frame]:
    # Mostly the codec's own ports, so that the parsers behind them get exercised.
    ports = st.sampled_from(decoder.manifest.ports) if decoder.manifest.ports else PORTS
    return st.builds(Frame, fport=st.one_of(ports, PORTS), payload=PAYLOADS)


@pytest.mark.parametrize("decoder", DECODERS, ids=lambda d: d.manifest.id)
def test_native_codecs_never_crash(decoder: Decoder) -> None:
    @settings(max_examples=300, deadline=None)
    @given(frame=frames_for(decoder))
    def check(frame: Frame) -> None:
        outcome = decode_or_refusal(decoder, frame)
        if isinstance(outcome, DecodeResult):
            normalise(outcome.data)  # whatever a codec returns, normalisation copes
        else:
            assert outcome.message

    check()


@pytest.fixture(scope="module")
def engine() -> Iterator[JsEngine]:
    with JsEngine(workers=2) as running:
        yield running


@pytest.mark.parametrize(
    "name",
    [
        "temperature_humidity.js",
        "legacy_decoder.js",
        "throws.js",
        "bad_output.js",
        "patches_prototype.js",
    ],
)
def test_javascript_codecs_never_crash(engine: JsEngine, name: str) -> None:
    codec = JsCodec.from_directory(CODECS, name, engine)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(frames=st.lists(st.builds(Frame, fport=PORTS, payload=PAYLOADS), max_size=40))
    def check(frames: list[Frame]) -> None:
        outcomes = codec.decode_many(frames)
        assert len(outcomes) == len(frames)
        assert all(isinstance(o, DecodeResult | DecodeError) for o in outcomes)

    check()


def test_javascript_single_decodes_raise_only_declared_errors(engine: JsEngine) -> None:
    codec = JsCodec.from_directory(CODECS, "temperature_humidity.js", engine)

    @settings(max_examples=100, deadline=None)
    @given(frame=st.builds(Frame, fport=PORTS, payload=PAYLOADS))
    def check(frame: Frame) -> None:
        outcome = decode_or_refusal(codec, frame)

        assert isinstance(outcome, DecodeResult) or outcome.reason.value

    check()

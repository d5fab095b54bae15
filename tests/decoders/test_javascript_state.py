"""Every decode starts from the codec's initial state, as in The Things Stack and ChirpStack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from convergence.decoders import DecodeResult, Frame, JsCodec, JsEngine

CODECS = Path(__file__).parent / "codecs"
FRESH = {"value": 0x10, "frames": 1, "calls": 1, "first": 0x10}


@pytest.fixture(scope="module")
def engine() -> Iterator[JsEngine]:
    with JsEngine(workers=2) as running:
        yield running


def counter(engine: JsEngine) -> JsCodec:
    return JsCodec.from_directory(CODECS, "global_counter.js", engine)


def test_the_same_frame_decodes_identically_a_thousand_times_in_one_batch(
    engine: JsEngine,
) -> None:
    outcomes = counter(engine).decode_many([Frame.from_hex(1, "102030")] * 1000)

    assert {type(outcome) for outcome in outcomes} == {DecodeResult}
    assert [o.data for o in outcomes if isinstance(o, DecodeResult)] == [FRESH] * 1000


def test_the_same_frame_decodes_identically_across_batches_and_single_calls(
    engine: JsEngine,
) -> None:
    codec = counter(engine)
    frame = Frame.from_hex(1, "102030")

    batches = [codec.decode_many([frame] * 100) for _ in range(5)]
    singles = [codec.decode(frame) for _ in range(500)]

    decoded = [o for batch in batches for o in batch] + singles
    assert len(decoded) == 1000
    assert [o.data for o in decoded if isinstance(o, DecodeResult)] == [FRESH] * 1000


def test_one_members_decode_never_sees_anothers_state(engine: JsEngine) -> None:
    # Two members with the same codec text share a compiled codec in the same workers.
    first_member, second_member = counter(engine), counter(engine)
    assert first_member.source.key == second_member.source.key
    mine, theirs = Frame.from_hex(1, "aa"), Frame.from_hex(1, "bb")

    interleaved = [first_member.decode(mine), second_member.decode(theirs)] * 20
    mixed = first_member.decode_many([mine, theirs] * 300)

    expected_mine = {"value": 0xAA, "frames": 1, "calls": 1, "first": 0xAA}
    expected_theirs = {"value": 0xBB, "frames": 1, "calls": 1, "first": 0xBB}
    assert [o.data for o in interleaved] == [expected_mine, expected_theirs] * 20
    assert [o.data for o in mixed if isinstance(o, DecodeResult)] == [
        expected_mine,
        expected_theirs,
    ] * 300

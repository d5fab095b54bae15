"""The JavaScript sandbox: device-repository codecs in QuickJS worker processes."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from convergence.decoders import (
    DecodeError,
    DecodeErrorReason,
    DecodeResult,
    Frame,
    JsCodec,
    JsEngine,
    JsLimits,
    JsSource,
    load_codec_file,
)
from convergence.errors import InvalidInput, NotFound
from convergence.settings import Settings

CODECS = Path(__file__).parent / "codecs"


@pytest.fixture(scope="module")
def engine() -> Iterator[JsEngine]:
    with JsEngine(workers=2) as running:
        yield running


def codec(engine: JsEngine, name: str) -> JsCodec:
    return JsCodec.from_directory(CODECS, name, engine)


def refusal(js_codec: JsCodec, frame: Frame) -> DecodeError:
    with pytest.raises(DecodeError) as caught:
        js_codec.decode(frame)
    return caught.value


def test_decodes_a_device_repository_codec(engine: JsEngine) -> None:
    sensor = codec(engine, "temperature_humidity.js")

    result = sensor.decode(Frame.from_hex(1, "ff9c5505"))

    assert result == DecodeResult(
        data={"temperature": -10.0, "humidity": 42.5, "battery": 5}, warnings=["battery low"]
    )
    assert sensor.manifest.id == "js-temperature-humidity"
    assert sensor.manifest.source.endswith("temperature_humidity.js")


def test_codec_errors_are_results_like_in_the_device_repository(engine: JsEngine) -> None:
    result = codec(engine, "temperature_humidity.js").decode(Frame.from_hex(2, "00"))

    assert result.errors == ["unknown FPort"]
    assert result.data == {}


def test_reception_time_is_a_javascript_date(engine: JsEngine) -> None:
    received = datetime(2026, 11, 28, 9, 15, 2, tzinfo=UTC)
    frame = Frame(fport=1, payload=bytes.fromhex("00e255"), received_at=received)

    result = codec(engine, "temperature_humidity.js").decode(frame)

    assert result.data["received"] == "2026-11-28T09:15:02.000Z"


def test_legacy_decoder_entry_point_sloppy_mode_and_undefined_as_null(engine: JsEngine) -> None:
    result = codec(engine, "legacy_decoder.js").decode(Frame.from_hex(7, "2a00"))

    assert result.data == {"port": 7, "length": 2, "first": 42, "missing": None}


def test_input_is_built_inside_the_engine_and_runs_in_utc(engine: JsEngine) -> None:
    result = codec(engine, "patches_prototype.js").decode(Frame.from_hex(1, "0102"))

    assert result.data == {"level": 258, "local": 0}


def test_infinite_loop_is_stopped_by_the_time_limit(engine: JsEngine) -> None:
    started = time.monotonic()

    error = refusal(codec(engine, "infinite_loop.js"), Frame.from_hex(1, "00"))

    assert error.reason is DecodeErrorReason.timeout
    assert "CPU time limit of 100 ms" in error.message
    assert time.monotonic() - started < 15  # CPU-time limits; wall time varies with load


def test_memory_bomb_is_stopped_by_the_memory_limit(engine: JsEngine) -> None:
    error = refusal(codec(engine, "memory_bomb.js"), Frame.from_hex(1, "00"))

    assert error.reason is DecodeErrorReason.memory


def test_deep_recursion_is_stopped_by_the_stack_limit(engine: JsEngine) -> None:
    error = refusal(codec(engine, "deep_recursion.js"), Frame.from_hex(1, "00"))

    assert error.reason is DecodeErrorReason.stack_overflow


def test_a_throwing_codec_is_a_codec_error(engine: JsEngine) -> None:
    error = refusal(codec(engine, "throws.js"), Frame.from_hex(1, "00"))

    assert error.reason is DecodeErrorReason.codec_error
    assert "undefinedFunction" in error.message
    assert "\n" not in error.message


def test_a_codec_that_hangs_while_loading_is_refused_once_and_for_all(engine: JsEngine) -> None:
    hangs = codec(engine, "loops_on_load.js")

    first = refusal(hangs, Frame.from_hex(1, "00"))
    started = time.monotonic()
    for _ in range(4):
        assert refusal(hangs, Frame.from_hex(1, "00")).reason is DecodeErrorReason.timeout

    assert first.reason is DecodeErrorReason.timeout
    assert first.details["load_failure"] is True
    assert time.monotonic() - started < 6  # each worker compiled it at most once


def test_check_reports_a_codec_that_does_not_compile(engine: JsEngine) -> None:
    with pytest.raises(DecodeError) as caught:
        engine.check(JsSource("function decodeUplink(input) { return {data: "))

    assert caught.value.reason is DecodeErrorReason.codec_invalid
    engine.check(load_codec_file(CODECS, "temperature_humidity.js"))


@pytest.mark.parametrize(
    ("fport", "expected"),
    [
        (1, "returned int, not an object"),
        (2, "invalid data: Input should be a valid dictionary"),
        (3, "invalid errors.0: Input should be a valid string"),
        (4, "returned nothing, not an object"),
    ],
)
def test_output_outside_the_device_repository_shape_is_refused(
    engine: JsEngine, fport: int, expected: str
) -> None:
    error = refusal(codec(engine, "bad_output.js"), Frame.from_hex(fport, "00"))

    assert error.reason is DecodeErrorReason.invalid_output
    assert expected in error.message


def test_a_batch_isolates_the_frames_that_hang(engine: JsEngine) -> None:
    frames = [Frame.from_hex(9 if index % 50 == 7 else 1, "0102") for index in range(600)]

    outcomes = codec(engine, "loops_on_port_9.js").decode_many(frames)

    assert len(outcomes) == 600
    hung = [i for i, outcome in enumerate(outcomes) if isinstance(outcome, DecodeError)]
    assert hung == [i for i in range(600) if i % 50 == 7]
    assert outcomes[8] == DecodeResult(data={"port": 1, "size": 2})


def test_a_batch_stops_trying_after_consecutive_timeouts(engine: JsEngine) -> None:
    frames = [Frame.from_hex(1, "00") for _ in range(20)]

    outcomes = codec(engine, "infinite_loop.js").decode_many(frames)

    assert all(isinstance(o, DecodeError) for o in outcomes)
    skipped = [o for o in outcomes if isinstance(o, DecodeError) and "not run" in o.message]
    assert len(skipped) >= 20 - 2 * 3  # at most three tries per worker


def test_pasted_source_and_batches_use_both_workers(engine: JsEngine) -> None:
    text = (CODECS / "temperature_humidity.js").read_text(encoding="utf-8")
    pasted = JsCodec.from_text(text, engine, codec_id="acme-th", vendors=("acme",))
    frames = [Frame(fport=1, payload=bytes([0, index % 200, 80])) for index in range(2000)]

    outcomes = pasted.decode_many(frames)

    assert [o.data["temperature"] for o in outcomes if isinstance(o, DecodeResult)] == [
        (index % 200) / 10 for index in range(2000)
    ]
    assert pasted.manifest.vendors == ("acme",)
    assert len(engine.worker_pids) == 2


def test_codec_files_must_stay_inside_the_codec_directory(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInput):
        load_codec_file(CODECS, "../test_javascript.py")
    with pytest.raises(InvalidInput):
        load_codec_file(tmp_path, "notes.txt")
    with pytest.raises(NotFound):
        load_codec_file(CODECS, "absent.js")
    with pytest.raises(InvalidInput):
        load_codec_file(CODECS, "temperature_humidity.js", max_bytes=10)


def test_wall_clock_kill_is_the_second_line_of_defence() -> None:
    # QuickJS's own limit is set far away: only the parent's deadline can stop this codec.
    limits = JsLimits(time_limit_ms=60_000, hard_timeout_s=1.0)
    with JsEngine(limits=limits) as engine:
        hanging = codec(engine, "infinite_loop.js")
        started = time.monotonic()

        error = refusal(hanging, Frame.from_hex(1, "00"))

        assert error.reason is DecodeErrorReason.timeout
        assert "stopped" in error.message
        assert time.monotonic() - started < 15  # CPU-time limits; wall time varies with load
        result = codec(engine, "temperature_humidity.js").decode(Frame.from_hex(1, "00e255"))
        assert result.data["temperature"] == 22.6


def test_a_worker_that_dies_mid_decode_is_reported_and_replaced() -> None:
    limits = JsLimits(time_limit_ms=60_000, hard_timeout_s=30.0)
    with JsEngine(limits=limits) as engine:
        engine.start()
        (pid,) = engine.worker_pids
        killer = threading.Timer(0.5, os.kill, args=(pid, signal.SIGKILL))
        killer.start()

        error = refusal(codec(engine, "infinite_loop.js"), Frame.from_hex(1, "00"))

        killer.join()
        assert error.reason is DecodeErrorReason.worker_crashed
        result = codec(engine, "temperature_humidity.js").decode(Frame.from_hex(1, "00e255"))
        assert result.data["temperature"] == 22.6
        assert engine.worker_pids != [pid]


def test_limits_come_from_settings_and_a_closed_engine_refuses_work() -> None:
    limits = JsLimits.from_settings(
        Settings(js_codec_timeout_ms=50, js_codec_memory_bytes=8 * 1024 * 1024)
    )
    assert (limits.time_limit_ms, limits.memory_bytes) == (50, 8 * 1024 * 1024)
    engine = JsEngine(limits=limits)
    engine.close()
    with pytest.raises(InvalidInput):
        engine.decode(JsSource("function decodeUplink(i) { return {}; }"), Frame.from_hex(1, ""))

"""Decodes per second: native codecs, and JavaScript codecs in QuickJS (in one process, one
worker, the worker pool), with where the time goes.

Every JavaScript decode starts from the codec's initial state (its top level re-run from the
compiled factory); the "fresh QuickJS context per frame" line measures the alternative.

Run: python bench/bench_decode.py [--quick]

Wall-clock rates depend on what else the machine runs; the "per CPU-second" figures (CPU time
of the parent and of the workers, read from /proc) do not, and answer "decodes per core".
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from convergence.decoders import DecoderRegistry, Frame, JsEngine, JsSource
from convergence.decoders.javascript import (
    MAX_FRAMES_PER_REQUEST,
    JsLimits,
    encode_frames,
    result_from_codec,
)
from convergence.decoders.jsworker import CodecRuntime, Worker

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "tests" / "decoders" / "data" / "lorawan" / "examples.json"
SMALL_CODEC = ROOT / "tests" / "decoders" / "codecs" / "temperature_humidity.js"
# A type-length-value codec of typical size and shape (written for this benchmark).
TLV_CODEC = r"""
function int16(hi, lo) { var v = (hi << 8) | lo; return v & 0x8000 ? v - 0x10000 : v; }
function decodeUplink(input) {
  var b = input.bytes, data = {}, i = 0;
  while (i < b.length) {
    switch (b[i++]) {
      case 0x01: data.temperature = int16(b[i], b[i + 1]) / 10; i += 2; break;
      case 0x02: data.humidity = b[i++]; break;
      case 0x04: data.light = (b[i] << 8) | b[i + 1]; i += 2; break;
      case 0x05: data.motion = b[i++]; break;
      case 0x06: data.co2 = (b[i] << 8) | b[i + 1]; i += 2; break;
      case 0x07: data.vdd = (b[i] << 8) | b[i + 1]; i += 2; break;
      default: return { data: data, warnings: ["unknown type at " + (i - 1)] };
    }
  }
  return { data: data };
}
"""
TLV_PAYLOAD = bytes.fromhex("0100e202290400270506060308070e10")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def show(label: str, count: int, seconds: float, note: str = "") -> None:
    """One line: rate and time per decode."""
    print(f"  {label:<52} {count / seconds:>10,.0f} /s {seconds / count * 1e6:8.2f} µs {note}")


def best_of(run: Callable[[], object], clock: Callable[[], float], repeat: int = 3) -> float:
    """The shortest of `repeat` runs on `clock`."""
    times = []
    for _ in range(repeat):
        started = clock()
        run()
        times.append(clock() - started)
    return min(times)


def worker_cpu_seconds(pids: Sequence[int]) -> float:
    """CPU time (user + system) used so far by the worker processes (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def bench_native(rounds: int) -> None:
    """Every built-in codec on its own published vectors (CPU time of this process)."""
    print("Native codecs, one thread, on the 32 device-repository vectors (CPU time):")
    registry = DecoderRegistry.from_entry_points()
    jobs: dict[str, list[Frame]] = {}
    for vector in json.loads(VECTORS.read_text(encoding="utf-8")):
        codec = vector["codec"]
        decoder = next(d for d in registry if codec in d.manifest.device_repository_codecs)
        frame = Frame(fport=vector["fPort"], payload=bytes.fromhex(vector["bytes_hex"]))
        jobs.setdefault(decoder.manifest.id, []).append(frame)
    for codec_id, frames in sorted(jobs.items()):
        batch = frames * (rounds // len(frames))
        show(
            codec_id, len(batch), best_of(_decode_all(registry, codec_id, batch), time.process_time)
        )


def _decode_all(
    registry: DecoderRegistry, codec_id: str, frames: list[Frame]
) -> Callable[[], object]:
    decode = registry.get(codec_id).decode
    return lambda: [decode(frame) for frame in frames]


def bench_in_process(source: JsSource, frame: Frame, count: int) -> None:
    """Each stage alone, in this process, per request of MAX_FRAMES_PER_REQUEST frames."""
    worker = Worker(JsLimits().worker_limits())
    worker.learn(source.key, source.text)
    frames = [frame] * MAX_FRAMES_PER_REQUEST
    text = encode_frames(frames)
    reply = worker.decode(source.key, text, len(frames))
    assert json.loads(reply)[0][0] == 0, reply[:200]
    requests = max(1, count // len(frames))
    total = requests * len(frames)

    def stage(label: str, run: Callable[[], object]) -> None:
        show(label, total, best_of(lambda: [run() for _ in range(requests)], time.process_time))

    stage("parent: frames to JSON", lambda: encode_frames(frames))
    stage(
        "worker: QuickJS parse + decode + stringify", lambda: worker.decode(source.key, text, 1024)
    )
    stage(
        "parent: JSON to checked DecodeResults",
        lambda: [result_from_codec(entry[1]) for entry in json.loads(reply)],
    )


def bench_fresh_context(source: JsSource, frame: Frame, count: int) -> None:
    """The alternative to the factory re-run: a new QuickJS context for every frame."""
    limits = JsLimits().worker_limits()
    text = encode_frames([frame])

    def decode_in_new_context() -> None:
        runtime = CodecRuntime(source.text, limits)
        runtime.load(text)
        runtime.run(0)

    seconds = best_of(lambda: [decode_in_new_context() for _ in range(count)], time.process_time)
    show("worker: a fresh QuickJS context per frame", count, seconds, "(not used)")


def bench_engine(source: JsSource, frame: Frame, workers: int, count: int, batch: int) -> None:
    """End to end through worker processes: wall-clock rate and decodes per CPU-second."""
    with JsEngine(workers=workers) as engine:
        engine.start()
        engine.decode(source, frame)  # every worker compiles the codec before timing
        engine.decode_many(source, [frame] * batch)
        frames = [frame] * batch
        cpu_before = time.process_time() + worker_cpu_seconds(engine.worker_pids)
        started = time.perf_counter()
        for _ in range(count // batch):
            engine.decode_many(source, frames)
        wall = time.perf_counter() - started
        cpu = time.process_time() + worker_cpu_seconds(engine.worker_pids) - cpu_before
        total = (count // batch) * batch
        show(f"{workers} worker(s), batches of {batch}: wall clock", total, wall)
        show(
            f"{workers} worker(s), batches of {batch}: per CPU-second",
            total,
            cpu,
            "(parent + workers)",
        )


def bench_round_trips(source: JsSource, frame: Frame, count: int) -> None:
    """One frame per request: the round trip that batching avoids."""
    with JsEngine(workers=1) as engine:
        engine.decode(source, frame)
        seconds = best_of(
            lambda: [engine.decode(source, frame) for _ in range(count)], time.perf_counter
        )
        show("1 worker, one frame per round trip: wall clock", count, seconds)


def main() -> None:
    """Print every figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    scale = 1 if parser.parse_args().quick else 5
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"CPU cores: {cores}, load average at start: {load:.1f}\n")
    bench_native(2_000 * scale)
    codecs = [
        (
            "temperature/humidity codec",
            JsSource(SMALL_CODEC.read_text(encoding="utf-8")),
            Frame.from_hex(1, "00e25505"),
        ),
        ("TLV codec (6 fields)", JsSource(TLV_CODEC), Frame(fport=1, payload=TLV_PAYLOAD)),
    ]
    for label, source, frame in codecs:
        print(f"\nJavaScript, {label}:")
        bench_in_process(source, frame, 20_000 * scale)
        bench_fresh_context(source, frame, 500 * scale)
        bench_engine(source, frame, 1, 20_000 * scale, 1_000)
        bench_engine(source, frame, cores, 20_000 * scale * cores, 1_000 * cores)
        bench_round_trips(source, frame, 1_000 * scale)


if __name__ == "__main__":
    main()

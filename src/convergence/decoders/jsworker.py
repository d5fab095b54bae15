"""The decode worker process: QuickJS contexts, one per codec, behind a pipe.

Runs in a child process only: QuickJS's time limit measures the CPU time of the whole process
and the binding is not thread-safe, so each worker is single-threaded and owns its contexts.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import quickjs

# The harness is evaluated before the codec so that it keeps the original JSON functions even
# if the codec replaces them. The input is parsed inside the engine so that codecs which patch
# Object.prototype (Adeunis) see their patch; `undefined` is exported as `null` like The Things
# Stack does; legacy TTN v2 `Decoder()` and ChirpStack v3 `Decode()` are accepted.
HARNESS = r"""
var console = {log: function () {}, info: function () {}, warn: function () {},
               error: function () {}, debug: function () {}};
var __convergence = (function (parse, stringify) {
  var outs = [];
  var position = 0;
  function nullify(key, value) { return value === undefined ? null : value; }
  function reasonOf(message) {
    if (message.indexOf("stack overflow") >= 0) { return "stack_overflow"; }
    if (message.indexOf("out of memory") >= 0) { return "memory"; }
    return "codec_error";
  }
  function decodeOne(frame) {
    var input = {bytes: frame[1], fPort: frame[0]};
    if (frame[2] !== null) { input.recvTime = new Date(frame[2]); }
    if (typeof decodeUplink === "function") { return decodeUplink(input); }
    if (typeof Decoder === "function") { return {data: Decoder(input.bytes, input.fPort)}; }
    if (typeof Decode === "function") { return {data: Decode(input.fPort, input.bytes, {})}; }
    throw new Error("the codec defines no decodeUplink(), Decoder() or Decode() function");
  }
  function run(text, start) {
    position = start;
    outs = [];
    var frames = parse(text);
    for (position = start; position < frames.length; position++) {
      try {
        var out = stringify(decodeOne(frames[position]), nullify);
        outs.push(out === undefined ? "[0,null]" : "[0," + out + "]");
      } catch (error) {
        var message = String(error);
        outs.push(stringify([1, reasonOf(message), message]));
      }
    }
    return outs.join(",");
  }
  function partial() { return outs.join(","); }
  function at() { return position; }
  return {run: run, partial: partial, at: at};
})(JSON.parse, JSON.stringify);
var __convergence_run = __convergence.run;
var __convergence_partial = __convergence.partial;
var __convergence_at = __convergence.at;
"""


@dataclass(frozen=True)
class WorkerLimits:
    """Limits applied inside the worker (plain data: it crosses the process boundary)."""

    time_limit_s: float
    compile_time_limit_s: float
    memory_bytes: int
    stack_bytes: int
    max_consecutive_timeouts: int
    cached_codecs: int


class CodecLoadError(Exception):
    """The codec source does not evaluate."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def classify(error: BaseException) -> tuple[str, str]:
    """Map a QuickJS failure to a DecodeErrorReason value and a one-line message."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, quickjs.StackOverflow) or "stack overflow" in message:
        return "stack_overflow", message
    if "interrupted" in message:
        return "timeout", message
    if "out of memory" in message:
        return "memory", message
    return "codec_error", message


def error_entry(reason: str, message: str) -> str:
    """One result entry that reports a refusal, in the harness's `[1, reason, message]` form."""
    return json.dumps([1, reason, message])


class CodecRuntime:
    """One codec evaluated in its own QuickJS context (own runtime, own limits)."""

    def __init__(self, source: str, limits: WorkerLimits) -> None:
        context = quickjs.Context()
        context.set_memory_limit(limits.memory_bytes)
        context.set_max_stack_size(limits.stack_bytes)
        context.set_time_limit(limits.compile_time_limit_s)
        try:
            context.eval(HARNESS)
            context.eval(source)
        except (quickjs.JSException, quickjs.StackOverflow) as exc:
            reason, message = classify(exc)
            raise CodecLoadError(reason, f"the codec does not load: {message}") from None
        context.set_time_limit(limits.time_limit_s)
        self._context = context
        self._run = context.get("__convergence_run")
        self._partial = context.get("__convergence_partial")
        self._at = context.get("__convergence_at")

    def run(self, frames_text: str, start: int) -> str:
        """Decode frames[start:], returning comma-joined result entries; raises when interrupted."""
        return str(self._run(frames_text, start))

    def salvage(self) -> tuple[str, int]:
        """After an interruption: the entries already produced and the frame that was running."""
        return str(self._partial()), int(self._at())


class Worker:
    """The state of one worker process: compiled codecs, most recently used last."""

    def __init__(self, limits: WorkerLimits) -> None:
        self.limits = limits
        self._runtimes: OrderedDict[str, CodecRuntime] = OrderedDict()
        self._sources: dict[str, str] = {}
        # A codec that does not load will not load next time either: answer at once.
        self._load_failures: dict[str, CodecLoadError] = {}

    def knows(self, key: str) -> bool:
        """True when the codec's source is cached here."""
        return key in self._sources

    def learn(self, key: str, source: str) -> None:
        """Remember a codec's source, evicting the least recently used beyond capacity."""
        self._sources[key] = source
        while len(self._sources) > self.limits.cached_codecs:
            oldest = next(iter(self._sources))
            self._sources.pop(oldest)
            self._runtimes.pop(oldest, None)
            self._load_failures.pop(oldest, None)

    def runtime(self, key: str) -> CodecRuntime:
        """The compiled codec, compiling it on first use."""
        runtime = self._runtimes.get(key)
        if runtime is None:
            if key in self._load_failures:
                raise self._load_failures[key]
            try:
                runtime = CodecRuntime(self._sources[key], self.limits)
            except CodecLoadError as exc:
                self._load_failures[key] = exc
                raise
            self._runtimes[key] = runtime
        self._runtimes.move_to_end(key)
        return runtime

    def discard(self, key: str) -> None:
        """Drop a context whose state can no longer be trusted (after an interruption)."""
        self._runtimes.pop(key, None)

    def decode(self, key: str, frames_text: str, count: int) -> str:
        """Decode a batch; returns the JSON array of result entries."""
        chunks: list[str] = []
        start, consecutive_timeouts = 0, 0
        while start < count:
            runtime = self.runtime(key)
            try:
                chunks.append(runtime.run(frames_text, start))
                break
            except (quickjs.JSException, quickjs.StackOverflow):
                done, stuck = runtime.salvage()
                self.discard(key)
            chunks.append(done)
            if stuck > start:
                consecutive_timeouts = 0  # frames before the stuck one decoded fine
            entry, timed_out = self._decode_alone(key, frames_text, stuck)
            chunks.append(entry)
            consecutive_timeouts = consecutive_timeouts + 1 if timed_out else 0
            start = stuck + 1
            if consecutive_timeouts >= self.limits.max_consecutive_timeouts:
                chunks.extend(self._skipped(count - start))
                break
        return "[" + ",".join(chunk for chunk in chunks if chunk) + "]"

    def _decode_alone(self, key: str, frames_text: str, index: int) -> tuple[str, bool]:
        # The batch shares one time budget; give the frame that exhausted it a budget of its own.
        single = json.dumps([json.loads(frames_text)[index]])
        try:
            return self.runtime(key).run(single, 0), False
        except (quickjs.JSException, quickjs.StackOverflow) as exc:
            self.discard(key)
            reason, message = classify(exc)
            return error_entry(reason, message), reason == "timeout"

    def _skipped(self, remaining: int) -> list[str]:
        message = (
            f"not run: the codec exceeded its time limit on "
            f"{self.limits.max_consecutive_timeouts} consecutive frames of this batch"
        )
        return [error_entry("timeout", message)] * remaining


def handle(worker: Worker, request: tuple[Any, ...]) -> tuple[Any, ...]:
    """Serve one request: ("decode", key, source or None, frames JSON, count) or ("ping",)."""
    if request[0] == "ping":
        return ("pong", os.getpid())
    _, key, source, frames_text, count = request
    if source is not None:
        worker.learn(key, source)
    if not worker.knows(key):
        return ("need_source",)
    try:
        return ("ok", worker.decode(key, frames_text, count))
    except CodecLoadError as exc:
        return ("codec_invalid", exc.reason, str(exc))


def serve(conn: Connection, limits: WorkerLimits, address_space_bytes: int | None) -> None:
    """Worker process entry point: answer requests until the pipe closes."""
    # Codecs format dates; network servers run them in UTC, so must we.
    os.environ["TZ"] = "UTC"
    time.tzset()
    # The parent handles Ctrl-C and stops workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if address_space_bytes is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (address_space_bytes, address_space_bytes))
    worker = Worker(limits)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request[0] == "stop":
            return
        conn.send(handle(worker, request))

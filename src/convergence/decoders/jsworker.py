"""The decode worker process: QuickJS contexts, one per codec, behind a pipe.

Runs in a child process only: QuickJS's time limit measures the CPU time of the whole process
and the binding is not thread-safe, so each worker is single-threaded and owns its contexts.

Every frame is decoded with fresh codec state, as The Things Stack and ChirpStack do: the
codec's source is compiled once as the body of a factory function, and the factory runs again
before each frame, so the codec's top-level variables (Comtac's `var pointer = 0`) start from
their initial values every time. Globals a codec creates while decoding (sloppy-mode assignments
to undeclared names) are deleted after each frame. A fresh QuickJS context per frame gives the
same guarantee at about a sixth of the speed (see bench/bench_decode.py).
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
  var baseline = null;
  function fresh() {
    // The codec's top level runs again: its variables start from their initial values.
    return __convergence_factory.call(globalThis);
  }
  function forgetNewGlobals() {
    var names = Object.keys(globalThis);
    if (names.length === baseline.length) { return; }
    for (var i = 0; i < names.length; i++) {
      if (baseline.indexOf(names[i]) < 0) { delete globalThis[names[i]]; }
    }
  }
  function prepare() {
    fresh();
    baseline = Object.keys(globalThis);
    return baseline.length;
  }
  function callCodec(entry, input) {
    if (entry[0] !== null) { return entry[0](input); }
    if (entry[1] !== null) { return {data: entry[1](input.bytes, input.fPort)}; }
    if (entry[2] !== null) { return {data: entry[2](input.fPort, input.bytes, {})}; }
    throw new Error("the codec defines no decodeUplink(), Decoder() or Decode() function");
  }
  function decodeOne(frame) {
    var input = {bytes: frame[1], fPort: frame[0]};
    if (frame[2] !== null) { input.recvTime = new Date(frame[2]); }
    try {
      return callCodec(fresh(), input);
    } finally {
      forgetNewGlobals();
    }
  }
  var frames = [];
  function load(text) {
    frames = [];
    outs = [];
    frames = parse(text);
    return frames.length;
  }
  function run(start) {
    position = start;
    outs = [];
    for (position = start; position < frames.length; position++) {
      try {
        var out = stringify(decodeOne(frames[position]), nullify);
        outs.push(out === undefined ? "[0,null]" : "[0," + out + "]");
      } catch (error) {
        var message = String(error);
        outs.push(stringify([1, reasonOf(message), message]));
      }
    }
    var joined = outs.join(",");
    frames = [];
    outs = [];
    return joined;
  }
  function partial() { return outs.join(","); }
  function at() { return position; }
  return {load: load, run: run, partial: partial, at: at, prepare: prepare};
})(JSON.parse, JSON.stringify);
var __convergence_prepare = __convergence.prepare;
var __convergence_load = __convergence.load;
var __convergence_run = __convergence.run;
var __convergence_partial = __convergence.partial;
var __convergence_at = __convergence.at;
"""
# The codec's source becomes the body of a function; what it defines is returned by name.
FACTORY_HEAD = "var __convergence_factory = function () {\n"
FACTORY_TAIL = """
;return [typeof decodeUplink === "function" ? decodeUplink : null,
         typeof Decoder === "function" ? Decoder : null,
         typeof Decode === "function" ? Decode : null];
};
"""


def factory_source(source: str) -> str:
    """The codec wrapped so that each call of the factory evaluates its top level afresh."""
    return FACTORY_HEAD + source + "\n" + FACTORY_TAIL


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
    if message == "null":
        # QuickJS throws null when it cannot even allocate the error object: memory ran out.
        return "memory", "InternalError: out of memory"
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
            context.eval(factory_source(source))
            # Run the top level once now, with the compile budget: a codec that cannot even
            # start is refused once and for all rather than on every frame.
            context.get("__convergence_prepare")()
        except (quickjs.JSException, quickjs.StackOverflow) as exc:
            reason, message = classify(exc)
            raise CodecLoadError(reason, f"the codec does not load: {message}") from None
        context.set_time_limit(limits.time_limit_s)
        self._limits = limits
        self._context = context
        self._load = context.get("__convergence_load")
        self._run = context.get("__convergence_run")
        self._partial = context.get("__convergence_partial")
        self._at = context.get("__convergence_at")

    def load(self, frames_text: str) -> None:
        """Parse a batch of frames inside the engine, once, with the compile-time budget."""
        self._context.set_time_limit(self._limits.compile_time_limit_s)
        try:
            self._load(frames_text)
        finally:
            self._context.set_time_limit(self._limits.time_limit_s)

    def run(self, start: int) -> str:
        """Decode frames[start:], returning comma-joined result entries; raises when interrupted.

        The whole call shares one time budget: a frame that starts late may be interrupted
        through no fault of its own, which is why the worker resumes it with a fresh budget.
        """
        return str(self._run(start))

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
        runtime = self._loaded(key, frames_text)
        while start < count:
            try:
                chunks.append(runtime.run(start))
                break
            except (quickjs.JSException, quickjs.StackOverflow) as exc:
                done, stuck = runtime.salvage()
                reason, message = classify(exc)
            chunks.append(done)
            # An interrupted codec may have left its globals half-updated: start afresh.
            self.discard(key)
            runtime = self._loaded(key, frames_text)
            if stuck > start:
                start, consecutive_timeouts = stuck, 0  # give the interrupted frame its own budget
                continue
            chunks.append(error_entry(reason, message))
            start += 1
            consecutive_timeouts = consecutive_timeouts + 1 if reason == "timeout" else 0
            if consecutive_timeouts >= self.limits.max_consecutive_timeouts:
                chunks.extend(self._skipped(count - start))
                break
        return "[" + ",".join(chunk for chunk in chunks if chunk) + "]"

    def _loaded(self, key: str, frames_text: str) -> CodecRuntime:
        runtime = self.runtime(key)
        try:
            runtime.load(frames_text)
        except (quickjs.JSException, quickjs.StackOverflow) as exc:
            self.discard(key)
            reason, message = classify(exc)
            raise CodecLoadError(reason, f"the batch could not be loaded: {message}") from None
        return runtime

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

"""Run device-repository JavaScript codecs in sandboxed QuickJS worker processes.

A codec runs in a QuickJS context with a CPU-time, memory and stack limit, inside a worker
process that is killed and restarted when it stops answering within a wall-clock deadline.
Nothing a codec does can reach the calling process: it sees bytes in and JSON out.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import queue
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from convergence.decoders.jsworker import WorkerLimits, serve
from convergence.decoders.sdk import (
    DecodeError,
    DecodeErrorReason,
    DecodeResult,
    Frame,
    Manifest,
)
from convergence.errors import InvalidInput, NotFound
from convergence.settings import Settings

Outcome = DecodeResult | DecodeError
WorkerContext = ForkServerContext | SpawnContext
# Below this many frames per worker, splitting a batch costs more than it saves.
MIN_FRAMES_PER_WORKER = 256
# Larger batches are cut so that no request holds a worker (or its memory) for long.
MAX_FRAMES_PER_REQUEST = 1024
WALL_CLOCK_MARGIN = 4


class JsLimits(BaseModel):
    """Limits of the JavaScript sandbox."""

    model_config = ConfigDict(frozen=True)

    time_limit_ms: int = Field(default=100, gt=0)
    compile_time_limit_ms: int = Field(default=1000, gt=0)
    memory_bytes: int = Field(default=16 * 1024 * 1024, ge=1024 * 1024)
    stack_bytes: int = Field(default=512 * 1024, ge=64 * 1024)
    max_source_bytes: int = Field(default=1_000_000, gt=0)
    max_consecutive_timeouts: int = Field(default=3, ge=1)
    cached_codecs: int = Field(default=128, ge=1)
    # Second line of defence: a worker that has not answered by then is killed.
    hard_timeout_s: float | None = Field(default=None, gt=0)
    worker_address_space_bytes: int | None = Field(default=2 * 1024**3)

    @classmethod
    def from_settings(cls, settings: Settings) -> JsLimits:
        """The limits configured by CONVERGENCE_JS_CODEC_TIMEOUT_MS / _MEMORY_BYTES."""
        return cls(
            time_limit_ms=settings.js_codec_timeout_ms, memory_bytes=settings.js_codec_memory_bytes
        )

    def worker_limits(self) -> WorkerLimits:
        """The part of the limits that the worker enforces itself."""
        return WorkerLimits(
            time_limit_s=self.time_limit_ms / 1000,
            compile_time_limit_s=self.compile_time_limit_ms / 1000,
            memory_bytes=self.memory_bytes,
            stack_bytes=self.stack_bytes,
            max_consecutive_timeouts=self.max_consecutive_timeouts,
            cached_codecs=self.cached_codecs,
        )

    def deadline_s(self, frames: int) -> float:
        """Wall-clock time a worker may take for a request of `frames` frames."""
        if self.hard_timeout_s is not None:
            return self.hard_timeout_s
        # QuickJS budgets are CPU time; on a busy machine wall time runs slower, hence the
        # margin. Each frame may use its budget twice (late in a run, then on its own).
        cpu_budget = (self.compile_time_limit_ms + 2 * frames * self.time_limit_ms) / 1000
        return 5.0 + WALL_CLOCK_MARGIN * cpu_budget


@dataclass(frozen=True)
class JsSource:
    """A codec's source text, identified by its SHA-256 (workers cache compiled codecs by it)."""

    text: str
    origin: str = "pasted"
    key: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", hashlib.sha256(self.text.encode()).hexdigest())


def load_codec_file(directory: Path, name: str, *, max_bytes: int = 1_000_000) -> JsSource:
    """A codec file from the operator's codec directory; paths outside it are refused."""
    root = directory.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or path.suffix != ".js":
        raise InvalidInput(f"codec {name!r} must be a .js file inside {root}", name=name)
    if not path.is_file():
        raise NotFound(f"no codec file {name!r} in {root}", name=name)
    if path.stat().st_size > max_bytes:
        raise InvalidInput(f"codec {name!r} is larger than {max_bytes} bytes", name=name)
    return JsSource(path.read_text(encoding="utf-8"), origin=str(path))


def _epoch_ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def encode_frames(frames: Sequence[Frame]) -> str:
    """Frames as the worker's JSON input: [[fPort, [bytes…], recvTime ms or null], …]."""
    rows = [[frame.fport, list(frame.payload), _epoch_ms(frame.received_at)] for frame in frames]
    return json.dumps(rows, separators=(",", ":"))


def result_from_codec(value: Any) -> DecodeResult:
    """Check a codec's return value against the device-repository shape."""
    if not isinstance(value, dict):
        kind = "nothing" if value is None else type(value).__name__
        msg = f"the codec returned {kind}, not an object with data/warnings/errors"
        raise DecodeError(msg, reason=DecodeErrorReason.invalid_output)
    try:
        return DecodeResult.model_validate(value)
    except ValidationError:
        pass
    # The Things Stack tolerates null for absent members; only then is the value reshaped.
    shaped = {key: value.get(key) for key in ("data", "warnings", "errors")}
    shaped = {key: member for key, member in shaped.items() if member is not None}
    try:
        return DecodeResult.model_validate(shaped)
    except ValidationError as exc:
        detail = exc.errors()[0]
        where = ".".join(str(part) for part in detail["loc"])
        msg = f"the codec returned an invalid {where}: {detail['msg']}"
        raise DecodeError(msg, reason=DecodeErrorReason.invalid_output) from None


def refusal_message(reason: DecodeErrorReason, detail: str, limits: JsLimits) -> str:
    """A one-line explanation of why the sandbox refused a frame."""
    if reason is DecodeErrorReason.timeout:
        return f"the codec exceeded its CPU time limit of {limits.time_limit_ms} ms ({detail})"
    if reason is DecodeErrorReason.memory:
        return f"the codec exceeded its memory limit of {limits.memory_bytes} bytes ({detail})"
    if reason is DecodeErrorReason.stack_overflow:
        return f"the codec exceeded its stack limit of {limits.stack_bytes} bytes ({detail})"
    return f"the codec raised an error: {detail}"


def _outcome(entry: list[Any], limits: JsLimits) -> Outcome:
    if entry[0] == 0:
        try:
            return result_from_codec(entry[1])
        except DecodeError as exc:
            return exc
    reason = DecodeErrorReason(entry[1])
    return DecodeError(refusal_message(reason, entry[2], limits), reason=reason)


class _WorkerLost(Exception):
    def __init__(self, reason: DecodeErrorReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class _WorkerHandle:
    """The parent's end of one worker process; restarts it after a kill."""

    def __init__(self, context: WorkerContext, limits: JsLimits) -> None:
        self._context = context
        self._limits = limits
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self.known: set[str] = set()

    @property
    def pid(self) -> int | None:
        """The worker's process id, when it runs."""
        return None if self._process is None else self._process.pid

    def start(self) -> Connection:
        """Start the worker if it does not run, and return the pipe to it."""
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self.kill()
        parent_end, child_end = self._context.Pipe(duplex=True)
        args = (child_end, self._limits.worker_limits(), self._limits.worker_address_space_bytes)
        process = self._context.Process(
            target=serve, args=args, name="convergence-js-decoder", daemon=True
        )
        process.start()
        child_end.close()
        self._process, self._conn, self.known = process, parent_end, set()
        return parent_end

    def send(self, message: tuple[Any, ...]) -> None:
        """Send a request; a dead worker is restarted once."""
        try:
            self.start().send(message)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            self.kill()
            self.start().send(message)

    def receive(self, deadline: float) -> tuple[Any, ...]:
        """The reply, or _WorkerLost when the worker died or missed the deadline."""
        conn = self.start() if self._conn is None else self._conn
        if not conn.poll(max(0.0, deadline - time.monotonic())):
            self.kill()
            msg = "the codec worker did not answer in time and was stopped"
            raise _WorkerLost(DecodeErrorReason.timeout, msg)
        try:
            reply: tuple[Any, ...] = conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise _WorkerLost(DecodeErrorReason.worker_crashed, "the codec worker died") from None
        return reply

    def kill(self) -> None:
        """Stop the worker now (SIGKILL): used when it cannot be trusted to stop by itself."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
        self._join_and_forget()

    def stop(self) -> None:
        """Ask the worker to exit, then make sure it did."""
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.send(("stop",))
        if self._process is not None:
            self._process.join(timeout=2)
        self.kill()

    def _join_and_forget(self) -> None:
        if self._process is not None:
            self._process.join(timeout=2)
            if not self._process.is_alive():
                self._process.close()
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn, self.known = None, None, set()


class JsEngine:
    """A pool of QuickJS worker processes that decode frames with device-repository codecs."""

    def __init__(
        self, *, workers: int = 1, limits: JsLimits | None = None, start_method: str | None = None
    ) -> None:
        if workers < 1:
            raise InvalidInput("a JavaScript engine needs at least one worker", workers=workers)
        self.limits = limits or JsLimits()
        context = _worker_context(start_method or _default_start_method())
        self._handles = [_WorkerHandle(context, self.limits) for _ in range(workers)]
        self._idle: queue.SimpleQueue[_WorkerHandle] = queue.SimpleQueue()
        for handle in self._handles:
            self._idle.put(handle)
        self._closed = threading.Event()

    def __enter__(self) -> JsEngine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the running workers."""
        return [pid for pid in (handle.pid for handle in self._handles) if pid is not None]

    def start(self) -> None:
        """Start every worker now rather than on first use."""
        for handle in self._handles:
            handle.start()

    def close(self) -> None:
        """Stop every worker."""
        self._closed.set()
        for handle in self._handles:
            handle.stop()

    def check(self, source: JsSource) -> None:
        """Compile a codec once; DecodeError when it does not load."""
        outcome = self.decode_many(source, [Frame(fport=1, payload=b"")])[0]
        if isinstance(outcome, DecodeError) and outcome.details.get("load_failure"):
            raise outcome

    def decode(self, source: JsSource, frame: Frame) -> DecodeResult:
        """Decode one frame; DecodeError when the codec fails or breaks a limit."""
        outcome = self.decode_many(source, [frame])[0]
        if isinstance(outcome, DecodeError):
            raise outcome
        return outcome

    def decode_many(self, source: JsSource, frames: Sequence[Frame]) -> list[Outcome]:
        """Decode a batch, spread over idle workers; one outcome per frame, in order."""
        if self._closed.is_set():
            raise InvalidInput("the JavaScript engine is closed")
        if len(source.text.encode()) > self.limits.max_source_bytes:
            msg = f"codec source is larger than {self.limits.max_source_bytes} bytes"
            raise DecodeError(msg, reason=DecodeErrorReason.codec_invalid)
        if not frames:
            return []
        handles = self._checkout(-(-len(frames) // MIN_FRAMES_PER_WORKER))
        try:
            return self._decode_pieces(source, _pieces(frames, len(handles)), handles)
        finally:
            for handle in handles:
                self._idle.put(handle)

    def _decode_pieces(
        self, source: JsSource, pieces: list[Sequence[Frame]], handles: list[_WorkerHandle]
    ) -> list[Outcome]:
        # Each worker gets its next piece as soon as its previous answer arrives, before that
        # answer is parsed: workers compute while the parent turns JSON into results.
        results: list[list[Outcome]] = [[] for _ in pieces]
        pending: deque[tuple[_WorkerHandle, int, float]] = deque()
        queued = iter(range(len(pieces)))
        for handle, index in zip(handles, queued, strict=False):
            pending.append((handle, index, self._send(handle, source, pieces[index])))
        while pending:
            handle, index, deadline = pending.popleft()
            reply = self._receive(handle, source, pieces[index], deadline)
            following = next(queued, None)
            if following is not None:
                sent = self._send(handle, source, pieces[following])
                pending.append((handle, following, sent))
            results[index] = _outcomes(reply, len(pieces[index]), self.limits)
        return [outcome for piece in results for outcome in piece]

    def _checkout(self, wanted: int) -> list[_WorkerHandle]:
        handles = [self._idle.get()]
        while len(handles) < wanted:
            try:
                handles.append(self._idle.get_nowait())
            except queue.Empty:
                break
        return handles

    def _send(self, handle: _WorkerHandle, source: JsSource, chunk: Sequence[Frame]) -> float:
        text = None if source.key in handle.known else source.text
        handle.send(("decode", source.key, text, encode_frames(chunk), len(chunk)))
        handle.known.add(source.key)
        return time.monotonic() + self.limits.deadline_s(len(chunk))

    def _receive(
        self, handle: _WorkerHandle, source: JsSource, piece: Sequence[Frame], deadline: float
    ) -> tuple[Any, ...]:
        try:
            reply = handle.receive(deadline)
            if reply[0] == "need_source":
                handle.known.discard(source.key)
                reply = handle.receive(self._send(handle, source, piece))
        except _WorkerLost as lost:
            return ("lost", lost.reason.value, str(lost))
        return reply


def _outcomes(reply: tuple[Any, ...], count: int, limits: JsLimits) -> list[Outcome]:
    if reply[0] == "lost":
        return [DecodeError(reply[2], reason=DecodeErrorReason(reply[1])) for _ in range(count)]
    if reply[0] == "codec_invalid":
        _, reason, message = reply
        kind = DecodeErrorReason.codec_invalid if reason == "codec_error" else reason
        error = DecodeError(message, reason=DecodeErrorReason(kind), load_failure=True)
        return [error] * count
    entries: list[list[Any]] = json.loads(reply[1])
    return [_outcome(entry, limits) for entry in entries]


def _pieces(frames: Sequence[Frame], workers: int) -> list[Sequence[Frame]]:
    # At least one piece per worker, none larger than a request should be.
    count = max(workers, -(-len(frames) // MAX_FRAMES_PER_REQUEST))
    size = -(-len(frames) // count)
    return [frames[start : start + size] for start in range(0, len(frames), size)]


def _worker_context(start_method: str) -> WorkerContext:
    if start_method == "forkserver":
        return multiprocessing.get_context("forkserver")
    if start_method == "spawn":
        return multiprocessing.get_context("spawn")
    # fork would copy the caller's threads and locks into the worker: never used here.
    raise InvalidInput(f"start method {start_method!r} is not supported; use forkserver or spawn")


def _default_start_method() -> str:
    # forkserver forks workers from a clean, single-threaded server: fast and thread-safe.
    available = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in available else "spawn"


class JsCodec:
    """A decoder backed by a device-repository JavaScript codec run in the sandbox."""

    def __init__(self, source: JsSource, engine: JsEngine, *, manifest: Manifest) -> None:
        self.source = source
        self.engine = engine
        self._manifest = manifest

    @property
    def manifest(self) -> Manifest:
        """What this codec is (given by the operator who supplied it)."""
        return self._manifest

    @classmethod
    def from_directory(
        cls, directory: Path, filename: str, engine: JsEngine, **manifest: Any
    ) -> JsCodec:
        """A codec file from the operator's codec directory (`js_codec_dir`)."""
        source = load_codec_file(directory, filename, max_bytes=engine.limits.max_source_bytes)
        stem = Path(filename).stem.lower().replace("_", "-")
        return cls(source, engine, manifest=js_manifest(f"js-{stem}", source, **manifest))

    @classmethod
    def from_text(cls, text: str, engine: JsEngine, *, codec_id: str, **manifest: Any) -> JsCodec:
        """A codec pasted by an operator."""
        source = JsSource(text)
        return cls(source, engine, manifest=js_manifest(codec_id, source, **manifest))

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return self.engine.decode(self.source, frame)

    def decode_many(self, frames: Sequence[Frame]) -> list[Outcome]:
        """Decode a batch in one round trip per worker."""
        return self.engine.decode_many(self.source, frames)


def js_manifest(codec_id: str, source: JsSource, **fields: Any) -> Manifest:
    """A manifest for an operator-supplied codec; unspecified fields say where it comes from.

    `fields` override any manifest field (id, name, vendors, models, firmware, …).
    """
    defaults: dict[str, Any] = {
        "id": codec_id,
        "name": codec_id,
        "vendors": ("unspecified",),
        "models": ("unspecified",),
        "version": source.key[:12],
        "description": f"JavaScript codec in device-repository format ({source.origin})",
        "licence": "supplied by the operator; see the codec file",
        "source": source.origin,
    }
    return Manifest.model_validate({**defaults, **fields})

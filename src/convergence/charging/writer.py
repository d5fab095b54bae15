"""Group commit: the writes of many charge points in one transaction, each answered after it.

Thousands of charge points send small messages; one transaction each would spend the
database's time on commits and the process's on per-transaction overhead. Writes are queued;
one worker thread takes whatever is waiting (up to ``max_batch``), runs them in one
transaction, stores the readings and events they gathered in one go, and commits. Each
charge point gets its answer only once its write is committed. When a batch fails (rare: a
bug, a constraint), its writes are committed one by one, so that only the write at fault
fails (its charge point gets a CALLERROR and sends its message again). Writes are idempotent,
so running them again after a rolled-back batch is safe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from convergence.charging.alerting import Sink
from convergence.timeseries.committed import Reactor, notify

LOGGER = logging.getLogger("convergence.charging.writer")
T = TypeVar("T")
Write = Callable[[Connection, Sink], Any]
Outcome = tuple[bool, Any]  # (succeeded, result or exception)


class BatchWriter:
    """Writes queued from the event loop, committed by batches in one worker thread."""

    def __init__(
        self, engine: Engine, *, max_batch: int = 200, reactors: Sequence[Reactor] = ()
    ) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.reactors = tuple(reactors)
        # One writer: no two transactions of this process wait on each other's locks.
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="ocpp-writer")
        self._queue: list[tuple[Write, asyncio.Future[Any]]] = []
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    async def write(self, work: Callable[[Connection, Sink], T]) -> T:
        """Run ``work`` in the next batch; its result once the batch is committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((work, future))
        self._wake()
        return await future

    def _wake(self) -> None:
        if self._task is None or self._task.done():
            self._wakeup = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._drain())
        assert self._wakeup is not None
        self._wakeup.set()

    async def _drain(self) -> None:
        assert self._wakeup is not None
        loop = asyncio.get_running_loop()
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._queue:
                batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
                outcomes = await loop.run_in_executor(
                    self._executor, self._commit, [work for work, _ in batch]
                )
                for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue  # its charge point went away meanwhile
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)

    def _commit(self, works: list[Write]) -> list[Outcome]:
        try:
            return self._together(works)
        except Exception:  # rare: find the write at fault by committing them one by one
            LOGGER.warning("a batch of %d writes failed; writing them one by one", len(works))
            return [self._alone(work) for work in works]

    def _together(self, works: list[Write]) -> list[Outcome]:
        with self.engine.begin() as conn:
            sink = Sink()
            results = [work(conn, sink) for work in works]
            committed = sink.flush(conn)
        notify(self.reactors, committed)
        return [(True, result) for result in results]

    def _alone(self, work: Write) -> Outcome:
        try:
            with self.engine.begin() as conn:
                sink = Sink()
                result = work(conn, sink)
                committed = sink.flush(conn)
        except Exception as error:
            LOGGER.exception("a write failed; its charge point gets an error and sends again")
            return False, error
        notify(self.reactors, committed)
        return True, result

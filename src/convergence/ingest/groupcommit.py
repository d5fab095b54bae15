"""Group commit: the envelopes of concurrent requests taken in by one transaction.

A network server sends one request per uplink. Committing each in its own transaction costs
a write lock and a synchronous flush to disk per uplink, and on SQLite every request queues
for that lock. Here the requests hand their envelope to one writer thread, which takes in
whatever has gathered since its last commit as one batch (``ingest.service.ingest``: one
transaction, split envelope by envelope if the database refuses it), then answers each
request with its own outcome — only once the batch is committed, so an acknowledged uplink
survives a crash as before — and only then tells the reactors (alerts, tickets) what is new,
once per batch instead of once per uplink.

Nothing waits on purpose: a request arriving while the writer is idle is committed at once;
the batches grow by themselves when requests arrive faster than one commit.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from sqlalchemy import Engine

from convergence.errors import ConvergenceError
from convergence.ingest.envelope import Envelope
from convergence.ingest.outcomes import Outcome
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.service import commit_batch, ingest
from convergence.timeseries.committed import Reactor, notify

logger = logging.getLogger(__name__)
MAX_ENVELOPES = 256  # a batch's size at most, so that one commit stays short
JOIN_TIMEOUT_S = 10.0


@dataclass(slots=True)
class _Request:
    envelope: Envelope
    answer: Future[Outcome] = field(default_factory=Future)


class GroupCommit:
    """Takes in envelopes of concurrent callers, one transaction per gathered batch."""

    def __init__(
        self,
        engine: Engine,
        *,
        pipeline: Pipeline,
        reactors: Sequence[Reactor] = (),
        max_envelopes: int = MAX_ENVELOPES,
    ) -> None:
        self.engine, self.pipeline, self.reactors = engine, pipeline, tuple(reactors)
        self.max_envelopes = max_envelopes
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    def take_in(self, envelope: Envelope) -> Outcome:
        """The envelope's outcome once it is committed (or kept as a dead letter)."""
        request = _Request(envelope)
        with self._lock:
            if self._closed:
                raise RuntimeError("the group commit is closed")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
                self._thread.start()
            self._queue.put(request)
        return request.answer.result()

    def close(self) -> None:
        """Commit what is queued, then stop the writer."""
        with self._lock:
            self._closed = True
            thread = self._thread
            self._queue.put(None)
        if thread is not None and thread.is_alive():
            thread.join(timeout=JOIN_TIMEOUT_S)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_envelopes:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(more)
            self._commit(batch)

    def _commit(self, batch: list[_Request]) -> None:
        try:
            result = commit_batch(
                self.engine, pipeline=self.pipeline, envelopes=[r.envelope for r in batch]
            )
        except ConvergenceError:
            # A refusal of one whole request (too large): each request on its own, so that
            # only its sender is told.
            self._one_by_one(batch)
            return
        except Exception as error:
            logger.exception("a batch of %d webhook envelopes could not be kept", len(batch))
            for request in batch:
                request.answer.set_exception(error)
            return
        for request, outcome in zip(batch, result.outcomes, strict=True):
            request.answer.set_result(outcome)
        notify(self.reactors, result.committed)

    def _one_by_one(self, batch: list[_Request]) -> None:
        for request in batch:
            try:
                single = ingest(
                    self.engine,
                    pipeline=self.pipeline,
                    envelopes=[request.envelope],
                    reactors=self.reactors,
                )
            except Exception as error:
                request.answer.set_exception(error)
            else:
                request.answer.set_result(single.outcomes[0])

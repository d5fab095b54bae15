"""The demo's history: simulated in a second process, stored through the ingestion bulk path.

The fleet simulator is deterministic and needs no database, so its jobs start as soon as the
fleet is planned, in a worker process (the other core), while the main process sets up the
territory. The main process then stores each job, oldest first, with the store's bulk path
(``insert_readings``: idempotent insert, rollups and latest values in one transaction) and
runs the ingestion's react stage on what was inserted — the flood fires its alerts on its
way up, as it would have live.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from convergence.alerts.react import react
from convergence.db.types import utcnow
from convergence.demo.scenario import Window
from convergence.quality.qualify import qualify
from convergence.simulation.episodes import Episode
from convergence.simulation.fleet import FleetPlan, simulate
from convergence.simulation.fleet_writer import RegisteredFleet
from convergence.simulation.signals import Floats, Ints
from convergence.timeseries.partitions import ensure_partitions
from convergence.timeseries.store import insert_readings

ReadingRow = tuple[int, datetime, float]  # (series_id, ts, value), as the store takes them
SeriesArrays = list[tuple[Ints, Floats]]  # (epoch seconds, values) of each series, plan order
PROCESS_THRESHOLD = 100_000  # readings: fewer are simulated in a thread of this process
START_TIMEOUT_S = 120.0  # a worker that cannot even start is replaced by this process


@dataclass(frozen=True, slots=True)
class Story:
    """What the worker needs besides the plan: episodes and who falls silent when."""

    episodes: tuple[Episode, ...]
    silent_serial: str
    silent_since_s: int


_worker: tuple[FleetPlan, Story] | None = None


def _start_worker(plan: FleetPlan, story: Story) -> None:
    global _worker
    _worker = (plan, story)


def simulate_window(window: Window) -> SeriesArrays:
    """Every series of the worker's plan over the window, in plan order."""
    assert _worker is not None, "the worker was not started"
    return simulate_series(*_worker, window=window)


def simulate_series(plan: FleetPlan, story: Story, *, window: Window) -> SeriesArrays:
    """Every series of ``plan`` over ``window`` as the story tells it, in plan order."""
    start_s, end_s = int(window.start.timestamp()), int(window.end.timestamp())
    found: SeriesArrays = []
    for asset in plan.assets:
        step_s = int(window.step_of(asset.sim_kind).total_seconds())
        for quantity in asset.spec.quantities:
            epoch, values = simulate(
                plan, asset, quantity, start_s=start_s, end_s=end_s, step_s=step_s,
                extra_episodes=story.episodes,
            )  # fmt: skip
            if asset.serial == story.silent_serial:
                kept = epoch < story.silent_since_s
                epoch, values = epoch[kept], values[kept]
            found.append((epoch, values))
    return found


def _process_pool(plan: FleetPlan, story: Story) -> Executor:
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(plan, story),
    )


def _thread_pool(plan: FleetPlan, story: Story) -> Executor:
    return ThreadPoolExecutor(max_workers=1, initializer=_start_worker, initargs=(plan, story))


class Simulation:
    """The back-fill's jobs, computed ahead by a worker process.

    The process is started from a thread: starting a Python interpreter under load takes
    seconds, which the main process spends setting up the territory instead. Where processes
    cannot be started, a thread does the work (slower, but it works).
    """

    def __init__(self, plan: FleetPlan, story: Story, windows: Sequence[Window]) -> None:
        self.windows = list(windows)
        self.series_count = plan.series_count
        self._inputs = (plan, story)
        self._jobs: list[Future[SeriesArrays]] = []
        self._executor: Executor | None = None
        self._starter = threading.Thread(
            target=self._start, args=(plan, story), name="demo-simulation", daemon=True
        )
        if self.windows:
            self._starter.start()

    def _start(self, plan: FleetPlan, story: Story) -> None:
        if self.expected_rows < PROCESS_THRESHOLD:  # a short gap: not worth a new process
            self._submit(_thread_pool(plan, story))
            return
        try:
            self._submit(_process_pool(plan, story))
        except (OSError, NotImplementedError, BrokenProcessPool):
            self._submit(_thread_pool(plan, story))

    def _submit(self, executor: Executor) -> None:
        self._executor = executor
        self._jobs = [executor.submit(simulate_window, window) for window in self.windows]

    @property
    def expected_rows(self) -> int:
        """About how many readings the jobs make (before outages)."""
        return sum(_expected(w, self._inputs[0]) for w in self.windows)

    def results(self) -> Iterable[tuple[Window, SeriesArrays]]:
        """Each job's window and readings, oldest first, as they are ready."""
        if self.windows:
            self._starter.join(timeout=START_TIMEOUT_S)
        jobs = self._jobs if not self._starter.is_alive() else []
        for index, window in enumerate(self.windows):
            yield window, self._result(window, jobs[index] if index < len(jobs) else None)

    def _result(self, window: Window, job: Future[SeriesArrays] | None) -> SeriesArrays:
        """The job's readings; computed here when the worker could not do it."""
        if job is not None:
            try:
                return job.result()
            except BrokenProcessPool:
                pass
        return simulate_series(*self._inputs, window=window)

    def close(self) -> None:
        """Stop the worker (its jobs are done, or no longer wanted)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)


def _expected(window: Window, plan: FleetPlan) -> int:
    """How many readings the window holds (before outages)."""
    span = window.end - window.start
    return sum(int(span / window.step_of(a.sim_kind)) * len(a.spec.quantities) for a in plan.assets)


def _rows(fleet: RegisteredFleet, arrays: SeriesArrays) -> list[ReadingRow]:
    rows: list[ReadingRow] = []
    for series, (epoch, values) in zip(fleet.series, arrays, strict=True):
        instants = [datetime.fromtimestamp(s, UTC) for s in epoch.tolist()]
        rows += zip([series.series_id] * len(instants), instants, values.tolist(), strict=True)
    return rows


@dataclass(slots=True)
class BackfillReport:
    windows: int = 0
    inserted: int = 0
    alerts_fired: int = 0
    seconds: float = 0.0
    waited_s: float = 0.0  # time spent waiting for the simulation worker
    per_window: list[float] = field(default_factory=list)


def latest_per_series(rows: Iterable[ReadingRow]) -> list[ReadingRow]:
    """The newest row of each series: what the react stage evaluates of a batch."""
    latest: dict[int, ReadingRow] = {}
    for row in rows:
        if row[0] not in latest or row[1] > latest[row[0]][1]:
            latest[row[0]] = row
    return list(latest.values())


def store_window(
    engine: Engine, fleet: RegisteredFleet, rows: list[ReadingRow], end: datetime
) -> tuple[int, int]:
    """Store one job's readings and react to them; (inserted, alerts fired).

    Threshold rules and the end of silences look at each series' latest reading of a batch:
    the react stage is given just those, which spares it sorting a day of readings.
    """
    decibels = frozenset(s.series_id for s in fleet.series if s.decibel)
    with engine.begin() as conn:
        # The qualify stage, as on ingestion: the simulated faults' spikes are set aside.
        flags = qualify(conn, rows)
        stored = insert_readings(conn, rows, decibel_series=decibels, quality=flags)
    outcome = react(engine, stored=latest_per_series(stored.valid), now=min(end, utcnow()))
    return len(stored.inserted), len(outcome.fired)


def backfill(
    engine: Engine,
    *,
    fleet: RegisteredFleet,
    simulation: Simulation,
    advance: Callable[[int], None] | None = None,
) -> BackfillReport:
    """Store every job of ``simulation``, oldest first."""
    report, started = BackfillReport(), time.monotonic()
    if simulation.windows:
        with engine.begin() as conn:
            ensure_partitions(conn, since=simulation.windows[0].start)
    waiting = time.monotonic()
    for window, arrays in simulation.results():
        report.waited_s += time.monotonic() - waiting
        rows = _rows(fleet, arrays)
        inserted, fired = store_window(engine, fleet, rows, window.end)
        report.windows, report.inserted = report.windows + 1, report.inserted + inserted
        report.alerts_fired += fired
        report.per_window.append(time.monotonic() - waiting)
        if advance is not None:
            advance(len(rows))
        waiting = time.monotonic()
    report.seconds = time.monotonic() - started
    return report

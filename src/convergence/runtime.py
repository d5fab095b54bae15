"""The composition root: what one process builds once from its settings, and closes.

Every process that takes data in or serves people — ``convergence serve``, ``convergence
ingest mqtt``, ``convergence demo``, the dead-letter replay, the OCPP benchmark's server —
gets its pipeline, its reactors and its long-lived objects here, so that they are the same
everywhere: a reading over a threshold opens its alert whichever way it came in. Domain
packages never reach for these objects; they are given them.

``start_background`` starts what runs beside the requests (the alert worker, the warmer of
the key figures); ``close`` stops them and the JavaScript codec workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from convergence.alerts.config import config_from_settings as alerts_config
from convergence.alerts.react import alert_stage
from convergence.alerts.worker import AlertWorker
from convergence.charging.config import config_from_settings as central_config
from convergence.charging.ocpp.central import CentralSystem
from convergence.charging.relay import derive_relay_key
from convergence.db.engine import make_engine, writing
from convergence.db.leases import Leadership
from convergence.ingest.catchup import CatchUp
from convergence.ingest.deadletters import DeadLetterLimits
from convergence.ingest.decoding import Codecs
from convergence.ingest.groupcommit import GroupCommit
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.ratelimit import (
    Buckets,
    IntegrationLimits,
    LocalBuckets,
    RateLimiter,
    SharedBuckets,
)
from convergence.ingest.replay import backlog_replayer
from convergence.opendata.config import config_from_settings as opendata_config
from convergence.opendata.gate import PublicGate
from convergence.registry.events import RegistryListener
from convergence.reports.warmer import FigureWarmer
from convergence.servicelines import service_lines
from convergence.settings import Settings
from convergence.timedcache import TimedCache
from convergence.timeseries.committed import Reactor, notify, staged, take_deferred

INTEGRATION_TTL_S = 5.0


@dataclass(slots=True)
class Runtime:
    """The long-lived objects of one process, built by ``Runtime.build``."""

    settings: Settings
    engine: Engine
    pipeline: Pipeline
    ingest_limiter: RateLimiter
    integration_limits: IntegrationLimits
    reactors: tuple[Reactor, ...]
    registry_listeners: tuple[RegistryListener, ...]
    alert_worker: AlertWorker
    catch_up: CatchUp
    webhook_writer: GroupCommit
    central_system: CentralSystem
    public_gate: PublicGate
    page_cache: TimedCache
    # Integrations as the webhooks read them per uplink: a changed setting applies within
    # seconds (an integration's member and kind never change).
    integrations: TimedCache
    figure_warmer: FigureWarmer
    # Held by one of the workers of ``serve``: that one runs the schedule and the catch-up.
    leadership: Leadership | None = None

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        engine: Engine | None = None,
        schedule_alerts: bool = True,
        leased: bool = False,
    ) -> Runtime:
        """Everything a process needs; ``schedule_alerts`` for the one that runs silence rules,
        ``leased`` for a process among several that may: it runs them while it holds the
        platform's lease (``db/leases.py``)."""
        engine = engine or make_engine(
            settings.resolved_database_url, audit_key=settings.resolved_audit_key
        )
        pipeline = Pipeline(
            codecs=Codecs.from_settings(settings),
            max_items=settings.ingest_max_batch,
            dead_letter_limits=DeadLetterLimits.from_settings(settings),
        )
        worker = AlertWorker(engine, config=alerts_config(settings), schedule=schedule_alerts)
        leadership = (
            Leadership(engine, ttl_s=settings.leader_lease_s, on_gain=worker.schedule_now)
            if leased
            else None
        )
        if leadership is not None:
            worker.leads = leadership.leads
        page_cache = TimedCache(max_entries=settings.page_cache_entries)
        followers = tuple(
            line.reactor(engine, settings=settings, on_queued=worker.wake)
            for line in service_lines()
            if line.reactor is not None
        )
        # The lines' reactors follow the alert rules and are told which alerts changed; the
        # worker tells them too of what its scheduled evaluation (silences) changed.
        reactors: tuple[Reactor, ...] = (
            staged(alert_stage(engine, on_queued=worker.wake), followers),
        )
        worker.followers = followers
        buckets = _rate_buckets(settings)
        ingest_limiter = RateLimiter(settings.ingest_rate_per_minute, buckets=buckets)
        integration_limits = IntegrationLimits(buckets=buckets)
        return cls(
            settings=settings,
            engine=engine,
            pipeline=pipeline,
            ingest_limiter=ingest_limiter,
            integration_limits=integration_limits,
            reactors=reactors,
            registry_listeners=(backlog_replayer(pipeline),),
            alert_worker=worker,
            catch_up=CatchUp(
                engine,
                pipeline=pipeline,
                integration_limits=integration_limits,
                token_limiter=ingest_limiter,
                reactors=reactors,
                leads=leadership.leads if leadership is not None else None,
            ),
            webhook_writer=GroupCommit(engine, pipeline=pipeline, reactors=reactors),
            central_system=CentralSystem(
                engine=engine,
                config=central_config(settings),
                reactors=reactors,
                relay_key=derive_relay_key(settings.secret_key.get_secret_value()),
            ),
            public_gate=PublicGate.from_config(opendata_config(settings), buckets=buckets),
            page_cache=page_cache,
            integrations=TimedCache(ttl_s=INTEGRATION_TTL_S),
            figure_warmer=FigureWarmer(engine, page_cache),
            leadership=leadership,
        )

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction whose deferred storage (replays) reaches the reactors once committed."""
        with self.engine.connect() as conn:
            try:
                with writing(conn).begin():
                    yield conn
                committed = take_deferred(conn)
            finally:
                take_deferred(conn)  # nothing of a rolled-back transaction is told
        notify(self.reactors, committed)

    def start_background(self) -> None:
        """Start the alert worker: notifications sent at once, the schedule every period; the
        warmer of the territory pages' key figures; in the process that runs the schedule, the
        catch-up of rate-limited uplinks too (while it holds the lease, if ``leased``)."""
        if self.leadership is not None:
            self.leadership.start()
        self.alert_worker.start()
        self.figure_warmer.start()
        if self.alert_worker.schedule:
            self.catch_up.start()

    def close(self) -> None:
        """Stop the background work and the JavaScript codec workers."""
        if self.leadership is not None:  # first: another worker takes the lease at once
            self.leadership.close()
        self.figure_warmer.close()
        self.catch_up.close()
        self.webhook_writer.close()
        self.alert_worker.close()
        self.pipeline.codecs.close()


def _rate_buckets(settings: Settings) -> Buckets:
    """The ingest budgets: shared by the workers of one ``serve`` (its file), else local."""
    if settings.rate_budgets_file is not None:
        return SharedBuckets(settings.rate_budgets_file)
    return LocalBuckets()

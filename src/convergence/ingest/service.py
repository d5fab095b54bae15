"""Use cases of ingestion: take in a batch of envelopes, manage integrations.

``ingest`` decodes a batch with no transaction open (a slow codec holds no lock), commits it
in one short write transaction and only then reacts (and lets the caller acknowledge the
sender). When the database refuses the batch, its store is retried, then made envelope by
envelope so that one poisonous message ends in the dead-letter store instead of blocking all
the others.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, select

from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import ConvergenceError, NotFound, PermissionDenied
from convergence.ingest import deadletters
from convergence.ingest.envelope import Envelope, Refusal, Source, Stage
from convergence.ingest.outcomes import BatchResult, Outcome, Rejection
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.prepared import Prepared
from convergence.ingest.schemas import IntegrationCreate, IntegrationKind, IntegrationOut
from convergence.ingest.tables import integrations
from convergence.members import audit
from convergence.members.scope import MemberScope, member_clause, require_admin, require_write
from convergence.timeseries.committed import Reactor, notify

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "get_integration": "the receivers route by the integration of an authenticated token",
    "application_routes": "the MQTT receiver routes network-server topics to their integration",
}

logger = logging.getLogger(__name__)
ATTEMPTS = 2


def ingest(
    engine: Engine,
    *,
    pipeline: Pipeline,
    envelopes: Sequence[Envelope],
    reactors: Sequence[Reactor] = (),
) -> BatchResult:
    """Process ``envelopes`` in one transaction, commit, then tell the reactors what is new."""
    result = commit_batch(engine, pipeline=pipeline, envelopes=envelopes)
    notify(reactors, result.committed)
    return result


def commit_batch(
    engine: Engine, *, pipeline: Pipeline, envelopes: Sequence[Envelope]
) -> BatchResult:
    """Decode ``envelopes``, then store them in one transaction; the caller tells the reactors.

    Decoding comes first, outside any transaction: only the store takes the write lock.
    """
    try:
        prepared = pipeline.prepare(engine, envelopes)
    except ConvergenceError:
        raise  # a refusal of the whole request (413): the sender is told, nothing is kept
    except Exception as error:  # a bug before the store: each envelope on its own
        return _one_by_one(engine, pipeline, envelopes, error, prepared=None)
    failure: Exception | None = None
    for _ in range(ATTEMPTS):
        try:
            with engine.begin() as conn:
                return pipeline.store(conn, prepared)
        except ConvergenceError:
            raise
        except Exception as error:  # the database, or a bug: see the module docstring
            failure = error
    assert failure is not None
    return _one_by_one(engine, pipeline, envelopes, failure, prepared=prepared)


def _one_by_one(
    engine: Engine,
    pipeline: Pipeline,
    envelopes: Sequence[Envelope],
    failure: Exception,
    *,
    prepared: Prepared | None,
) -> BatchResult:
    logger.warning(
        "batch of %d envelopes failed (%r); taking them one by one", len(envelopes), failure
    )
    merged = BatchResult(outcomes=[])
    for slot, envelope in enumerate(envelopes):
        try:
            single, index = _prepared_alone(engine, pipeline, envelope, slot, prepared)
            with engine.begin() as conn:
                stored = pipeline.store(conn, single)
        except ConvergenceError:
            raise
        except Exception as error:
            logger.exception("envelope from %s refused by the store", envelope.source)
            limits = pipeline.dead_letter_limits
            merged.outcomes.append(_store_refused(engine, envelope, error, limits))
            continue
        merged.outcomes.append(stored.outcomes[index])
        merged.inserted += stored.inserted
        merged.new_events += stored.new_events
    return merged


def _prepared_alone(
    engine: Engine,
    pipeline: Pipeline,
    envelope: Envelope,
    slot: int,
    prepared: Prepared | None,
) -> tuple[Prepared, int]:
    """One envelope ready for its store, and where its outcome is: decoded once if it was."""
    if prepared is not None:
        return prepared.only(slot), slot
    return pipeline.prepare(engine, [envelope]), 0


def _store_refused(
    engine: Engine, envelope: Envelope, error: Exception, limits: deadletters.DeadLetterLimits
) -> Outcome:
    refusal = Refusal(Stage.store, "store_error", f"{type(error).__name__}: {error}"[:1000])
    return keep_refused(engine, envelope=envelope, refusal=refusal, limits=limits)


def keep_refused(
    engine: Engine,
    *,
    envelope: Envelope,
    refusal: Refusal,
    limits: deadletters.DeadLetterLimits = deadletters.DEFAULT_LIMITS,
) -> Outcome:
    """Keep a whole envelope as a dead letter without running the pipeline (e.g. over a limit)."""
    with engine.begin() as conn:
        dead_letter_id = deadletters.record(
            conn,
            envelope=envelope,
            refusal=refusal,
            raw=envelope.raw,
            device_ref=envelope.device_ref,
            metadata=envelope.metadata,
            limits=limits,
        )
    rejection = Rejection(
        None, envelope.device_ref, Stage.store, refusal.code, refusal.reason, dead_letter_id
    )
    return Outcome(messages=1, rejections=[rejection])


def create_integration(
    conn: Connection, *, scope: MemberScope, data: IntegrationCreate
) -> IntegrationOut:
    """Connect a member to a network server or broker (member administrators)."""
    require_admin(scope)
    member_id = data.member_id or scope.member_id
    require_write(scope, member_id)
    integration_id = insert_one(
        conn,
        integrations,
        member_id=member_id,
        kind=data.kind.value,
        name=data.name,
        config=data.config.model_dump(),
        created_at=utcnow(),
    )
    audit.record(
        conn,
        actor=scope.actor,
        action="integration.create",
        member_id=member_id,
        target=f"integration:{integration_id}",
        details={"kind": data.kind.value, "name": data.name},
    )
    return get_integration(conn, integration_id=integration_id)


def get_integration(conn: Connection, *, integration_id: int) -> IntegrationOut:
    row = conn.execute(select(integrations).where(integrations.c.id == integration_id)).first()
    if row is None:
        raise NotFound(f"integration {integration_id} not found")
    return IntegrationOut.model_validate(row._asdict())


def list_integrations(conn: Connection, *, scope: MemberScope) -> list[IntegrationOut]:
    rows = conn.execute(
        select(integrations)
        .where(member_clause(scope, integrations.c.member_id))
        .order_by(integrations.c.id)
    )
    return [IntegrationOut.model_validate(r._asdict()) for r in rows]


def check_token_integration(
    conn: Connection, *, scope: MemberScope, kind: IntegrationKind
) -> IntegrationOut | None:
    """The token's integration; PermissionDenied when it is of another kind or member."""
    if scope.integration_id is None:
        return None
    integration = get_integration(conn, integration_id=scope.integration_id)
    return check_integration(integration, scope=scope, kind=kind)


def check_integration(
    integration: IntegrationOut, *, scope: MemberScope, kind: IntegrationKind
) -> IntegrationOut:
    """``integration`` if it is the token's and of ``kind``; PermissionDenied otherwise."""
    if (
        integration.id != scope.integration_id
        or integration.member_id != scope.member_id
        or integration.kind is not kind
    ):
        raise PermissionDenied(
            f"ce jeton est lié à l'intégration {integration.id} ({integration.kind}) / this token "
            f"is bound to integration {integration.id} ({integration.kind}), not to {kind}"
        )
    return integration


def application_routes(conn: Connection) -> dict[tuple[Source, str], int]:
    """Which member each network-server application belongs to, for the MQTT feeds."""
    sources = {
        IntegrationKind.chirpstack.value: Source.chirpstack,
        IntegrationKind.tts.value: Source.tts,
    }
    routes: dict[tuple[Source, str], int] = {}
    rows = conn.execute(select(integrations).where(integrations.c.kind.in_(list(sources))))
    for row in rows:
        for application in (row.config or {}).get("application_ids", []):
            if isinstance(application, str):
                routes[(sources[row.kind], application)] = row.member_id
    return routes

"""Receivers: the native batch API, the ChirpStack HTTP integration, the TTS webhook.

Every receiver authenticates an ingest token, applies the rate limit and the body size
limit, hands one envelope to the pipeline and answers after the commit. Network-server
webhooks get a 2xx once a message is safely kept, even as a dead letter (202): neither server
retries a refusal, and The Things Stack disables webhooks that keep failing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.errors import PayloadTooLarge, RateLimited
from convergence.ingest.chirpstack_protobuf import PROTOBUF, is_protobuf
from convergence.ingest.envelope import (
    RATE_LIMITED,
    UNKNOWN_DEVICE,
    Envelope,
    Refusal,
    Source,
    Stage,
)
from convergence.ingest.outcomes import Outcome
from convergence.ingest.schemas import (
    IngestReport,
    IntegrationCreate,
    IntegrationKind,
    IntegrationOut,
    Marshaler,
    RejectionOut,
)
from convergence.ingest.service import (
    check_integration,
    check_token_integration,
    create_integration,
    get_integration,
    ingest,
    keep_refused,
    list_integrations,
)
from convergence.members.scope import MemberScope
from convergence.runtime import Runtime
from convergence.settings import Settings
from convergence.web.api.pagination import Page, PageDep, paginate_sequence
from convergence.web.deps import EngineDep, IngestScope, ReadScope, RuntimeDep, SettingsDep
from convergence.web.errors import error_body

router = APIRouter(tags=["ingest"])


async def limited_scope(
    scope: IngestScope, runtime: RuntimeDep, settings: SettingsDep
) -> MemberScope:
    """The ingest scope, within its token's rate limit (429 otherwise)."""
    wait = runtime.ingest_limiter.wait_time(scope.actor)
    if wait is not None:
        raise RateLimited(
            f"trop de requêtes / too many requests: {settings.ingest_rate_per_minute:g} per minute "
            f"per token; retry in {math.ceil(wait)} s or send larger batches",
            retry_after_s=math.ceil(wait),
        )
    return scope


LimitedScope = Annotated[MemberScope, Depends(limited_scope)]


async def limited_body(request: Request, settings: SettingsDep, scope: LimitedScope) -> bytes:
    """The request body, read only up to the size limit (413 beyond)."""
    return await _read_body(request, settings)


async def webhook_body(request: Request, settings: SettingsDep, scope: IngestScope) -> bytes:
    """A webhook's body: its rate is checked after reading, to keep what exceeds it."""
    return await _read_body(request, settings)


async def _read_body(request: Request, settings: SettingsDep) -> bytes:
    limit = settings.ingest_max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(len(body), limit)
    return bytes(body)


def _too_large(size: int, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"corps de {size} octets, limite {limit} / body of {size} bytes exceeds the limit of "
        f"{limit} bytes: send smaller batches",
        size=size,
        limit=limit,
    )


BodyDep = Annotated[bytes, Depends(limited_body)]
WebhookBodyDep = Annotated[bytes, Depends(webhook_body)]


@router.post("/ingest", response_model=IngestReport)
def ingest_native(
    body: BodyDep, scope: LimitedScope, engine: EngineDep, runtime: RuntimeDep
) -> JSONResponse:
    """Readings `{device, ts, quantity, value, unit}` or uplinks `{device, fport, payload_hex}`.

    Send `{"readings": [...], "uplinks": [...]}` or a list of items. A device is an asset id,
    DevEUI, serial number or OCPP id of the token's member. Refused items are listed with the
    dead letter that keeps them; when every item is refused the answer is 422.
    """
    outcome = _take_in(engine, runtime, scope, Source.http, body, IntegrationKind.http, {})
    report = _report(outcome)
    if outcome.messages and len(outcome.rejections) == outcome.messages and not _kept(outcome):
        return _all_refused(report)
    return JSONResponse(report.model_dump(mode="json"))


@router.post("/ingest/chirpstack", response_model=IngestReport)
def ingest_chirpstack(
    body: WebhookBodyDep,
    scope: IngestScope,
    engine: EngineDep,
    runtime: RuntimeDep,
    settings: SettingsDep,
    event: str = Query(default="up", max_length=40, description="ChirpStack event type"),
    content_type: str | None = Header(default=None),
) -> JSONResponse:
    """The ChirpStack v4 HTTP integration (`POST …?event=up`), JSON or Protobuf.

    Protobuf when the body is sent as `application/x-protobuf` or `application/octet-stream`,
    or when the integration's `marshaler` setting says so. Within the integration's
    `max_uplinks_per_second`; beyond it an uplink is kept as a `rate_limited` dead letter
    (202), never refused: ChirpStack does not retry.
    """
    hook = Webhook(engine, runtime, settings, scope, protobuf=is_protobuf(content_type))
    return hook.take_in(Source.chirpstack, body, IntegrationKind.chirpstack, {"event": event})


@router.post("/ingest/tts", response_model=IngestReport)
def ingest_tts(
    body: WebhookBodyDep,
    scope: IngestScope,
    engine: EngineDep,
    runtime: RuntimeDep,
    settings: SettingsDep,
) -> JSONResponse:
    """The Things Stack v3 webhook, "Uplink message" path (rate: as for ChirpStack)."""
    hook = Webhook(engine, runtime, settings, scope)
    return hook.take_in(Source.tts, body, IntegrationKind.tts, {})


@dataclass(frozen=True, slots=True)
class Webhook:
    """A network server's request: within its integration's rate, or kept for replay."""

    engine: Engine
    runtime: Runtime
    settings: Settings
    scope: MemberScope
    protobuf: bool = False

    def take_in(
        self, source: Source, body: bytes, kind: IntegrationKind, metadata: dict[str, Any]
    ) -> JSONResponse:
        integration = self._integration(kind)
        if self.protobuf or (
            integration is not None and integration.config.marshaler is Marshaler.protobuf
        ):
            metadata = {**metadata, "encoding": PROTOBUF}
        envelope = _envelope(self.scope, source, body, metadata)
        refusal = self._over_rate(integration)
        if refusal is not None:
            outcome = keep_refused(
                self.engine,
                envelope=envelope,
                refusal=refusal,
                limits=self.runtime.pipeline.dead_letter_limits,
            )
        else:
            # Committed with the uplinks of concurrent requests, answered after the commit.
            outcome = self.runtime.webhook_writer.take_in(envelope)
        return _webhook_answer(outcome)

    def _integration(self, kind: IntegrationKind) -> IntegrationOut | None:
        """The token's integration, read at most every few seconds (it is read per uplink)."""
        integration_id = self.scope.integration_id
        if integration_id is None:
            return None

        def load() -> IntegrationOut:
            with self.engine.connect() as conn:
                return get_integration(conn, integration_id=integration_id)

        integration = self.runtime.integrations.get_or_compute(integration_id, load)
        return check_integration(integration, scope=self.scope, kind=kind)

    def _over_rate(self, integration: IntegrationOut | None) -> Refusal | None:
        if integration is not None:
            wait = self.runtime.integration_limits.wait_time(
                integration_id=integration.id,
                uplinks_per_second=integration.config.max_uplinks_per_second,
            )
            limit = f"{integration.config.max_uplinks_per_second} uplinks/s of integration "
            limit += f"{integration.id} (max_uplinks_per_second in its settings)"
        else:
            wait = self.runtime.ingest_limiter.wait_time(self.scope.actor)
            limit = f"{self.settings.ingest_rate_per_minute:g} requests/min per token "
            limit += "(bind the token to an integration to size its limit)"
        if wait is None:
            return None
        reason = (
            f"débit prévu dépassé / above the expected rate of {limit}: the uplink is kept; "
            "replay it once the burst is over"
        )
        return Refusal(Stage.receive, RATE_LIMITED, reason)


def _take_in(
    engine: EngineDep,
    runtime: Runtime,
    scope: MemberScope,
    source: Source,
    body: bytes,
    kind: IntegrationKind,
    metadata: dict[str, Any],
) -> Outcome:
    if scope.integration_id is not None:  # a token of no integration reads nothing here
        with engine.connect() as conn:
            check_token_integration(conn, scope=scope, kind=kind)
    envelope = _envelope(scope, source, body, metadata)
    result = ingest(
        engine, pipeline=runtime.pipeline, envelopes=[envelope], reactors=runtime.reactors
    )
    return result.outcomes[0]


def _envelope(
    scope: MemberScope, source: Source, body: bytes, metadata: dict[str, Any]
) -> Envelope:
    return Envelope(
        source=source,
        raw=body,
        received_at=utcnow(),
        member_id=scope.member_id,
        metadata={
            "transport": "http",
            "actor": scope.actor,
            **({"integration_id": scope.integration_id} if scope.integration_id else {}),
            **metadata,
        },
    )


def _report(outcome: Outcome) -> IngestReport:
    return IngestReport(
        messages=outcome.messages,
        stored=outcome.stored,
        duplicates=outcome.duplicates,
        events=outcome.events,
        refused=[
            RejectionOut(
                index=r.index,
                device=r.device_ref,
                stage=r.stage,
                code=r.code,
                reason=r.reason,
                dead_letter_id=r.dead_letter_id,
            )
            for r in outcome.rejections
        ],
    )


def _kept(outcome: Outcome) -> bool:
    # A message refused in part (a value out of range, a field no map names) still stored
    # the rest: the answer lists what was refused, but it is not "nothing was taken in".
    return bool(outcome.stored or outcome.duplicates or outcome.events)


def _all_refused(report: IngestReport) -> JSONResponse:
    codes = {r.code for r in report.refused}
    code = UNKNOWN_DEVICE if codes == {UNKNOWN_DEVICE} else "refused"
    first = report.refused[0].reason
    message = (
        f"aucune donnée acceptée / nothing was taken in ({len(report.refused)} refused, kept as "
        f"dead letters); first reason: {first}"
    )
    body = error_body(code, message, **report.model_dump(mode="json"))
    return JSONResponse(body, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def _webhook_answer(outcome: Outcome) -> JSONResponse:
    report = _report(outcome)
    accepted = status.HTTP_202_ACCEPTED if report.refused else status.HTTP_200_OK
    return JSONResponse(report.model_dump(mode="json"), status_code=accepted)


@router.get("/integrations", response_model=Page[IntegrationOut])
def get_integrations(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[IntegrationOut]:
    """The integrations (network servers, brokers) of the members the caller may see."""
    with engine.connect() as conn:
        found = list_integrations(conn, scope=scope)
    return paginate_sequence(found, page, key=lambda i: i.id)


@router.post("/integrations", response_model=IntegrationOut, status_code=201)
def post_integration(
    data: IntegrationCreate, engine: EngineDep, scope: ReadScope
) -> IntegrationOut:
    """Declare an integration; bind an ingest token to it with `tokens create --integration`."""
    with engine.begin() as conn:
        return create_integration(conn, scope=scope, data=data)

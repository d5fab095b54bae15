"""A codec holds no lock, and one that keeps failing is suspended (finding 2 of #13).

Before: the pipeline decoded inside the ingestion's write transaction (``BEGIN IMMEDIATE``
on SQLite), so every writer waited for the codec; 200 frames of a codec running out of
memory each cost the sandbox its whole budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select

from convergence.decoders.registry import DecoderRegistry
from convergence.decoders.sdk import (
    DecodeError,
    DecodeErrorReason,
    DecodeResult,
    Frame,
    Manifest,
    decoded,
)
from convergence.ingest.catchup import CatchUp
from convergence.ingest.decoding import Codecs
from convergence.ingest.envelope import RATE_LIMITED, Envelope, Refusal, Source, Stage
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.ratelimit import IntegrationLimits, RateLimiter
from convergence.ingest.schemas import IntegrationCreate, IntegrationKind
from convergence.ingest.service import create_integration, ingest, keep_refused
from convergence.ingest.suspensions import CODEC_SUSPENDED, CodecSuspensions
from convergence.ingest.tables import dead_letters
from convergence.members.scope import command_line_scope
from convergence.registry.tables import assets
from convergence.web.deps import runtime_of
from tests.ingest.conftest import device_model, register
from tests.ingest.payloads import as_bytes, chirpstack_up
from tests.support import Territory, another_writer_may_write

CODECS_DIR = Path(__file__).parents[1] / "decoders" / "codecs"
PROBE_EUI = "70B3D57BA0000F01"
BOMB_EUI = "70B3D57BA0000F02"


class WriteLockProbe:
    """A codec that, while it decodes, asks for /healthz and for the write lock at once."""

    def __init__(self, engine: Engine, client: TestClient) -> None:
        self.engine, self.client = engine, client
        self.seen: list[tuple[int, bool, int]] = []

    @property
    def manifest(self) -> Manifest:
        return Manifest(
            id="lock-probe",
            name="lock probe",
            vendors=("test",),
            models=("probe",),
            version="1",
            description="takes the write lock while decoding",
            licence="MIT",
            source="tests",
        )

    def decode(self, frame: Frame) -> DecodeResult:
        self.seen.append(
            (self._connections_held(), another_writer_may_write(self.engine), self._healthz())
        )
        return decoded({"temperature": 21.5})

    def _connections_held(self) -> int:
        checkedout = getattr(self.engine.pool, "checkedout", None)
        return int(checkedout()) if callable(checkedout) else 0

    def _healthz(self) -> int:
        return self.client.get("/healthz").status_code


def _uplink(member_id: int, dev_eui: str, second: int, **metadata: object) -> Envelope:
    when = datetime(2026, 11, 28, 9, 0, tzinfo=UTC) + timedelta(seconds=second)
    message = chirpstack_up(object=None, devEui=dev_eui.lower(), time=when.isoformat())
    message["deduplicationId"] = f"dedup-{second}"
    raw = as_bytes(message)
    return Envelope(Source.chirpstack, raw, when, member_id=member_id, metadata=metadata)


def test_a_codec_decodes_while_no_lock_is_held_and_healthz_answers(
    engine: Engine, territory: Territory, client: TestClient
) -> None:
    probe = WriteLockProbe(engine, client)
    model = device_model(engine, "test", "probe", "lock-probe")
    versailles = territory.versailles.id
    register(engine, versailles, name="Sonde", dev_eui=PROBE_EUI, device_model_id=model)
    codecs = Codecs(registry=DecoderRegistry([probe]))
    result = ingest(
        engine,
        pipeline=Pipeline(codecs=codecs),
        envelopes=[_uplink(versailles, PROBE_EUI, s) for s in range(3)],
    )
    # No connection of the ingestion open, another writer not kept waiting, /healthz up.
    assert probe.seen == [(0, True, 200)] * 3
    # Each uplink: the decoded temperature, and the best gateway's RSSI and SNR.
    assert [o.stored for o in result.outcomes] == [3, 3, 3]


def test_the_catch_up_decodes_before_its_write_transaction(
    engine: Engine, territory: Territory, client: TestClient
) -> None:
    probe = WriteLockProbe(engine, client)
    model = device_model(engine, "test", "probe", "lock-probe")
    versailles = territory.versailles.id
    register(engine, versailles, name="Sonde", dev_eui=PROBE_EUI, device_model_id=model)
    data = IntegrationCreate(kind=IntegrationKind.chirpstack, name="CS", member_id=versailles)
    with engine.begin() as conn:
        integration = create_integration(conn, scope=command_line_scope(), data=data)
    for second in range(3):
        envelope = _uplink(
            versailles, PROBE_EUI, second, event="up", integration_id=integration.id, actor="t:1"
        )
        refusal = Refusal(Stage.receive, RATE_LIMITED, "above the expected rate")
        keep_refused(engine, envelope=envelope, refusal=refusal)
    catch_up = CatchUp(
        engine,
        pipeline=Pipeline(codecs=Codecs(registry=DecoderRegistry([probe]))),
        integration_limits=IntegrationLimits(),
        token_limiter=RateLimiter(600),
    )
    assert len(catch_up.run_once().replayed) == 3
    assert probe.seen == [(0, True, 200)] * 3


class RemovesItsDevice(WriteLockProbe):
    """A codec during whose run the device is deleted: the store then fails."""

    def __init__(self, engine: Engine, client: TestClient, asset_id: int) -> None:
        super().__init__(engine, client)
        self.asset_id = asset_id

    @property
    def manifest(self) -> Manifest:
        return super().manifest.model_copy(update={"id": "removes-its-device"})

    def decode(self, frame: Frame) -> DecodeResult:
        self.seen.append((0, True, 200))
        with self.engine.begin() as conn:
            conn.execute(delete(assets).where(assets.c.id == self.asset_id))
        return decoded({"temperature": 21.5})


def test_a_device_deleted_while_its_frames_decode_ends_in_dead_letters_decoded_once(
    engine: Engine, territory: Territory, client: TestClient
) -> None:
    model = device_model(engine, "test", "removed", "removes-its-device")
    versailles = territory.versailles.id
    asset_id = register(engine, versailles, name="Sonde", dev_eui=PROBE_EUI, device_model_id=model)
    codec = RemovesItsDevice(engine, client, asset_id)
    result = ingest(
        engine,
        pipeline=Pipeline(codecs=Codecs(registry=DecoderRegistry([codec]))),
        envelopes=[_uplink(versailles, PROBE_EUI, s) for s in range(2)],
    )
    # The store failed twice, then envelope by envelope: each kept, none decoded again.
    assert [o.rejections[0].code for o in result.outcomes] == ["store_error"] * 2
    assert len(codec.seen) == 2


@pytest.fixture(scope="module")
def bomb_codecs() -> Iterator[Codecs]:
    codecs = Codecs(js_dir=CODECS_DIR, suspensions=CodecSuspensions(after=3))
    yield codecs
    codecs.close()


def test_a_codec_running_out_of_memory_is_suspended_and_its_frames_kept(
    engine: Engine, territory: Territory, bomb_codecs: Codecs, client: TestClient
) -> None:
    model = device_model(engine, "test", "bomb", "js:memory_bomb.js")
    versailles = territory.versailles.id
    register(engine, versailles, name="Bombe", dev_eui=BOMB_EUI, device_model_id=model)
    pipeline = Pipeline(codecs=bomb_codecs)
    result = ingest(
        engine,
        pipeline=pipeline,
        envelopes=[_uplink(versailles, BOMB_EUI, s) for s in range(200)],
    )
    codes = [o.rejections[0].code for o in result.outcomes]
    # Three frames ran into the memory limit; the codec never ran for the 197 others.
    assert codes == ["decode_memory"] * 3 + [CODEC_SUSPENDED] * 197
    assert "suspendu" in result.outcomes[-1].rejections[0].reason
    with engine.connect() as conn:
        kept = conn.execute(select(dead_letters.c.reason_code)).scalars().all()
    assert sorted(kept) == sorted(codes)  # each frame kept, to replay once the codec is fixed
    assert client.get("/healthz").status_code == 200
    (suspension,) = bomb_codecs.suspensions.current()
    assert (suspension.codec, suspension.failures) == ("js-memory-bomb", 3)
    assert bomb_codecs.suspensions.lift(suspension.codec)
    assert bomb_codecs.suspensions.current() == []


def test_a_codec_that_runs_to_the_end_resets_the_count_of_failures() -> None:
    suspensions = CodecSuspensions(after=2)
    memory = DecodeError("out of memory", reason=DecodeErrorReason.memory)
    truncated = DecodeError("too short", reason=DecodeErrorReason.truncated)
    # A frame the codec refuses is the frame's fault: the codec itself ran to the end.
    suspensions.record("c", [memory, decoded({}), memory, truncated, memory])
    assert suspensions.suspended("c") is None
    suspensions.record("c", [memory])
    assert suspensions.suspended("c") is not None


def test_the_operator_sees_and_lifts_a_suspension(client: TestClient, territory: Territory) -> None:
    suspensions = runtime_of(client.app).pipeline.codecs.suspensions
    timeout = DecodeError("time limit", reason=DecodeErrorReason.timeout)
    suspensions.record("js-slow", [timeout] * suspensions.after)
    operator = territory.operator.bearer()
    listed = client.get("/api/v1/decoders/suspended", headers=operator)
    assert [(s["codec"], s["failures"]) for s in listed.json()["items"]] == [("js-slow", 20)]
    member = territory.versailles.bearer()
    assert client.delete("/api/v1/decoders/suspended/js-slow", headers=member).status_code == 403
    assert client.delete("/api/v1/decoders/suspended/js-slow", headers=operator).status_code == 204
    assert client.get("/api/v1/decoders/suspended", headers=operator).json()["items"] == []
    assert client.delete("/api/v1/decoders/suspended/js-slow", headers=operator).status_code == 404

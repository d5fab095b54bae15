"""Dead letters are bounded: payloads truncated past a size, a quota per member and source.

Finding 7 of #13. Before: 20 invalid 4.9 MB bodies added 98 MB to the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select

from convergence.ingest import deadletters
from convergence.ingest.envelope import Envelope, Refusal, Source, Stage, Status
from convergence.ingest.replay import replay
from convergence.ingest.tables import dead_letters
from convergence.web.deps import runtime_of
from tests.support import Territory

T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def test_a_huge_invalid_body_is_kept_truncated_with_its_hash_and_length(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    body = b'{"readings": [' + b"9" * 1_000_000  # invalid JSON, one megabyte
    response = client.post(
        "/api/v1/ingest",
        headers=territory.versailles.bearer("ingest") | {"Content-Type": "application/json"},
        content=body,
    )
    assert response.status_code in (400, 422), response.text
    with engine.connect() as conn:
        [row] = conn.execute(select(dead_letters)).all()
    assert len(row.raw) == deadletters.DEFAULT_LIMITS.raw_max_bytes
    assert row.raw == body[: deadletters.DEFAULT_LIMITS.raw_max_bytes]
    assert row.metadata["raw_length"] == len(body)
    assert row.metadata["raw_sha256"] == hashlib.sha256(body).hexdigest()
    runtime = runtime_of(client.app)  # type: ignore[arg-type]
    with runtime.begin() as conn:
        report = replay(conn, pipeline=runtime.pipeline, ids=[row.id])
        count = conn.execute(select(func.count()).select_from(dead_letters)).scalar_one()
    assert report.still_refused == [row.id]
    assert count == 1  # replaying it made no second dead letter


def _refuse(engine: Engine, member_id: int, raw: bytes) -> int | None:
    envelope = Envelope(source=Source.http, raw=raw, received_at=T0, member_id=member_id)
    with engine.begin() as conn:
        return deadletters.record(
            conn,
            envelope=envelope,
            refusal=Refusal(Stage.decode, "invalid_json", "not JSON"),
            raw=raw,
            device_ref=None,
            metadata={},
        )


def test_past_the_quota_a_dead_letter_is_counted_not_kept(
    engine: Engine, territory: Territory
) -> None:
    versailles, boulogne = territory.versailles.id, territory.boulogne.id
    first = _refuse(engine, versailles, b"first")
    assert first is not None
    rows = [
        {
            "digest": f"{n:064x}", "received_at": T0, "last_received_at": T0,
            "times_received": 1, "source": Source.http.value, "member_id": versailles,
            "device_ref": None, "stage": Stage.decode.value, "reason_code": "invalid_json",
            "reason": "not JSON", "raw": b"x", "metadata": {}, "status": Status.pending.value,
        }
        for n in range(deadletters.DEFAULT_LIMITS.pending_quota - 1)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(dead_letters), rows)
    assert _refuse(engine, versailles, b"one too many") is None
    assert _refuse(engine, versailles, b"and another") is None
    assert _refuse(engine, versailles, b"first") == first  # a known one is still seen again
    assert _refuse(engine, boulogne, b"one too many") is not None  # another member's quota
    with engine.connect() as conn:
        [overflow] = deadletters.overflow_counts(conn)
        total = conn.execute(select(func.count()).select_from(dead_letters)).scalar_one()
    assert (overflow["source"], overflow["member_id"], overflow["dropped"]) == (
        "http", versailles, 2,
    )  # fmt: skip
    assert total == deadletters.DEFAULT_LIMITS.pending_quota + 1


def test_the_bounds_follow_their_settings(
    make_client: Callable[..., TestClient], engine: Engine, territory: Territory
) -> None:
    """CONVERGENCE_DEAD_LETTER_RAW_MAX_BYTES and _PENDING_QUOTA, through the HTTP receiver."""
    client = make_client(dead_letter_raw_max_bytes=2048, dead_letter_pending_quota=3)
    headers = territory.versailles.bearer("ingest") | {"Content-Type": "application/json"}
    bodies = [b'{"readings": [' + str(n).encode() * 3000 for n in range(5)]
    for body in bodies:
        assert client.post("/api/v1/ingest", headers=headers, content=body).status_code in (
            400,
            422,
        )
    with engine.connect() as conn:
        kept = conn.execute(select(dead_letters).order_by(dead_letters.c.id)).all()
        [overflow] = deadletters.overflow_counts(conn)
    assert [len(row.raw) for row in kept] == [2048, 2048, 2048]
    assert [row.metadata["raw_length"] for row in kept] == [len(b) for b in bodies[:3]]
    assert overflow["dropped"] == 2

"""Camera health at fleet scale: reachability, ONVIF clock and identity, RTSP DESCRIBE.

Each cycle asks every camera, a few hundred at a time, and stores what it found through the
time-series store as any device's data: the ``clock_drift`` reading (seconds, absolute; a
clock off weakens images as evidence) and a ``video.stream`` event (``up`` or ``down``, with
the model, firmware and serial the camera gave). The alert rules of ``alerting`` do the rest.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from onvif import ONVIFCamera
from sqlalchemy import Connection, Engine, select

from convergence.db.types import utcnow
from convergence.registry.tables import assets
from convergence.timeseries.store import NewEvent, NewReading
from convergence.video.alerting import CLOCK_DRIFT, STREAM_EVENT, Sink
from convergence.video.credentials import Credentials, Sealer
from convergence.video.rtsp_auth import authorization, challenge_of
from convergence.video.tables import video_cameras


@dataclass(frozen=True, slots=True)
class HealthTarget:
    asset_id: int
    member_id: int
    host: str
    onvif_port: int | None
    rtsp_url: str | None
    credentials: Credentials | None = None  # opened from the sealed column for the cycle


@dataclass(frozen=True, slots=True)
class HealthResult:
    target: HealthTarget
    checked_at: datetime
    reachable: bool
    clock_drift_s: float | None
    stream_ok: bool
    device: dict[str, str]
    problem: str

    @property
    def up(self) -> bool:
        return self.reachable and self.stream_ok


def health_targets_unscoped(conn: Connection, sealer: Sealer | None = None) -> list[HealthTarget]:
    """Every camera with an address, whichever member: the health process serves them all;
    with ``sealer``, each with its credentials opened."""
    query = (
        select(
            video_cameras.c.asset_id,
            video_cameras.c.member_id,
            video_cameras.c.host,
            video_cameras.c.onvif_port,
            video_cameras.c.rtsp_url,
            video_cameras.c.credentials,
        )
        .join(assets, assets.c.id == video_cameras.c.asset_id)
        .where(video_cameras.c.host.is_not(None), assets.c.status != "retired")
        .order_by(video_cameras.c.asset_id)
    )
    return [
        HealthTarget(
            row.asset_id,
            row.member_id,
            row.host,
            row.onvif_port,
            row.rtsp_url,
            sealer.open(row.credentials) if sealer and row.credentials else None,
        )
        for row in conn.execute(query)
    ]


async def describe(url: str, *, timeout_s: float, credentials: Credentials | None = None) -> str:
    """RTSP DESCRIBE of ``url``: "" when the camera offers a video stream, else why not.
    A 401 is answered once with the camera's credentials (Digest or Basic), if it has any."""
    try:
        async with asyncio.timeout(timeout_s):
            head, body = await _describe_once(url, None)
            challenge = challenge_of(head) if " 401 " in head.split("\r\n", 1)[0] + " " else None
            if challenge is not None and credentials is not None:
                answer = authorization(challenge, credentials, method="DESCRIBE", uri=url)
                head, body = await _describe_once(url, answer)
    except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
        return f"rtsp unreachable: {error or type(error).__name__}"
    status = head.split("\r\n", 1)[0]
    if " 200 " not in f"{status} ":
        return f"rtsp answered {status}"
    return "" if b"m=video" in body else "rtsp offers no video stream"


async def _describe_once(url: str, authorization_value: str | None) -> tuple[str, bytes]:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 554)
    try:
        extra = f"Authorization: {authorization_value}\r\n" if authorization_value else ""
        cseq = 3 if authorization_value else 2
        request = (
            f"DESCRIBE {url} RTSP/1.0\r\nCSeq: {cseq}\r\nAccept: application/sdp\r\n{extra}\r\n"
        )
        writer.write(request.encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        length = re.search(r"content-length:\s*(\d+)", head, re.IGNORECASE)
        body = await reader.readexactly(int(length.group(1))) if length else b""
    finally:
        writer.close()
    return head, body


async def ask_onvif(
    host: str, port: int, *, timeout_s: float, credentials: Credentials | None = None
) -> tuple[float, dict[str, str]]:
    """The camera's clock drift (seconds, signed) and identity, through ONVIF."""
    # The clock is asked without authentication (as ONVIF allows); the identity with the
    # camera's credentials, or an empty user, which cameras open to it accept.
    user, password = (credentials.user, credentials.password) if credentials else ("", "")
    camera = ONVIFCamera(host, port, user, password)
    try:
        # Building the service is local work (WSDLs parsed once per process); only the calls
        # to the camera are timed, so a timeout never cancels the library half-way.
        device = await camera.create_devicemgmt_service()
        async with asyncio.timeout(timeout_s):
            asked_at = datetime.now(UTC)
            clock = await device.authless_GetSystemDateAndTime()
            answered_at = datetime.now(UTC)
            info = await device.GetDeviceInformation()
    finally:
        await camera.close()
    moment = asked_at + (answered_at - asked_at) / 2
    drift = (_device_time(clock) - moment).total_seconds()
    identity = {
        "model": str(info.Model),
        "firmware": str(info.FirmwareVersion),
        "serial": str(info.SerialNumber),
    }
    return drift, identity


def _device_time(clock: Any) -> datetime:
    utc = clock.UTCDateTime
    return datetime(
        utc.Date.Year, utc.Date.Month, utc.Date.Day,
        utc.Time.Hour, utc.Time.Minute, utc.Time.Second, tzinfo=UTC,
    )  # fmt: skip


async def check_camera(target: HealthTarget, *, timeout_s: float = 5.0) -> HealthResult:
    """Ask one camera; never raises: a failure is the result."""
    drift: float | None = None
    device: dict[str, str] = {}
    problems: list[str] = []
    reachable = True
    if target.onvif_port is not None:
        try:
            drift, device = await ask_onvif(
                target.host, target.onvif_port, timeout_s=timeout_s, credentials=target.credentials
            )
        except (OSError, TimeoutError) as error:
            reachable = False
            problems.append(f"onvif unreachable: {error or type(error).__name__}")
        except Exception as error:  # a SOAP fault or a malformed answer: the camera is there
            problems.append(f"onvif error: {error}"[:200])
    stream_problem = "no rtsp url" if target.rtsp_url is None else ""
    if target.rtsp_url is not None and reachable:
        stream_problem = await describe(
            target.rtsp_url, timeout_s=timeout_s, credentials=target.credentials
        )
    elif not reachable:
        stream_problem = "camera unreachable"
    problems += [stream_problem] if stream_problem else []
    return HealthResult(
        target, utcnow(), reachable, drift, not stream_problem, device, "; ".join(problems)
    )


async def warm_up() -> None:
    """Parse the ONVIF WSDLs once, before hundreds of cameras would all do it at once."""
    camera = ONVIFCamera("127.0.0.1", 1, "", "")
    try:
        await camera.create_devicemgmt_service()
    finally:
        await camera.close()


async def check_fleet(
    targets: Sequence[HealthTarget], *, concurrency: int = 200, timeout_s: float = 5.0
) -> list[HealthResult]:
    """Every camera checked, at most ``concurrency`` at a time."""
    gate = asyncio.Semaphore(concurrency)
    if any(t.onvif_port is not None for t in targets):
        await warm_up()

    async def one(target: HealthTarget) -> HealthResult:
        async with gate:
            return await check_camera(target, timeout_s=timeout_s)

    return list(await asyncio.gather(*(one(t) for t in targets)))


def observations(results: Sequence[HealthResult]) -> Sink:
    """The readings and events a cycle's results become."""
    sink = Sink()
    for result in results:
        target = result.target
        payload = {"state": "up" if result.up else "down", "problem": result.problem}
        event = NewEvent(target.asset_id, target.member_id, result.checked_at, STREAM_EVENT,
                         payload | result.device)  # fmt: skip
        readings = []
        if result.clock_drift_s is not None:
            readings.append(
                NewReading(target.asset_id, target.member_id, CLOCK_DRIFT, "s",
                           result.checked_at, round(abs(result.clock_drift_s), 3))
            )  # fmt: skip
        sink.add(readings=readings, events=[event])
    return sink


async def run_cycle(
    engine: Engine,
    *,
    concurrency: int = 200,
    timeout_s: float = 5.0,
    sealer: Sealer | None = None,
) -> list[HealthResult]:
    """One health cycle of the whole fleet, stored and fed to the alert rules."""
    with engine.connect() as conn:
        targets = health_targets_unscoped(conn, sealer)
    results = await check_fleet(targets, concurrency=concurrency, timeout_s=timeout_s)
    sink = observations(results)
    with engine.begin() as conn:
        sink.flush(conn)
    return results

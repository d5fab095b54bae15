"""A network server's webhook at a steady rate: one HTTP request per uplink, as ChirpStack sends.

Used by the webhook benchmark and its shorter test through a live `convergence serve`. Request i
is due at ``start + i / rate``, as a network server forwards uplinks when they arrive; it is
never retried (ChirpStack retries none).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx


def chirpstack_uplink(dev_eui: str, ts: datetime, counter: int) -> bytes:
    """A ChirpStack v4 "up" event (JSON) whose object carries a temperature and a humidity."""
    message = {
        "deduplicationId": f"00000000-0000-4000-8000-{counter:012d}",
        "time": ts.isoformat(),
        "deviceInfo": {
            "tenantId": "52f14cd4-c6f1-4fbd-8f87-4025e1d49242",
            "applicationId": "f7a7c2f4-5d3e-4a51-9b0e-2e1f0c8a9d11",
            "deviceName": f"bench-{dev_eui.lower()}",
            "devEui": dev_eui.lower(),
        },
        "fCnt": counter,
        "fPort": 1,
        "data": "AQDiAik=",
        "object": {"temperature": 15 + counter % 100 / 10, "humidity": 40 + counter % 30},
    }
    return json.dumps(message).encode()


def uplink_bodies(dev_euis: list[str], count: int, start: datetime) -> list[bytes]:
    """``count`` uplinks spread over the devices, each device one every second from ``start``."""
    return [
        chirpstack_uplink(
            dev_euis[i % len(dev_euis)], start + timedelta(seconds=i // len(dev_euis)), i
        )
        for i in range(count)
    ]


@dataclass
class FloodResult:
    """What the sender saw: statuses, transport failures, latencies and how late it ran."""

    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    latencies_s: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0
    max_lag_s: float = 0.0

    def percentile(self, fraction: float) -> float:
        """A latency percentile in seconds (0 when nothing was answered)."""
        if not self.latencies_s:
            return 0.0
        ordered = sorted(self.latencies_s)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def flood(
    url: str,
    token: str,
    bodies: list[bytes],
    *,
    rate: float,
    connections: int = 64,
    timeout_s: float = 60.0,
) -> FloodResult:
    """POST every body to ``url`` at ``rate`` requests per second; one answer per request.

    ``connections`` senders share the schedule, each on its own keep-alive connection (as a
    network server's HTTP client does); when the server is slower than the rate, requests
    leave late, and the lag is reported.
    """
    result = FloodResult()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    upcoming = iter(range(len(bodies)))
    begun = time.perf_counter()

    async def sender() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(
            headers=headers, limits=limits, timeout=timeout_s, trust_env=False
        ) as client:
            for index in upcoming:
                due = begun + index / rate
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                await _send(client, url, bodies[index], due, result)

    await asyncio.gather(*(sender() for _ in range(connections)))
    result.elapsed_s = time.perf_counter() - begun
    result.sent = len(bodies)
    return result


async def _send(
    client: httpx.AsyncClient, url: str, body: bytes, due: float, result: FloodResult
) -> None:
    sent_at = time.perf_counter()
    result.max_lag_s = max(result.max_lag_s, sent_at - due)
    try:
        response = await client.post(url, content=body)
    except httpx.HTTPError as error:
        result.failures[type(error).__name__] += 1
        return
    result.statuses[response.status_code] += 1
    result.latencies_s.append(time.perf_counter() - sent_at)


@contextmanager
def convergence_serve(
    database_url: str, data_dir: Path, *, startup_timeout_s: float = 120.0, workers: int = 1
) -> Iterator[str]:
    """`convergence serve --workers N` in its own process, as an operator starts it; yields its
    base URL."""
    port = _free_port()
    environment = {
        **os.environ,
        "CONVERGENCE_DATABASE_URL": database_url,
        "CONVERGENCE_DATA_DIR": str(data_dir),
        "CONVERGENCE_ENVIRONMENT": "test",
        "CONVERGENCE_SECRET_KEY": secrets.token_urlsafe(48),
    }
    command = [str(Path(sys.executable).with_name("convergence")), "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    log = (data_dir / "serve.log").open("wb")
    process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process, startup_timeout_s)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"convergence serve exited with status {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"convergence serve did not answer on {base_url} within {timeout_s} s")

"""Benchmark of the OCPP central system: N simulated 1.6-J charge points, one server process.

The server is ``create_app`` under uvicorn in its own process, with its database (SQLite by
default, or ``--database-url``); every charge point is a real ``ocpp`` client over a
WebSocket (the simulator of ``convergence.simulation``, profiles made by the fleet runner),
sending a heartbeat every 10 s and, while charging, meter values every 30 s. Every charge
point charges on connector 1 during the whole measurement, the heaviest case.

Printed for each size: heartbeat round-trip p50/p99 (client side, during the measurement
window only, once every charge point is charging), all requests p50/p99, the server's CPU
(share of one core, and CPU milliseconds per request) and memory (RSS and peak), the
client's CPU and the machine's load average: the simulators run on the same machine, so a
busy machine inflates the latencies. Goal: heartbeat p99 < 100 ms at 2,000 charge points.

    python bench/bench_ocpp.py                      # 500, 1000, 2000 on SQLite
    python bench/bench_ocpp.py --sizes 2000 --measure 120 --database-url postgresql://…
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scratch import postgres_database
from sqlalchemy import Engine, insert

from convergence.bootstrap import prepare_database
from convergence.charging.credentials import hash_authorization_key
from convergence.charging.tables import charge_points
from convergence.collector import tune_collector
from convergence.db.engine import make_engine
from convergence.db.types import utcnow
from convergence.members.roles import MemberKind
from convergence.members.schemas import MemberCreate
from convergence.members.service import create_member
from convergence.registry.tables import assets
from convergence.simulation.chargepoint import ChargePoint16Simulator
from convergence.simulation.chargepoint_config import (
    ChargePointProfile,
    ChargeSession,
    OcppVersion,
    SimulationReport,
)
from convergence.simulation.chargepoint_fleet import fleet_profiles
from convergence.simulation.chargepoint_runtime import CallStats, ocpp_connection

PASSWORD = "bench-0123456789abcdef"
HEARTBEAT_S = 10
METER_S = 30
VERSAILLES = (2.1301, 48.8049, "78646")


# --- the server process ---------------------------------------------------------------------


def serve(database_url: str, port: int, data_dir: Path) -> None:
    """Run the application (``--serve``): what the benchmark measures."""
    import uvicorn

    from convergence.charging.config import CentralConfig
    from convergence.settings import Environment, Settings
    from convergence.web.app import create_app
    from convergence.web.deps import runtime_of

    settings = Settings(
        environment=Environment.test,
        data_dir=data_dir,
        database_url=database_url,
        secret_key="bench-secret-key-" + "x" * 32,
    )
    app = create_app(settings, engine=make_engine(database_url))
    runtime_of(app).central_system.config = CentralConfig(heartbeat_interval_s=HEARTBEAT_S)
    tune_collector()  # as `convergence serve` does
    # OCPP frames are a few hundred bytes: compressing them costs more CPU than it saves.
    uvicorn.run(
        app, host="127.0.0.1", port=port, ws="websockets-sansio", log_level="warning",
        lifespan="off", backlog=4096, ws_per_message_deflate=False,
    )  # fmt: skip


def seed(engine: Engine, count: int) -> None:
    """A commune with ``count`` active charge points SIM00001…, each with the password."""
    with engine.begin() as conn:
        member = create_member(
            conn,
            data=MemberCreate(siren="217806462", name="Versailles", kind=MemberKind.commune,
                              insee="78646"),
            actor="bench",
        )  # fmt: skip
        now, lon, lat, insee = utcnow(), *VERSAILLES
        password_hash = hash_authorization_key(PASSWORD)
        for start in range(1, count + 1, 500):
            ids = range(start, min(count, start + 499) + 1)
            conn.execute(
                insert(assets),
                [
                    {"id": i, "member_id": member.id, "name": f"Borne {i}", "kind": "charge_point",
                     "domain": "charging", "ocpp_id": f"SIM{i:05d}", "lon": lon, "lat": lat,
                     "commune_insee": insee, "status": "active", "tags": [], "created_at": now,
                     "updated_at": now}
                    for i in ids
                ],
            )  # fmt: skip
            conn.execute(
                insert(charge_points),
                [
                    {"asset_id": i, "member_id": member.id, "password_hash": password_hash,
                     "online": False, "connected": False, "failed_in_row": 0, "updated_at": now}
                    for i in ids
                ],
            )  # fmt: skip


@dataclass
class ProcessSample:
    cpu_s: float
    rss_kib: int
    peak_kib: int


def sample(pid: int) -> ProcessSample:
    """CPU time and memory of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return ProcessSample(cpu, int(status["VmRSS"].split()[0]), int(status["VmHWM"].split()[0]))


# --- the charge points --------------------------------------------------------------------------


class TimedChargePoint(ChargePoint16Simulator):
    """The fleet's simulator, with its heartbeats timed apart from the other requests."""

    heartbeats: CallStats

    async def heartbeat_loop(self) -> None:
        while True:
            await self.pace.sleep(self.heartbeat_interval_s)
            begun = time.perf_counter()
            await self.send(self.heartbeat_request())
            self.heartbeats.latencies_s.append(time.perf_counter() - begun)
            self.report.heartbeats += 1


@dataclass
class Fleet:
    """What the charge points of one run share: their statistics, the simulators."""

    stats: CallStats
    beats: CallStats
    simulators: list[TimedChargePoint]

    def charging(self) -> int:
        return sum(1 for s in self.simulators if s.connectors[1].transaction_id is not None)


async def charge_point(
    url: str, profile: ChargePointProfile, session_s: float, fleet: Fleet
) -> SimulationReport:
    async with ocpp_connection(url, profile, OcppVersion.v16) as websocket:
        simulator = TimedChargePoint(profile, websocket, stats=fleet.stats)
        simulator.heartbeats = fleet.beats
        fleet.simulators.append(simulator)
        return await simulator.run([ChargeSession(connector_id=1, duration_s=session_s)])


@dataclass
class Result:
    size: int
    connected: int
    failures: int
    heartbeats: int
    hb_p50_ms: float
    hb_p99_ms: float
    all_p50_ms: float
    all_p99_ms: float
    requests_per_s: float
    cpu_percent: float
    cpu_ms_per_request: float
    client_cpu_percent: float
    load_average: float
    rss_mib: float
    peak_mib: float


async def drive(url: str, size: int, server_pid: int, ramp_s: float, measure_s: float) -> Result:
    template = ChargePointProfile(
        charge_point_id="SIM0", password=PASSWORD, heartbeat_interval_s=HEARTBEAT_S,
        meter_interval_s=METER_S, connectors=2, response_timeout_s=60,
    )  # fmt: skip
    profiles = fleet_profiles(size, template, id_prefix="SIM", password=PASSWORD)
    fleet = Fleet(CallStats(), CallStats(), [])
    stats, beats = fleet.stats, fleet.beats
    session_s = 3 * ramp_s + measure_s + 60

    async def one(index: int, profile: ChargePointProfile) -> SimulationReport:
        await asyncio.sleep(ramp_s * index / size)  # a fleet comes back one by one
        return await charge_point(url, profile, session_s, fleet)

    tasks = [asyncio.create_task(one(i, p)) for i, p in enumerate(profiles)]
    # Measure the steady state: every charge point connected, booted and charging.
    deadline = time.monotonic() + 3 * ramp_s + 30
    while fleet.charging() < size and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    await asyncio.sleep(METER_S / 2)
    stats.latencies_s.clear()
    beats.latencies_s.clear()
    before, begun = sample(server_pid), time.monotonic()
    client_before = time.process_time()
    await asyncio.sleep(measure_s)
    after, elapsed = sample(server_pid), time.monotonic() - begun
    client_cpu = time.process_time() - client_before
    measured, measured_beats = list(stats.latencies_s), list(beats.latencies_s)
    for task in tasks:  # the sessions would go on: end the run here
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    window, heartbeat_window = CallStats(measured), CallStats(measured_beats)
    return Result(
        size=size,
        connected=len(fleet.simulators),
        failures=sum(1 for r in results if isinstance(r, Exception)) + stats.errors,
        heartbeats=len(measured_beats),
        hb_p50_ms=heartbeat_window.percentile(50) * 1000,
        hb_p99_ms=heartbeat_window.percentile(99) * 1000,
        all_p50_ms=window.percentile(50) * 1000,
        all_p99_ms=window.percentile(99) * 1000,
        requests_per_s=len(measured) / elapsed,
        cpu_percent=100 * (after.cpu_s - before.cpu_s) / elapsed,
        cpu_ms_per_request=1000 * (after.cpu_s - before.cpu_s) / max(len(measured), 1),
        client_cpu_percent=100 * client_cpu / elapsed,
        load_average=os.getloadavg()[0],
        rss_mib=after.rss_kib / 1024,
        peak_mib=after.peak_kib / 1024,
    )


# --- one size, end to end -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_listening(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def run_size(size: int, args: argparse.Namespace, workdir: Path) -> Result:
    """One size, on its own fresh database (a scratch PostgreSQL one, dropped afterwards)."""
    if args.database_url is None:
        return measure(size, args, f"sqlite:///{workdir / f'bench-{size}.sqlite3'}", workdir)
    with postgres_database(args.database_url, label=f"{size}_") as url:
        return measure(size, args, url, workdir)


def measure(size: int, args: argparse.Namespace, url: str, workdir: Path) -> Result:
    engine = make_engine(url)
    prepare_database(engine)
    seed(engine, size)
    engine.dispose()
    port = free_port()
    command = [sys.executable, __file__, "--serve", url, "--port", str(port), "--data-dir",
               str(workdir)]  # fmt: skip
    server = subprocess.Popen(command)
    try:
        wait_listening(port)
        ramp = args.ramp if args.ramp is not None else max(10.0, size / 50)
        return asyncio.run(
            drive(f"ws://127.0.0.1:{port}/ocpp", size, server.pid, ramp, args.measure)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000])
    parser.add_argument("--measure", type=float, default=60.0, help="seconds measured per size")
    parser.add_argument("--ramp", type=float, default=None, help="seconds to connect them all")
    parser.add_argument("--database-url", default=None, help="PostgreSQL server (admin URL)")
    parser.add_argument("--serve", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, Path(args.data_dir))
        return
    # Thousands of WebSockets need as many file descriptors in the client process.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"OCPP 1.6-J, heartbeat {HEARTBEAT_S} s, meter values {METER_S} s while charging, "
          f"{backend}, {os.cpu_count()} CPU, measured {args.measure:.0f} s per size")  # fmt: skip
    header = (f"{'points':>7} {'up':>5} {'fail':>4} {'beats':>6} {'hb p50':>8} {'hb p99':>8} "
              f"{'all p50':>8} {'all p99':>8} {'req/s':>6} {'CPU %':>6} {'ms/req':>6} "
              f"{'RSS MiB':>8} {'peak':>6} {'client%':>7} {'load':>5}")  # fmt: skip
    print(header)
    # The simulators are the measuring instrument: their process gets the server's tuning, or
    # its own collection pauses would be counted as the server's latency.
    tune_collector()
    with tempfile.TemporaryDirectory(prefix="bench-ocpp-") as tmp:
        for size in args.sizes:
            r = run_size(size, args, Path(tmp))
            print(f"{r.size:>7} {r.connected:>5} {r.failures:>4} {r.heartbeats:>6} "
                  f"{r.hb_p50_ms:>6.1f}ms {r.hb_p99_ms:>6.1f}ms {r.all_p50_ms:>6.1f}ms "
                  f"{r.all_p99_ms:>6.1f}ms {r.requests_per_s:>6.0f} {r.cpu_percent:>6.1f} "
                  f"{r.cpu_ms_per_request:>6.2f} {r.rss_mib:>8.1f} {r.peak_mib:>6.1f} "
                  f"{r.client_cpu_percent:>7.1f} {r.load_average:>5.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

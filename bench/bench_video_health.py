"""Benchmark of camera health at fleet scale: N simulated cameras checked from one process.

The cameras (ONVIF over SOAP/HTTP and RTSP on loopback addresses 127.0.x.y, the simulator of
``convergence.simulation.onvif_cameras``) run in a child process; this process runs one
health cycle as ``convergence video health`` does — for each camera ONVIF
GetSystemDateAndTime and GetDeviceInformation with onvif-zeep-async, then RTSP DESCRIBE —
and turns the results into readings and events. Printed: the cycle time, cameras per
second, failures, the checker's CPU seconds and peak memory. Goal: 2,000 cameras in under
5 minutes.

    python bench/bench_video_health.py                       # 2,000 cameras
    python bench/bench_video_health.py --cameras 500 --concurrency 100
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import socket
import time
from multiprocessing.connection import Connection

from convergence.simulation.onvif_cameras import CameraFleet, camera_host
from convergence.video.health import HealthTarget, check_fleet, observations


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(count: int, onvif_port: int, rtsp_port: int, ready: Connection) -> None:
    async def main() -> None:
        fleet = CameraFleet.of_size(count)
        fleet.onvif_port, fleet.rtsp_port = onvif_port, rtsp_port
        await fleet.start()
        ready.send("ready")
        await asyncio.Event().wait()

    asyncio.run(main())


def run(count: int, concurrency: int, timeout_s: float) -> None:
    onvif_port, rtsp_port = _free_port(), _free_port()
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=_serve, args=(count, onvif_port, rtsp_port, child), daemon=True
    )
    server.start()
    try:
        assert parent.recv() == "ready"
        targets = [
            HealthTarget(i + 1, 1, camera_host(i), onvif_port,
                         f"rtsp://{camera_host(i)}:{rtsp_port}/stream1")
            for i in range(count)
        ]  # fmt: skip
        cpu_before = time.process_time()
        started = time.perf_counter()
        results = asyncio.run(check_fleet(targets, concurrency=concurrency, timeout_s=timeout_s))
        sink = observations(results)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
    finally:
        server.terminate()
        server.join()
    failed = [r for r in results if not r.up]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cameras            {count}")
    print(f"concurrency        {concurrency}")
    print(f"cycle time         {elapsed:.1f} s (goal < 300 s)")
    print(f"cameras per second {count / elapsed:.0f}")
    print(
        f"failures           {len(failed)}" + (f" (first: {failed[0].problem})" if failed else "")
    )
    print(f"readings, events   {len(sink.readings)}, {len(sink.events)}")
    print(f"checker CPU        {cpu:.1f} s, peak RSS {peak_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    run(args.cameras, args.concurrency, args.timeout)


if __name__ == "__main__":
    main()

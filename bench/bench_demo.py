"""Time to a ready demo: `convergence demo`'s build, phase by phase, in a fresh directory.

    python bench/bench_demo.py [--days 60] [--keep DIR]

Prints the seconds of each phase (database, members and users, equipment and rules,
history, alerts) with the CPU time the main process spent in it, the readings stored per
second, the CPU time of the simulation worker, and the machine's load average — on a shared
machine the wall clock depends on the others' work; the CPU times do not. The build must be
ready in under two minutes on two cores.
A second run on the same directory (the idempotent re-run) is timed as well.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from convergence.demo.build import DEFAULT_DAYS, Demo, DemoOptions, build_demo
from convergence.settings import Settings


def report(label: str, demo: Demo, wall_s: float) -> None:
    history = demo.history
    print(f"\n{label}: ready in {wall_s:.1f} s (wall clock)")
    for phase, seconds in demo.stopwatch.phases.items():
        cpu = demo.stopwatch.cpu[phase]
        print(f"  {phase:<32} {seconds:7.1f} s   (CPU of this process {cpu:6.1f} s)")
    rate = history.inserted / history.seconds if history.seconds else 0.0
    print(
        f"  history: {history.inserted:,} readings in {history.windows} jobs, "
        f"{rate:,.0f} readings/s, {history.waited_s:.1f} s waiting for the simulation"
    )
    print(
        f"  {len(demo.fleet.asset_ids)} assets, {len(demo.fleet.series)} series, "
        f"{history.alerts_fired + demo.scheduled_alerts} alerts fired, {demo.proposals} proposals"
    )


def run(directory: Path, days: int, label: str) -> None:
    started = time.monotonic()
    demo = build_demo(DemoOptions(directory=directory, days=days), base=Settings())
    report(label, demo, time.monotonic() - started)
    demo.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
    parser.add_argument("--keep", type=Path, help="build there (and keep it) instead of a temp dir")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.keep or Path(scratch) / "convergence-demo"
        run(directory, args.days, f"first run, {args.days} days")
        run(directory, args.days, "second run (reuses the directory)")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"\nCPU of the simulation worker(s): {children.ru_utime + children.ru_stime:.1f} s")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":  # the history is simulated in a spawned process: keep this guard
    main()

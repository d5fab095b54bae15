"""Garbage-collector tuning for the long-running processes (server, MQTT worker, demo).

Python's default thresholds suit short scripts. A server that takes in batches of hundreds
of readings, or holds thousands of WebSockets, keeps many objects alive for the length of one
database write: they survive the young collections (every 700 allocations), pile up in the
old generation and trigger full collections, each of which scans every object the process
has loaded and stops every request while it runs (measured: 0.5-0.9 s every few seconds with
2,000 charge points; 25-30 % of the HTTP ingestion rate).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000


def tune_collector() -> None:
    """Move what is loaded so far out of the collector's sight, and collect young objects less
    often so that those of a batch die young (``CONVERGENCE_TUNE_COLLECTOR`` turns it off)."""
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 20, 20)


def freeze_long_lived() -> None:
    """Move what is loaded so far out of the collector's sight: called once the start-up's
    long-lived data (the warmed figures, hundreds of thousands of objects) is computed, so
    that no full collection scans it again while a request waits."""
    gc.freeze()

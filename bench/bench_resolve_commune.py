"""Throughput of resolve_commune (one point at a time) and resolve_communes (bulk imports).

Run from the repository root: ``python bench/bench_resolve_commune.py [--points N]``.
Prints figures only; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import TypeVar

import shapely

from convergence.territory.geometry import load_commune_index, resolve_commune, resolve_communes
from convergence.territory.reference import load_territory

T = TypeVar("T")


def timed(action: Callable[[], T]) -> tuple[T, float]:
    """The action's result and its wall-clock duration in seconds."""
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def random_points(count: int, seed: int) -> list[tuple[float, float]]:
    """Uniform points over the bounding box of Yvelines and Hauts-de-Seine."""
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(load_commune_index().geometries)
    rng = random.Random(seed)
    return [(rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)) for _ in range(count)]


def report(label: str, count: int, seconds: float) -> None:
    """One line of figures."""
    print(f"{label:<34} {count:>9,} points  {seconds:8.3f} s  {count / seconds:>12,.0f} points/s")


def main() -> None:
    """Load the territory, then time single and bulk resolution over the same points."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7892)
    args = parser.parse_args()
    _, load_s = timed(load_territory)
    _, index_s = timed(load_commune_index)
    print(f"load_territory()     {load_s * 1000:8.1f} ms (295 communes, 16 EPCI/EPT)")
    print(f"load_commune_index() {index_s * 1000:8.1f} ms (shapes, prepare, STRtree)")
    points = random_points(args.points, args.seed)
    singles, single_s = timed(lambda: [resolve_commune(lon, lat) for lon, lat in points])
    report("resolve_commune, one at a time", len(points), single_s)
    bulk, bulk_s = timed(lambda: resolve_communes(points))
    report("resolve_communes, one call", len(points), bulk_s)
    inside = sum(code is not None for code in bulk)
    print(f"{inside:,} of {len(points):,} points fall in a commune")
    print(f"bulk and single-point answers agree: {bulk == singles}")


if __name__ == "__main__":
    main()

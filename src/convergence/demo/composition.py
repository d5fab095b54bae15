"""How much equipment of each kind the demo communes hold.

The fleet simulator places equipment where people live, kind by kind, at one scale. A town
does not run a dozen sound level meters or counters, so the demo keeps at most a few per
commune (the first ones the plan drew, both directions of a counter together) and gives
the room to street-lighting cabinets and charge points, which every commune has by the
dozen. The plan's numbering is untouched: the kept assets send the same data as in any
other plan of the same seed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from convergence.demo.catalogue import COMMUNE_CODES, DEMO_SEED, FLEET_SCALE
from convergence.demo.placement import place_fleet
from convergence.simulation.fleet import AssetPlan, FleetPlan, plan_fleet


def _site(asset: AssetPlan) -> int:
    """The site an asset stands at: both directions of a counter share one."""
    return asset.number // len(asset.spec.contribution.directions)


def thin_out(plan: FleetPlan) -> FleetPlan:
    """The plan with at most ``sites_per_commune`` sites of the limited kinds (a site of a
    counter holds its two directions)."""
    sites: dict[tuple[str, str], list[int]] = defaultdict(list)
    kept = []
    for asset in plan.assets:
        limit = asset.spec.contribution.sites_per_commune
        seen = sites[(asset.commune_insee, asset.sim_kind)]
        site = _site(asset)
        if site not in seen:
            seen.append(site)
        if limit is None or seen.index(site) < limit:
            kept.append(asset)
    return replace(plan, assets=tuple(kept))


def demo_fleet() -> FleetPlan:
    """The demo's fleet: planned, thinned out, and placed beside the main roads."""
    plan = plan_fleet(seed=DEMO_SEED, scale=FLEET_SCALE, communes=COMMUNE_CODES)
    return place_fleet(thin_out(plan))
